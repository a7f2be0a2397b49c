"""AIDE / INFO / HELP: the list of keywords, for any phone."""
from __future__ import annotations

from gateway.sms_keywords.keyword import Keyword, help_text

KEYWORD = Keyword("help", help_text, words=(("AIDE", "fr"), ("INFO", "fr"), ("INFOS", "fr"), ("HELP", "en")),
                  needs_account=False)
