"""Daily check-ins: storage."""
