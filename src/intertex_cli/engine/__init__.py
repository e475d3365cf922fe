"""The engine: the answers vocabulary, geography, rules, questions, amounts and plans.

Pure: no I/O, no heavy import, no scheme id."""
