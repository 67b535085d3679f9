"""The declarative base every feature's tables share, with stable constraint names.

Every schema change needs an Alembic migration in `storage/migrations/versions`; the test suite
checks that the migrated schema matches the models (all of them, gathered by `storage.schema`).
"""

from __future__ import annotations

from sqlalchemy import (
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic needs them to drop constraints)."""

    metadata = MetaData(naming_convention=NAMING)
