"""Edge of the gateway: HTTP routes, provider adapters and the command line."""
