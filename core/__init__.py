"""CNSS Togo social-security domain: rules, use cases and persistence ports (no Flask, Redis or HTTP)."""
