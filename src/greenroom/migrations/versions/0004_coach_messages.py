"""coach messages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 10:12:31.518240
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import greenroom.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coach_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.Column("created_at", greenroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_coach_messages_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_coach_messages_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_messages")),
    )
    with op.batch_alter_table("coach_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coach_messages_interview_created", ["interview_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("coach_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_coach_messages_interview_created")
    op.drop_table("coach_messages")
