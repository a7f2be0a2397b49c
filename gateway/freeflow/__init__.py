"""Operator "Freeflow" USSD gateways (Comviva Flares style): GET per hop, a plain-text reply with headers."""
