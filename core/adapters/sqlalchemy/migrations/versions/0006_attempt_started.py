"""When the send of a claimed message began: a worker dying mid-send leaves it uncertain, not re-sent.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 07:26:37.593948
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt_started_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.drop_column('attempt_started_at')

