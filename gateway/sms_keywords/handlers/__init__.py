"""One module per SMS keyword, each exposing ``KEYWORD`` (listed in ``gateway.sms_keywords.registry``)."""
