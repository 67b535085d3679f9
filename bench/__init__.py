"""Benchmarks: the broadcast against a rate-limiting emulator, and the delivery engine's ceiling.

Run from the repository root with the project's virtual environment, e.g.
`.venv/bin/python -m bench.broadcast`; see `bench/README.md`.
"""
