"""Hubtel-style JSON USSD gateway (aggregators): one hop's input per request, a JSON reply."""
