"""Use cases: one module per business capability, plain functions taking a unit of work."""
