"""Victim assistance: officers' follow-ups with people after a crime."""
