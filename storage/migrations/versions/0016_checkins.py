"""Daily check-ins: enrollments, their contacts, each day's check-in, the log of every step,
and the officer on duty for escalations.

Revision ID: 0016_checkins
Revises: 0015_partner_groups
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_checkins"
down_revision = "0015_partner_groups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkin_enrollments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("channels", sa.String(length=8), nullable=False),
        sa.Column("telegram_chat", sa.String(length=32), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("times", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=40), nullable=False),
        sa.Column("window_minutes", sa.Integer(), nullable=False),
        sa.Column("days_off", sa.String(length=16), server_default="", nullable=False),
        sa.Column("paused_through", sa.String(length=10), nullable=True),
        sa.Column("scam_digest", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("signed_up_by", sa.String(length=64), nullable=True),
        sa.Column("invite_token", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_checkin_enrollments_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_enrollments")),
        sa.UniqueConstraint("invite_token", name=op.f("uq_checkin_enrollments_invite_token")),
    )
    with op.batch_alter_table("checkin_enrollments", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_enrollments_chat", ["telegram_chat"], unique=False)
        batch_op.create_index("ix_checkin_enrollments_phone", ["phone"], unique=False)
    op.create_table(
        "checkin_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("telegram_chat", sa.String(length=32), nullable=True),
        sa.Column("invite_token", sa.String(length=32), nullable=True),
        sa.Column("phone_opted_out", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["checkin_enrollments.id"],
            name=op.f("fk_checkin_contacts_enrollment_id_checkin_enrollments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_contacts")),
        sa.UniqueConstraint("invite_token", name=op.f("uq_checkin_contacts_invite_token")),
    )
    with op.batch_alter_table("checkin_contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checkin_contacts_enrollment", ["enrollment_id", "position"], unique=False
        )
        batch_op.create_index("ix_checkin_contacts_chat", ["telegram_chat"], unique=False)
        batch_op.create_index("ix_checkin_contacts_phone", ["phone"], unique=False)
    op.create_table(
        "checkin_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("downtime", sa.Boolean(), nullable=False),
        sa.Column("prompted_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("officer_at", sa.DateTime(), nullable=True),
        sa.Column("taken_by", sa.String(length=80), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["checkin_enrollments.id"],
            name=op.f("fk_checkin_rounds_enrollment_id_checkin_enrollments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_rounds")),
        sa.UniqueConstraint("enrollment_id", "slot", name=op.f("uq_checkin_rounds_enrollment_id")),
    )
    with op.batch_alter_table("checkin_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_rounds_due", ["enrollment_id", "due_at"], unique=False)
    op.create_table(
        "checkin_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["checkin_enrollments.id"],
            name=op.f("fk_checkin_events_enrollment_id_checkin_enrollments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["checkin_rounds.id"],
            name=op.f("fk_checkin_events_round_id_checkin_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_events")),
    )
    with op.batch_alter_table("checkin_events", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_events_enrollment", ["enrollment_id", "at"], unique=False)
    op.create_table(
        "duty_officers",
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("pk_duty_officers")),
    )


def downgrade() -> None:
    op.drop_table("duty_officers")
    with op.batch_alter_table("checkin_events", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_events_enrollment")
    op.drop_table("checkin_events")
    with op.batch_alter_table("checkin_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_rounds_due")
    op.drop_table("checkin_rounds")
    with op.batch_alter_table("checkin_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_contacts_phone")
        batch_op.drop_index("ix_checkin_contacts_chat")
        batch_op.drop_index("ix_checkin_contacts_enrollment")
    op.drop_table("checkin_contacts")
    with op.batch_alter_table("checkin_enrollments", schema=None) as batch_op:
        batch_op.drop_index("ix_checkin_enrollments_phone")
        batch_op.drop_index("ix_checkin_enrollments_chat")
    op.drop_table("checkin_enrollments")
