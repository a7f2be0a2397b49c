"""Email delivery of the outbox (SMTP)."""
