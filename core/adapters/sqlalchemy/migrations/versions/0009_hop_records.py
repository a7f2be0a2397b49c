"""Hop records of USSD sessions for operations, their daily roll-up, and age indexes for retention.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 17:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ussd_hops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.String(length=100), nullable=False),
    sa.Column('msisdn', sa.String(length=16), nullable=False),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('network_code', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_ms', sa.Float(), nullable=False),
    sa.Column('screen', sa.String(length=64), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('new_session', sa.Boolean(), nullable=False),
    sa.Column('repeat', sa.Boolean(), nullable=False),
    sa.Column('error', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ussd_hops'))
    )
    op.create_index('ix_ussd_hops_session', 'ussd_hops', ['session_id', 'provider'], unique=False)
    op.create_index('ix_ussd_hops_at', 'ussd_hops', ['at'], unique=False)
    op.create_table('ussd_daily_stats',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('screen', sa.String(length=64), nullable=False),
    sa.Column('hops', sa.Integer(), nullable=False),
    sa.Column('sessions_reached', sa.Integer(), nullable=False),
    sa.Column('sessions_started', sa.Integer(), nullable=False),
    sa.Column('sessions_ended', sa.Integer(), nullable=False),
    sa.Column('abandoned', sa.Integer(), nullable=False),
    sa.Column('invalid_inputs', sa.Integer(), nullable=False),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.Column('latency_buckets', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'provider', 'screen', name=op.f('pk_ussd_daily_stats'))
    )
    op.create_index(op.f('ix_inbound_messages_received_at'), 'inbound_messages', ['received_at'], unique=False)
    op.create_index(op.f('ix_ussd_session_events_received_at'), 'ussd_session_events', ['received_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ussd_session_events_received_at'), table_name='ussd_session_events')
    op.drop_index(op.f('ix_inbound_messages_received_at'), table_name='inbound_messages')
    op.drop_table('ussd_daily_stats')
    op.drop_index('ix_ussd_hops_at', table_name='ussd_hops')
    op.drop_index('ix_ussd_hops_session', table_name='ussd_hops')
    op.drop_table('ussd_hops')
