"""Environment (CPTED) reports: what invites crime (lighting, cover, abandoned vehicles and
buildings, graffiti), reported from Telegram or by text and worked by officers, with their
yearly reference counter.

Revision ID: 0010_environment_reports
Revises: 0009_officer_names
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_environment_reports"
down_revision = "0009_officer_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fix_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("photo_file_id", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("reporter_address", sa.String(length=64), nullable=False),
        sa.Column("reporter_member_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by_label", sa.String(length=100), nullable=True),
        sa.Column("claimed_by_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reporter_member_id"],
            ["members.id"],
            name=op.f("fk_fix_reports_reporter_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fix_reports")),
        sa.UniqueConstraint("year", "seq", name=op.f("uq_fix_reports_year")),
    )
    with op.batch_alter_table("fix_reports", schema=None) as batch_op:
        batch_op.create_index("ix_fix_reports_status", ["status", "updated_at"], unique=False)
        batch_op.create_index(
            "ix_fix_reports_reporter", ["channel", "reporter_address"], unique=False
        )
    op.create_table(
        "fix_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_fix_counters")),
    )


def downgrade() -> None:
    op.drop_table("fix_counters")
    with op.batch_alter_table("fix_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_fix_reports_reporter")
        batch_op.drop_index("ix_fix_reports_status")
    op.drop_table("fix_reports")
