"""Storage of elections: models, records and repositories."""
