"""The USSD conversation engine and its screens (built in the USSD issue)."""
