"""The watch group's calendar: what is due, elections, meetings, vacation watch, news; leader
terms on groups; inline buttons and a file on notifications.

Revision ID: 0005_calendar
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_calendar"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_due",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_due")),
        sa.UniqueConstraint("kind", "subject_id", "key", name=op.f("uq_calendar_due_kind")),
    )
    with op.batch_alter_table("calendar_due", schema=None) as batch_op:
        batch_op.create_index("ix_calendar_due_pending", ["status", "due_at"], unique=False)

    op.create_table(
        "news_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=True),
        sa.Column("topic", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("schedule", sa.String(length=32), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=True),
        sa.Column("last_published_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_items")),
        sa.UniqueConstraint("slug", name=op.f("uq_news_items_slug")),
    )
    with op.batch_alter_table("news_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_news_items_next_at"), ["next_at"], unique=False)

    op.create_table(
        "vacation_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("leave_on", sa.Date(), nullable=False),
        sa.Column("return_on", sa.Date(), nullable=False),
        sa.Column("emergency_name", sa.String(length=64), nullable=False),
        sa.Column("emergency_phone", sa.String(length=16), nullable=False),
        sa.Column("key_holder", sa.String(length=120), nullable=False),
        sa.Column("vehicles", sa.String(length=200), nullable=False),
        sa.Column("alarm_company", sa.String(length=120), nullable=False),
        sa.Column("lights", sa.String(length=120), nullable=False),
        sa.Column("pets", sa.String(length=120), nullable=False),
        sa.Column("allowed_people", sa.String(length=200), nullable=False),
        sa.Column("tell_leader", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_vacation_watches_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacation_watches")),
    )
    with op.batch_alter_table("vacation_watches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vacation_watches_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "elections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("runoff_of_id", sa.Integer(), nullable=True),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closes_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("winner_member_id", sa.Integer(), nullable=True),
        sa.Column("runner_up_member_id", sa.Integer(), nullable=True),
        sa.Column("tally", sa.Text(), nullable=False),
        sa.Column("review", sa.String(length=12), nullable=False),
        sa.Column("reviewed_by", sa.String(length=100), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("review_note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["watch_groups.id"],
            name=op.f("fk_elections_group_id_watch_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["runner_up_member_id"],
            ["members.id"],
            name=op.f("fk_elections_runner_up_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["runoff_of_id"],
            ["elections.id"],
            name=op.f("fk_elections_runoff_of_id_elections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["winner_member_id"],
            ["members.id"],
            name=op.f("fk_elections_winner_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elections")),
    )
    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elections_group_id"), ["group_id"], unique=False)

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_by_member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_member_id"],
            ["members.id"],
            name=op.f("fk_meetings_created_by_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["watch_groups.id"],
            name=op.f("fk_meetings_group_id_watch_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "vacation_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("officer_label", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["vacation_watches.id"],
            name=op.f("fk_vacation_checks_watch_id_vacation_watches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacation_checks")),
    )
    with op.batch_alter_table("vacation_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vacation_checks_watch_id"), ["watch_id"], unique=False)

    op.create_table(
        "election_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("nominated_by_member_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["elections.id"],
            name=op.f("fk_election_candidates_election_id_elections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_election_candidates_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["nominated_by_member_id"],
            ["members.id"],
            name=op.f("fk_election_candidates_nominated_by_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_candidates")),
        sa.UniqueConstraint(
            "election_id", "member_id", name=op.f("uq_election_candidates_election_id")
        ),
    )
    op.create_table(
        "election_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("voter_member_id", sa.Integer(), nullable=False),
        sa.Column("candidate_member_id", sa.Integer(), nullable=False),
        sa.Column("cast_at", sa.DateTime(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_member_id"],
            ["members.id"],
            name=op.f("fk_election_votes_candidate_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["elections.id"],
            name=op.f("fk_election_votes_election_id_elections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voter_member_id"],
            ["members.id"],
            name=op.f("fk_election_votes_voter_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_votes")),
        sa.UniqueConstraint(
            "election_id", "voter_member_id", name=op.f("uq_election_votes_election_id")
        ),
    )
    op.create_table(
        "meeting_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("invited", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_invitations_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_meeting_invitations_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_invitations")),
        sa.UniqueConstraint(
            "meeting_id", "member_id", name=op.f("uq_meeting_invitations_meeting_id")
        ),
    )

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buttons", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attachment_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment_mime", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("attachment_data", sa.LargeBinary(), nullable=True))

    with op.batch_alter_table("watch_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alternate_member_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("leader_term_ends_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_watch_groups_alternate_member_id_members"),
            "members",
            ["alternate_member_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("watch_groups", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_watch_groups_alternate_member_id_members"), type_="foreignkey"
        )
        batch_op.drop_column("leader_term_ends_at")
        batch_op.drop_column("alternate_member_id")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("attachment_data")
        batch_op.drop_column("attachment_mime")
        batch_op.drop_column("attachment_name")
        batch_op.drop_column("buttons")

    op.drop_table("meeting_invitations")
    op.drop_table("election_votes")
    op.drop_table("election_candidates")
    with op.batch_alter_table("vacation_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vacation_checks_watch_id"))
    op.drop_table("vacation_checks")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meetings_group_id"))
    op.drop_table("meetings")
    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elections_group_id"))
    op.drop_table("elections")
    with op.batch_alter_table("vacation_watches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vacation_watches_member_id"))
    op.drop_table("vacation_watches")
    with op.batch_alter_table("news_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_news_items_next_at"))
    op.drop_table("news_items")
    with op.batch_alter_table("calendar_due", schema=None) as batch_op:
        batch_op.drop_index("ix_calendar_due_pending")
    op.drop_table("calendar_due")
