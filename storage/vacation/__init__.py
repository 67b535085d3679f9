"""Storage of vacation: models, records and repositories."""
