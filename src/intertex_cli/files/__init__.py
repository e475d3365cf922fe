"""Files: bounded reads, atomic writes, and flat answers files read without PyYAML."""
