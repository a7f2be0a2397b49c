"""SMS delivery: segments and encoding, delivery reports, opt-outs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 07:01:58.628099
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('delivery_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('provider_message_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('network_code', sa.String(length=10), nullable=True),
    sa.Column('failure_reason', sa.String(length=64), nullable=True),
    sa.Column('retry_count', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_reports'))
    )
    with op.batch_alter_table('delivery_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_reports_provider_message_id'), ['provider_message_id'], unique=False)

    op.create_table('sms_opt_outs',
    sa.Column('msisdn', sa.String(length=16), nullable=False),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('msisdn', name=op.f('pk_sms_opt_outs'))
    )
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('segments', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('encoding', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('delivery_status', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('delivery_failure', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbound_messages_provider_message_id'), ['provider_message_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_messages_provider_message_id'))
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('delivery_failure')
        batch_op.drop_column('delivery_status')
        batch_op.drop_column('encoding')
        batch_op.drop_column('segments')

    op.drop_table('sms_opt_outs')
    with op.batch_alter_table('delivery_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_reports_provider_message_id'))

    op.drop_table('delivery_reports')
