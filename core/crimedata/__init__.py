"""Importing a police department's incident export: reading the file and naming its crimes."""
