"""Incidents by error id: the error register the console looks an error id up in.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 17:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'incidents',
        sa.Column('error_id', sa.String(length=16), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('where', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('error_id', name=op.f('pk_incidents')),
    )
    op.create_index(op.f('ix_incidents_occurred_at'), 'incidents', ['occurred_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_incidents_occurred_at'), table_name='incidents')
    op.drop_table('incidents')
