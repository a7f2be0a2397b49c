"""Africa's Talking adapters: USSD callbacks and session events (pure functions over form fields)."""
