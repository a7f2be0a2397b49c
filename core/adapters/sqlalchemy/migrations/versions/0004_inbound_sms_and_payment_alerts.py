"""Incoming SMS (de-duplicated per provider id) and payment alerts received by SMS.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 06:45:04.317796
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbound_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('provider_message_id', sa.String(length=100), nullable=False),
    sa.Column('sender', sa.String(length=32), nullable=False),
    sa.Column('recipient', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('link_id', sa.String(length=100), nullable=True),
    sa.Column('network_code', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_messages')),
    sa.UniqueConstraint('provider', 'provider_message_id', name='uq_inbound_messages_provider_id')
    )
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_messages_sender'), ['sender'], unique=False)

    op.create_table('payment_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('sender', sa.String(length=32), nullable=False),
    sa.Column('raw_text', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('transaction_id', sa.String(length=64), nullable=True),
    sa.Column('inbound_message_id', sa.String(length=100), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_alerts'))
    )
    with op.batch_alter_table('payment_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_alerts_received_at'), ['received_at'], unique=False)
        batch_op.create_index('ix_payment_alerts_transaction', ['provider', 'transaction_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('payment_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_alerts_transaction')
        batch_op.drop_index(batch_op.f('ix_payment_alerts_received_at'))

    op.drop_table('payment_alerts')
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_messages_sender'))

    op.drop_table('inbound_messages')
