"""Storage of members: models, records and repositories."""
