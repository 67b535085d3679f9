"""Which tip a bot message is about: a subject on notifications (their Telegram message ids are
on the deliveries) and the tip cards shown to officers, so a reply is routed by the message it
answers, never by a reference read out of its text.

Revision ID: 0007_message_subjects
Revises: 0006_flow_versions
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_message_subjects"
down_revision = "0006_flow_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=40), nullable=True))
    op.create_table(
        "tip_messages",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"],
            ["tips.id"],
            name=op.f("fk_tip_messages_tip_id_tips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "message_id", name=op.f("pk_tip_messages")),
    )


def downgrade() -> None:
    op.drop_table("tip_messages")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("subject")
