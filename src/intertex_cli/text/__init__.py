"""Text and language: the interface in French and English, messages, --help, and
text from files made safe to show."""
