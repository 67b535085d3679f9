"""Members' delivery choices, scheduled and cancellable notifications, delivery tracking.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("uncertain", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
        batch_op.drop_index(batch_op.f("ix_deliveries_due"))
        batch_op.create_index(
            "ix_deliveries_due", ["channel", "status", "not_before"], unique=False
        )
        batch_op.create_index("ix_deliveries_provider_id", ["provider_id"], unique=False)

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channels", sa.String(length=8), server_default="telegram", nullable=False)
        )
        batch_op.add_column(
            sa.Column("sms_fallback", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("sms_status", sa.String(length=12), server_default="ok", nullable=False)
        )
        batch_op.add_column(
            sa.Column("quiet_start", sa.Integer(), server_default="1320", nullable=False)
        )
        batch_op.add_column(
            sa.Column("quiet_end", sa.Integer(), server_default="420", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "categories",
                sa.String(length=200),
                server_default="scam,burglary,vehicle,fraud,personal_safety,meetings,news",
                nullable=False,
            )
        )

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_member_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("send_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_author_member_id_members"),
            "members",
            ["author_member_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_author_member_id_members"), type_="foreignkey"
        )
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("send_at")
        batch_op.drop_column("author_member_id")

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("categories")
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")
        batch_op.drop_column("sms_status")
        batch_op.drop_column("sms_fallback")
        batch_op.drop_column("channels")

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_provider_id")
        batch_op.drop_index("ix_deliveries_due")
        batch_op.create_index(
            batch_op.f("ix_deliveries_due"), ["status", "not_before"], unique=False
        )
        batch_op.drop_column("sent_at")
        batch_op.drop_column("uncertain")
