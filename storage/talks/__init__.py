"""Presentations, workshops and school programs: requests and their yearly reference counter."""
