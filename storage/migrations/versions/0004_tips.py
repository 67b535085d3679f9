"""Tips: tips, their photos and timeline, reference counters, the anonymous relay, rate marks.

Revision ID: 0004_tips
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_tips"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("conduct", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=24), nullable=True),
        sa.Column("when_text", sa.String(length=100), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("alias", sa.String(length=16), nullable=False),
        sa.Column("tipster_name", sa.String(length=64), nullable=True),
        sa.Column("tipster_member_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=100), nullable=True),
        sa.Column("claimed_by_label", sa.String(length=100), nullable=True),
        sa.Column("claimed_by_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tipster_member_id"],
            ["members.id"],
            name=op.f("fk_tips_tipster_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tips")),
        sa.UniqueConstraint("year", "seq", name=op.f("uq_tips_year")),
    )
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.create_index("ix_tips_open", ["status", "urgent", "created_at"], unique=False)

    op.create_table(
        "tip_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_tip_photos_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_photos")),
    )
    with op.batch_alter_table("tip_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_photos_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "tip_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_tip_events_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_events")),
    )
    with op.batch_alter_table("tip_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_events_tip_id"), ["tip_id"], unique=False)

    op.create_table(
        "tip_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_tip_counters")),
    )

    op.create_table(
        "tip_relays",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"], ["tips.id"], name=op.f("fk_tip_relays_tip_id_tips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_tip_relays")),
        sa.UniqueConstraint("tip_id", name=op.f("uq_tip_relays_tip_id")),
    )
    with op.batch_alter_table("tip_relays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_relays_address"), ["address"], unique=False)

    op.create_table(
        "tip_rate_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_rate_marks")),
    )
    with op.batch_alter_table("tip_rate_marks", schema=None) as batch_op:
        batch_op.create_index("ix_tip_rate_marks_key_at", ["key", "at"], unique=False)

    op.create_table(
        "tip_secrets",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_tip_secrets")),
    )

    op.create_table(
        "tip_preferences",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sms_named", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_tip_preferences_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_tip_preferences")),
    )


def downgrade() -> None:
    op.drop_table("tip_preferences")
    op.drop_table("tip_secrets")
    with op.batch_alter_table("tip_rate_marks", schema=None) as batch_op:
        batch_op.drop_index("ix_tip_rate_marks_key_at")
    op.drop_table("tip_rate_marks")
    with op.batch_alter_table("tip_relays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_relays_address"))
    op.drop_table("tip_relays")
    op.drop_table("tip_counters")
    with op.batch_alter_table("tip_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_events_tip_id"))
    op.drop_table("tip_events")
    with op.batch_alter_table("tip_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_photos_tip_id"))
    op.drop_table("tip_photos")
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.drop_index("ix_tips_open")
    op.drop_table("tips")
