"""Storage of tips: models, records and repositories."""
