"""Storage of audit: models, records and repositories."""
