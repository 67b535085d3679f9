"""The memory: SQLAlchemy models, engine and sessions, repositories and Alembic migrations.

Nothing here imports the other packages of the service; repositories return plain records
(`storage.records`) so that nothing lazy-loads after a session is closed.
"""
