"""What one SMS keyword is (its words, argument, answer) and what its answer may look at."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from core.domain.msisdn import Msisdn
from core.services.directory import PhoneHolders
from core.services.sms_subscriptions import OptChange
from menus.backend import ScreenBackend
from menus.pension_values import HOTLINE
from menus.texts import DEFAULT_LANGUAGE, render

ArgumentReader = Callable[[Sequence[str]], str]
Answer = Callable[["Asked"], str]
NO_HOLDERS = PhoneHolders((), ())


def no_argument(rest: Sequence[str]) -> str:
    """The keyword takes no argument: the rest of the SMS is ignored."""
    return ""


def joined(rest: Sequence[str]) -> str:
    """Every word after the keyword, glued (``QS 1234 5678`` -> ``QS12345678``)."""
    return "".join(rest)


@dataclass(frozen=True, slots=True)
class Keyword:
    """One SMS keyword.

    ``words``: (first word, reply language) pairs, accents dropped, upper case; a word that reads the
    same in both languages answers in French. ``needs_account``: only phones registered to an
    account get ``answer`` (the others are told how to register). ``essential`` replies go even to
    a phone that opted out; ``opt`` is the subscription change the keyword makes.
    """

    value: str
    answer: Answer
    words: tuple[tuple[str, str], ...] = ()
    read_argument: ArgumentReader = no_argument
    needs_account: bool = True
    essential: bool = True
    opt: OptChange = OptChange.NONE

    UNKNOWN: ClassVar[Keyword]


@dataclass(frozen=True, slots=True)
class KeywordQuery:
    """A parsed SMS: the keyword, its argument (digits of a reference, an age, a number) and the reply language."""

    keyword: Keyword
    argument: str = ""
    language: str = DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class Asked:
    """What an answer may look at: the query, the phone that asked, its accounts and the core.

    ``holders`` is empty for a keyword that needs no account (it is not looked up).
    """

    query: KeywordQuery
    phone: Msisdn
    backend: ScreenBackend
    holders: PhoneHolders = NO_HOLDERS

    @property
    def argument(self) -> str:
        """What followed the keyword."""
        return self.query.argument

    @property
    def language(self) -> str:
        """The reply language."""
        return self.query.language

    def say(self, key: str, values: Mapping[str, Any] | None = None) -> str:
        """A catalogue text in the reply language."""
        return render(key, self.language, values)


def help_text(asked: Asked) -> str:
    """The list of keywords, also sent (as non-essential) for a message no keyword reads."""
    return asked.say("sms.kw_help", {"hotline": HOTLINE})


Keyword.UNKNOWN = Keyword("unknown", help_text, needs_account=True, essential=False)
