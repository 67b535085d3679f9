"""Officer names: the name an officer chose to be shown by (on messages to tipsters, in tip
timelines, claims, /report and /audit), and when the service first asked for it, so that it asks
once.

Revision ID: 0009_officer_names
Revises: 0008_phone_verification
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_officer_names"
down_revision = "0008_phone_verification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("name_asked_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.drop_column("name_asked_at")
        batch_op.drop_column("display_name")
