"""Security surveys of homes, businesses and boats: requests with the visit agreed, findings
against the kind's checklist, and the yearly reference counter.

Revision ID: 0011_surveys
Revises: 0010_environment_reports
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_surveys"
down_revision = "0010_environment_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("business", sa.String(length=120), nullable=True),
        sa.Column("contact", sa.String(length=120), nullable=True),
        sa.Column("marina", sa.String(length=120), nullable=True),
        sa.Column("slip", sa.String(length=40), nullable=True),
        sa.Column("vessel", sa.String(length=120), nullable=True),
        sa.Column("concern", sa.Text(), nullable=False),
        sa.Column("windows", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("requester_address", sa.String(length=64), nullable=False),
        sa.Column("requester_member_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by_label", sa.String(length=100), nullable=True),
        sa.Column("claimed_by_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(), nullable=True),
        sa.Column("proposal", sa.Integer(), nullable=False),
        sa.Column("visit_at", sa.DateTime(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["requester_member_id"],
            ["members.id"],
            name=op.f("fk_surveys_requester_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("year", "seq", name=op.f("uq_surveys_year")),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index("ix_surveys_status", ["status", "updated_at"], unique=False)
        batch_op.create_index(
            "ix_surveys_requester", ["channel", "requester_address"], unique=False
        )
    op.create_table(
        "survey_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_findings_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_findings")),
        sa.UniqueConstraint("survey_id", "item", name=op.f("uq_survey_findings_survey_id")),
    )
    op.create_table(
        "survey_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_survey_counters")),
    )


def downgrade() -> None:
    op.drop_table("survey_counters")
    op.drop_table("survey_findings")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_requester")
        batch_op.drop_index("ix_surveys_status")
    op.drop_table("surveys")
