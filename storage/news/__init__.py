"""Storage of news: models, records and repositories."""
