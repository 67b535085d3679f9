"""Presentations, workshops and school programs: talk requests with their yearly reference
counter; meetings become able to be public events (no group, answered by anyone, even
someone who never registered, by their private chat).

Revision ID: 0013_talks
Revises: 0012_property
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_talks"
down_revision = "0012_property"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.alter_column("group_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("meeting_invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_chat", sa.String(length=32), nullable=True))
        batch_op.alter_column("member_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(
            "uq_meeting_invitations_chat", ["meeting_id", "telegram_chat"]
        )
    op.create_table(
        "talk_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=24), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("dates", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("requester_address", sa.String(length=64), nullable=False),
        sa.Column("requester_member_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("suggested_topic", sa.String(length=24), nullable=True),
        sa.Column("decline_reason", sa.String(length=300), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by_label", sa.String(length=100), nullable=True),
        sa.Column("claimed_by_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["requester_member_id"],
            ["members.id"],
            name=op.f("fk_talk_requests_requester_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_talk_requests_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talk_requests")),
        sa.UniqueConstraint("year", "seq", name=op.f("uq_talk_requests_year")),
    )
    with op.batch_alter_table("talk_requests", schema=None) as batch_op:
        batch_op.create_index("ix_talk_requests_status", ["status", "updated_at"], unique=False)
        batch_op.create_index(
            "ix_talk_requests_requester", ["channel", "requester_address"], unique=False
        )
    op.create_table(
        "talk_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_talk_counters")),
    )


def downgrade() -> None:
    op.drop_table("talk_counters")
    with op.batch_alter_table("talk_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_talk_requests_requester")
        batch_op.drop_index("ix_talk_requests_status")
    op.drop_table("talk_requests")
    op.execute("DELETE FROM meeting_invitations WHERE member_id IS NULL")
    op.execute("DELETE FROM meetings WHERE group_id IS NULL")
    with op.batch_alter_table("meeting_invitations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_meeting_invitations_chat", type_="unique")
        batch_op.alter_column("member_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("telegram_chat")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("group_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("public")
