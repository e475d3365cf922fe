"""The words of three-valued logic and of verdicts: what views need from the engine
without importing it."""

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
ELIGIBLE, INELIGIBLE, UNDECIDED = "eligible", "ineligible", "unknown"
