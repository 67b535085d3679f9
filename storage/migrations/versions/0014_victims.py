"""Victim assistance: officers' follow-ups with people after a crime (case number, crime type,
how the person is reached, consent and check-ins).

Revision ID: 0014_victims
Revises: 0013_talks
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_victims"
down_revision = "0013_talks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "victim_followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=24), nullable=False),
        sa.Column("crime_type", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("invite_token", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("officer_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("officer_label", sa.String(length=100), nullable=False),
        sa.Column("checkins_sent", sa.Integer(), nullable=False),
        sa.Column("callback_key", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_victim_followups_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victim_followups")),
        sa.UniqueConstraint("invite_token", name=op.f("uq_victim_followups_invite_token")),
    )
    with op.batch_alter_table("victim_followups", schema=None) as batch_op:
        batch_op.create_index("ix_victim_followups_status", ["status", "created_at"], unique=False)
        batch_op.create_index("ix_victim_followups_person", ["channel", "address"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("victim_followups", schema=None) as batch_op:
        batch_op.drop_index("ix_victim_followups_person")
        batch_op.drop_index("ix_victim_followups_status")
    op.drop_table("victim_followups")
