"""Vacation watch: house checks while residents are away, the daily patrol list, expiry."""
