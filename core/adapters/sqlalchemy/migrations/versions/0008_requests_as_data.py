"""Requests as data: any kind of request with its typed fields, a note, the phone that asked; estimated declarations.

- ``service_requests``: ``kind`` and ``status`` widened to 32 characters (``domestic_employer``,
  ``documents_missing``), ``holder_number`` to 16 (a phone in E.164 holds a request made before
  any account exists: holder kind ``phone``), ``details`` (JSON: the fields of the form), ``note``
  (staff's last note), ``msisdn`` (the phone that asked, told of status changes by SMS).
- ``activity.holder_number`` widened to 16 for the same phone holders.
- ``declarations.estimate``: a declaration made from a payroll total and a head count, to be
  completed per worker, not from the workers' own pay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 15:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=16), type_=sa.String(length=32),
                              existing_nullable=False)
        batch_op.alter_column('status', existing_type=sa.String(length=16), type_=sa.String(length=32),
                              existing_nullable=False)
        batch_op.alter_column('holder_number', existing_type=sa.String(length=13), type_=sa.String(length=16),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('msisdn', sa.String(length=16), nullable=True))
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.alter_column('holder_number', existing_type=sa.String(length=13), type_=sa.String(length=16),
                              existing_nullable=False)
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('estimate', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_column('estimate')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.alter_column('holder_number', existing_type=sa.String(length=16), type_=sa.String(length=13),
                              existing_nullable=False)
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_column('msisdn')
        batch_op.drop_column('note')
        batch_op.drop_column('details')
        batch_op.alter_column('holder_number', existing_type=sa.String(length=16), type_=sa.String(length=13),
                              existing_nullable=False)
        batch_op.alter_column('status', existing_type=sa.String(length=32), type_=sa.String(length=16),
                              existing_nullable=False)
        batch_op.alter_column('kind', existing_type=sa.String(length=32), type_=sa.String(length=16),
                              existing_nullable=False)
