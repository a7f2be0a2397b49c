"""An incident: one internal failure answered with an error id, kept so staff can look the id up."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

WHERE_MAX: Final = 100  # a route pattern or a screen id, never a value of the request
KIND_MAX: Final = 100


@dataclass(frozen=True, slots=True)
class Incident:
    """What failed and where, under the error id the caller was shown; no personal data.

    ``where`` is a route pattern (``/gateway/at/ussd``) or a screen id (``employer.pay``);
    ``kind`` the exception's class name (``OperationalError``), never its message, which may
    quote what was typed or stored.
    """

    error_id: str
    occurred_at: datetime
    where: str
    kind: str

    @classmethod
    def bounded(cls, error_id: str, occurred_at: datetime, where: str, kind: str) -> Incident:
        """An incident whose texts are cut to the storage columns."""
        return cls(error_id[:16], occurred_at, where[:WHERE_MAX], kind[:KIND_MAX])
