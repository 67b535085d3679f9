"""Storage of flows: models, records and repositories."""
