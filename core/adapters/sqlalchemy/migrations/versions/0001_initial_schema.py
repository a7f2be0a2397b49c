"""Initial schema: parties, declarations, ledger, references, payments, requests, activity, PINs.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 06:04:39.264397
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder_kind', sa.String(length=16), nullable=False),
    sa.Column('holder_number', sa.String(length=13), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index('ix_activity_holder', ['holder_kind', 'holder_number'], unique=False)

    op.create_table('credentials',
    sa.Column('holder_kind', sa.String(length=16), nullable=False),
    sa.Column('holder_number', sa.String(length=13), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('holder_kind', 'holder_number', name=op.f('pk_credentials'))
    )
    op.create_table('employers',
    sa.Column('employer_number', sa.String(length=13), nullable=False),
    sa.Column('company_name', sa.String(length=200), nullable=False),
    sa.Column('periodicity', sa.String(length=16), nullable=False),
    sa.Column('occupational_risk_bp', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.PrimaryKeyConstraint('employer_number', name=op.f('pk_employers'))
    )
    op.create_table('insured_persons',
    sa.Column('insured_number', sa.String(length=13), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('prior_insured_months', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('insured_number', name=op.f('pk_insured_persons'))
    )
    op.create_table('phones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder_kind', sa.String(length=16), nullable=False),
    sa.Column('holder_number', sa.String(length=13), nullable=False),
    sa.Column('msisdn', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phones')),
    sa.UniqueConstraint('holder_kind', 'holder_number', 'msisdn', name='uq_phones_holder_msisdn')
    )
    with op.batch_alter_table('phones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phones_msisdn'), ['msisdn'], unique=False)

    op.create_table('service_requests',
    sa.Column('tracking_number', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('holder_kind', sa.String(length=16), nullable=False),
    sa.Column('holder_number', sa.String(length=13), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tracking_number', name=op.f('pk_service_requests'))
    )
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index('ix_service_requests_holder', ['holder_kind', 'holder_number'], unique=False)

    op.create_table('declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_number', sa.String(length=13), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('head_count', sa.Integer(), nullable=False),
    sa.Column('gross_payroll', sa.BigInteger(), nullable=False),
    sa.Column('base', sa.BigInteger(), nullable=False),
    sa.Column('amount_due', sa.BigInteger(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_number'], ['employers.employer_number'], name=op.f('fk_declarations_employer_number_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declarations')),
    sa.UniqueConstraint('employer_number', 'period', name='uq_declarations_employer_period')
    )
    op.create_table('declared_pay',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('insured_number', sa.String(length=13), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('employer_number', sa.String(length=13), nullable=False),
    sa.Column('gross_pay', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['insured_number'], ['insured_persons.insured_number'], name=op.f('fk_declared_pay_insured_number_insured_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declared_pay')),
    sa.UniqueConstraint('insured_number', 'period', 'employer_number', name='uq_declared_pay_line')
    )
    op.create_table('employments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('insured_number', sa.String(length=13), nullable=False),
    sa.Column('employer_number', sa.String(length=13), nullable=False),
    sa.Column('start_period', sa.String(length=7), nullable=False),
    sa.Column('end_period', sa.String(length=7), nullable=True),
    sa.ForeignKeyConstraint(['insured_number'], ['insured_persons.insured_number'], name=op.f('fk_employments_insured_number_insured_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employments'))
    )
    with op.batch_alter_table('employments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employments_insured_number'), ['insured_number'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_number', sa.String(length=13), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=True),
    sa.Column('surcharge_step', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=12), nullable=True),
    sa.CheckConstraint('amount > 0', name='ck_ledger_entries_amount_positive'),
    sa.ForeignKeyConstraint(['employer_number'], ['employers.employer_number'], name=op.f('fk_ledger_entries_employer_number_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('employer_number', 'kind', 'period', 'surcharge_step', name='uq_ledger_entries_step')
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_employer_number'), ['employer_number'], unique=False)

    op.create_table('payment_references',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('employer_number', sa.String(length=13), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('contributions_amount', sa.BigInteger(), nullable=False),
    sa.Column('surcharges_amount', sa.BigInteger(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['employer_number'], ['employers.employer_number'], name=op.f('fk_payment_references_employer_number_employers')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_payment_references'))
    )
    with op.batch_alter_table('payment_references', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_references_employer_number'), ['employer_number'], unique=False)

    op.create_table('declaration_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('branch', sa.String(length=32), nullable=False),
    sa.Column('payer', sa.String(length=16), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('base', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_declaration_lines_declaration_id_declarations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_lines'))
    )
    with op.batch_alter_table('declaration_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_lines_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('transaction_id', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('receipt_number', sa.String(length=16), nullable=False),
    sa.Column('account_label', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['reference'], ['payment_references.code'], name=op.f('fk_payments_reference_payment_references')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('provider', 'transaction_id', name='uq_payments_provider_transaction'),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_payments_receipt_number')),
    sa.UniqueConstraint('reference', name=op.f('uq_payments_reference'))
    )


def downgrade() -> None:
    op.drop_table('payments')
    with op.batch_alter_table('declaration_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_lines_declaration_id'))

    op.drop_table('declaration_lines')
    with op.batch_alter_table('payment_references', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_references_employer_number'))

    op.drop_table('payment_references')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_employer_number'))

    op.drop_table('ledger_entries')
    with op.batch_alter_table('employments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employments_insured_number'))

    op.drop_table('employments')
    op.drop_table('declared_pay')
    op.drop_table('declarations')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_service_requests_holder')

    op.drop_table('service_requests')
    with op.batch_alter_table('phones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phones_msisdn'))

    op.drop_table('phones')
    op.drop_table('insured_persons')
    op.drop_table('employers')
    op.drop_table('credentials')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_holder')

    op.drop_table('activity')
