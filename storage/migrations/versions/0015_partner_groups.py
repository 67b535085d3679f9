"""Partner groups: a group is a neighborhood watch group or a partner group (business owners,
civic groups, private security, school officials, other agencies) with its sector and the
invitation code that is the only way to join it.

Revision ID: 0015_partner_groups
Revises: 0014_victims
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_partner_groups"
down_revision = "0014_victims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("watch_groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), server_default="watch", nullable=False)
        )
        batch_op.add_column(sa.Column("sector", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("invite_code", sa.String(length=12), nullable=True))
        batch_op.create_unique_constraint("uq_watch_groups_invite_code", ["invite_code"])


def downgrade() -> None:
    with op.batch_alter_table("watch_groups", schema=None) as batch_op:
        batch_op.drop_constraint("uq_watch_groups_invite_code", type_="unique")
        batch_op.drop_column("invite_code")
        batch_op.drop_column("sector")
        batch_op.drop_column("kind")
