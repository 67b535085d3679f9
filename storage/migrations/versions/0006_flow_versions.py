"""Flow versions: every change of a chat's stored step gets a new version, which buttons carry,
so a confirm is taken once and a stale button is recognised. Merges the tips and calendar heads.

Revision ID: 0006_flow_versions
Revises: 0004_tips, 0005_calendar
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_flow_versions"
down_revision = ("0004_tips", "0005_calendar")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat_flows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("chat_flows", schema=None) as batch_op:
        batch_op.drop_column("version")
