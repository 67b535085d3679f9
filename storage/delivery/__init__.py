"""Storage of delivery: models, records and repositories."""
