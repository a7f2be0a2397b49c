"""SMS keywords (SOLDE, REF, DEMANDES, PENSION, QUITUS, AIDE, STOP, START): parsing, the reply, opting out.

Layout: ``keyword`` (what a keyword is), ``handlers/`` (one module per keyword, each exposing
``KEYWORD``), ``registry`` (the list of keywords and their words), ``parsing`` (text -> query),
``replies`` (query -> reply, queued through ``core.services.sms_subscriptions`` within the sender's
reply limit). Keywords read the core through ``menus.backend.ScreenBackend`` and import no USSD
screen module.

A new keyword is one handler module and one text per language:

1. ``handlers/<name>.py`` with ``KEYWORD = Keyword("<name>", answer, words=(("MOT", "fr"), ("WORD", "en")))``,
   its ``answer(asked) -> str`` saying ``sms.kw_<name>`` (``needs_account=False`` when any phone may ask,
   ``read_argument=`` for what follows the word, ``opt=`` for a subscription change);
2. ``TEXTS["sms.kw_<name>"]`` in ``menus/texts/fr.py`` and ``menus/texts/en.py`` (GSM-7, French first);
3. its module in the tuple of ``registry.KEYWORDS`` (a word used twice fails at import).
"""
from __future__ import annotations

from core.services.sms_subscriptions import OptChange
from gateway.sms_keywords.keyword import Keyword, KeywordQuery
from gateway.sms_keywords.parsing import parse_keyword, words
from gateway.sms_keywords.registry import KEYWORDS, keyword_named
from gateway.sms_keywords.replies import KeywordReply, answer_keyword, reply_to

__all__ = ["KEYWORDS", "Keyword", "KeywordQuery", "KeywordReply", "OptChange", "answer_keyword", "keyword_named",
           "parse_keyword", "reply_to", "words"]
