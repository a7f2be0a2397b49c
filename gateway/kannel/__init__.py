"""Kannel adapters: the smsbox sendsms transport of the outbox, incoming SMS (get-url) and delivery reports (dlr-url)."""
