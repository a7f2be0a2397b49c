"""Phones looked up by number through one index on (msisdn, holder_kind, holder_number).

The single-column index on msisdn lost to the unique (holder_kind, holder_number, msisdn) index in
SQLite's planner (no statistics): every login scanned every employer phone.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 22:40:00
"""
from __future__ import annotations

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('phones', schema=None) as batch_op:
        batch_op.create_index('ix_phones_msisdn_holder', ['msisdn', 'holder_kind', 'holder_number'], unique=False)
        batch_op.drop_index('ix_phones_msisdn')


def downgrade() -> None:
    with op.batch_alter_table('phones', schema=None) as batch_op:
        batch_op.create_index('ix_phones_msisdn', ['msisdn'], unique=False)
        batch_op.drop_index('ix_phones_msisdn_holder')
