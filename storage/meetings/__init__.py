"""Storage of meetings: models, records and repositories."""
