"""The outputs: JSON, Markdown, HTML and the terminal (rich)."""
