"""intertex: export-support schemes for French textile and clothing SMEs."""

__version__ = "0.1.0"
