"""Fault tests: private Redis and PostgreSQL stopped, killed and frozen under a running gateway."""
