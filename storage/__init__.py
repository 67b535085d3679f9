"""The memory: SQLAlchemy models, engine and sessions, repositories and Alembic migrations.

One package per feature (`models`, `records`, `repositories`); `storage.schema` gathers every
feature's tables for Alembic. Nothing here imports the other packages of the service;
repositories return plain records so that nothing lazy-loads after a session is closed.
"""
