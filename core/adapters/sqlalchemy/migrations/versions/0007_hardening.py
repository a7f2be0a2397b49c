"""Hardening: no raw USSD input at rest, escalating PIN lockouts, one row per refused notification.

- ``ussd_session_events.input`` (every input of the session, the PIN first) is dropped, its
  stored values with it; only the number of inputs is kept (``inputs_count``).
- ``credentials.lockouts`` counts the locks since the last correct PIN (30 min, 2 h, 24 h, then
  only an agent reset).
- ``payment_rejections`` keeps one row per provider, transaction id and reason; a replay
  increments ``replays`` instead of adding a row (existing duplicates are folded).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 14:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ussd_session_events', schema=None) as batch_op:
        batch_op.drop_column('input')
        batch_op.add_column(sa.Column('inputs_count', sa.Integer(), nullable=True))
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lockouts', sa.Integer(), nullable=False, server_default='0'))
    # Fold replayed refusals into their first row before the unique constraint can exist.
    op.add_column('payment_rejections', sa.Column('replays', sa.Integer(), nullable=False, server_default='0'))
    op.execute("""
        UPDATE payment_rejections SET replays = (
            SELECT COUNT(*) - 1 FROM payment_rejections AS other
            WHERE other.provider = payment_rejections.provider
              AND other.transaction_id = payment_rejections.transaction_id
              AND other.reason = payment_rejections.reason)
        WHERE id IN (SELECT MIN(id) FROM payment_rejections GROUP BY provider, transaction_id, reason)
    """)
    op.execute("""
        DELETE FROM payment_rejections
        WHERE id NOT IN (SELECT MIN(id) FROM payment_rejections GROUP BY provider, transaction_id, reason)
    """)
    with op.batch_alter_table('payment_rejections', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_payment_rejections_provider_transaction_reason',
                                          ['provider', 'transaction_id', 'reason'])


def downgrade() -> None:
    with op.batch_alter_table('payment_rejections', schema=None) as batch_op:
        batch_op.drop_constraint('uq_payment_rejections_provider_transaction_reason', type_='unique')
        batch_op.drop_column('replays')
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_column('lockouts')
    with op.batch_alter_table('ussd_session_events', schema=None) as batch_op:
        batch_op.drop_column('inputs_count')
        batch_op.add_column(sa.Column('input', sa.Text(), nullable=False, server_default=''))
