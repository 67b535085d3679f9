"""Operation Identification: members' private registers of marked property (items, their
photos), the Operation ID numbers issued to members, and the counter that issues them.

Revision ID: 0012_property
Revises: 0011_surveys
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_property"
down_revision = "0011_surveys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "property_counters",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_property_counters")),
    )
    op.create_table(
        "property_owners",
        sa.Column("member_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_property_owners_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_property_owners")),
        sa.UniqueConstraint("number", name=op.f("uq_property_owners_number")),
    )
    op.create_table(
        "property_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=80), nullable=False),
        sa.Column("make", sa.String(length=60), nullable=True),
        sa.Column("model", sa.String(length=60), nullable=True),
        sa.Column("serial", sa.String(length=60), nullable=True),
        sa.Column("marking", sa.String(length=60), nullable=True),
        sa.Column("value_cents", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("stolen_at", sa.DateTime(), nullable=True),
        sa.Column("tip_reference", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_property_items_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_items")),
    )
    with op.batch_alter_table("property_items", schema=None) as batch_op:
        batch_op.create_index("ix_property_items_member", ["member_id", "id"], unique=False)
    op.create_table(
        "property_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["property_items.id"],
            name=op.f("fk_property_photos_item_id_property_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_photos")),
    )
    with op.batch_alter_table("property_photos", schema=None) as batch_op:
        batch_op.create_index("ix_property_photos_item", ["item_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("property_photos", schema=None) as batch_op:
        batch_op.drop_index("ix_property_photos_item")
    op.drop_table("property_photos")
    with op.batch_alter_table("property_items", schema=None) as batch_op:
        batch_op.drop_index("ix_property_items_member")
    op.drop_table("property_items")
    op.drop_table("property_owners")
    op.drop_table("property_counters")
