"""Adapters of the core ports to infrastructure."""
