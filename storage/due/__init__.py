"""Storage of due: models, records and repositories."""
