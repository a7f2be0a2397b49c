"""The signed JSON API that banks and mobile-money operators call."""
