"""Phone verification: when a member proved they hold their number, and the codes texted to
typed numbers (hashed; counted per number by a keyed hash, which /forget leaves in place).

Numbers stored before this revision were accepted as typed; they are marked verified as of
their last change, so that nobody who gets texts today silently stops getting them. Every
number stored from now on is verified before anything is texted to it.

Revision ID: 0008_phone_verification
Revises: 0007_message_subjects
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_phone_verification"
down_revision = "0007_message_subjects"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_verified_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE members SET phone_verified_at = updated_at WHERE phone_e164 IS NOT NULL")
    op.create_table(
        "phone_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("phone_e164", sa.String(length=16), nullable=True),
        sa.Column("phone_key", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_phone_codes_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_codes")),
    )
    with op.batch_alter_table("phone_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_codes_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_phone_codes_phone_key"), ["phone_key"], unique=False)


def downgrade() -> None:
    op.drop_table("phone_codes")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("phone_verified_at")
