"""USSD end-of-session reports from providers, stored as received.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:22:00.483874
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ussd_session_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('msisdn', sa.String(length=16), nullable=True),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('network_code', sa.String(length=10), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('hops_count', sa.Integer(), nullable=True),
    sa.Column('hops_metadata', sa.Text(), nullable=False),
    sa.Column('input', sa.Text(), nullable=False),
    sa.Column('last_app_response', sa.Text(), nullable=False),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('cost', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ussd_session_events'))
    )
    with op.batch_alter_table('ussd_session_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ussd_session_events_session_id'), ['session_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ussd_session_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ussd_session_events_session_id'))

    op.drop_table('ussd_session_events')
