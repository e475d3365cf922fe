"""The catalogue: models, loading with errors located, cache, search."""
