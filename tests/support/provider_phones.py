"""Phones that speak each USSD provider's wire format, with one interface for the conformance suite."""
from __future__ import annotations

import json
import uuid
from typing import Any, Protocol
from urllib.parse import urlencode

from flask.testing import FlaskClient

from tests.support.phone import UssdPhone

PROVIDERS = ("at", "hubtel", "freeflow")
SERVICE_CODE = "*909#"


class ProviderPhone(Protocol):
    """What the conformance suite does with a phone, whatever the provider."""

    provider: str
    client: FlaskClient
    msisdn: str
    session_id: str
    screen: str
    ended: bool

    def dial(self, chained: str = "") -> str: ...
    def send(self, typed: str) -> str: ...
    def resend(self) -> str: ...
    def walk(self, *inputs: str) -> str: ...
    def end_by_network(self) -> int: ...
    def twin(self, client: FlaskClient) -> ProviderPhone: ...


class AtPhone(UssdPhone):
    """Africa's Talking: cumulative text; the end of a session comes as a separate notification."""

    provider = "at"

    def end_by_network(self) -> int:
        """AT's end-of-session notification (``Success``)."""
        response = self.client.post("/gateway/at/ussd/events", data=urlencode({
            "sessionId": self.session_id, "status": "Success", "phoneNumber": self.msisdn,
            "serviceCode": self.service_code, "networkCode": self.network_code}),
            content_type="application/x-www-form-urlencoded")
        self.ended = True
        return response.status_code

    def twin(self, client: FlaskClient) -> AtPhone:
        """The same session's next request, sent from another client (a concurrent duplicate)."""
        other = AtPhone(client, self.msisdn)
        other.session_id, other.inputs, other.text = self.session_id, list(self.inputs), self.text
        return other


class _PerHopPhone:
    """A provider that sends one hop's input at a time."""

    provider = ""

    def __init__(self, client: FlaskClient, msisdn: str = "+22890112233") -> None:
        self.client, self.msisdn = client, msisdn
        self.session_id, self.screen, self.ended = "", "", False
        self.last: dict[str, Any] = {}

    def walk(self, *inputs: str) -> str:
        """Send several answers in turn; returns the last screen."""
        for typed in inputs:
            self.send(typed)
        return self.screen

    def resend(self) -> str:
        """Send the last request again (a duplicate hop)."""
        return self._call(self.last)

    def _call(self, request: dict[str, Any]) -> str:
        raise NotImplementedError


class HubtelPhone(_PerHopPhone):
    """Hubtel-style: JSON, this hop's input only, numbered by Sequence; Release or Timeout ends a session."""

    provider = "hubtel"

    def dial(self, chained: str = "") -> str:
        """Initiation: the dialled string carries the chained answers (``*909*1#``)."""
        self.session_id, self.ended, self.sequence = uuid.uuid4().hex, False, 1
        dialled = SERVICE_CODE[:-1] + (f"*{chained}" if chained else "") + "#"
        return self._call(self._request("Initiation", dialled))

    def send(self, typed: str) -> str:
        """Response: the one input typed."""
        assert not self.ended, "the session has ended"
        self.sequence += 1
        return self._call(self._request("Response", typed))

    def end_by_network(self) -> int:
        """Release: the network ended the session."""
        response = self.client.post("/gateway/hubtel/ussd", json=self._request("Release", ""))
        assert response.get_json() == {"Type": "Release", "Message": "", "ClientState": ""}
        self.ended = True
        return response.status_code

    def twin(self, client: FlaskClient) -> HubtelPhone:
        """The same session's last request, sent from another client."""
        other = HubtelPhone(client, self.msisdn)
        other.session_id, other.sequence, other.last = self.session_id, self.sequence, dict(self.last)
        return other

    def _request(self, kind: str, message: str) -> dict[str, Any]:
        return {"Mobile": self.msisdn.lstrip("+"), "SessionId": self.session_id, "ServiceCode": SERVICE_CODE,
                "Type": kind, "Message": message, "Operator": "moov", "Sequence": self.sequence, "ClientState": ""}

    def _call(self, request: dict[str, Any]) -> str:
        self.last = request
        response = self.client.post("/gateway/hubtel/ussd", data=json.dumps(request), content_type="application/json")
        assert response.status_code == 200, response.get_data(as_text=True)
        reply = response.get_json()
        assert set(reply) == {"Type", "Message", "ClientState"} and reply["Type"] in ("Response", "Release"), reply
        self.ended, self.screen = reply["Type"] == "Release", reply["Message"]
        return self.screen


class FreeflowPhone(_PerHopPhone):
    """Operator Freeflow: GET, this hop's input only; the first input is the dialled code without * and #."""

    provider = "freeflow"

    def dial(self, chained: str = "") -> str:
        """The first hop: ``909`` or ``909*1``."""
        self.session_id, self.ended = uuid.uuid4().hex, False
        return self._call(self._request(SERVICE_CODE.strip("*#") + (f"*{chained}" if chained else "")))

    def send(self, typed: str) -> str:
        """The one input typed."""
        assert not self.ended, "the session has ended"
        return self._call(self._request(typed))

    def end_by_network(self) -> int:
        """The cleanup call."""
        response = self.client.get("/gateway/freeflow/ussd", query_string={**self._request(""), "clean": "clean-session"})
        assert response.headers["Freeflow"] == "FB" and response.get_data(as_text=True) == ""
        self.ended = True
        return response.status_code

    def twin(self, client: FlaskClient) -> FreeflowPhone:
        """The same session's last request, sent from another client."""
        other = FreeflowPhone(client, self.msisdn)
        other.session_id, other.last = self.session_id, dict(self.last)
        return other

    def _request(self, typed: str) -> dict[str, Any]:
        return {"MSISDN": self.msisdn.lstrip("+"), "SessionID": self.session_id, "MSC": "61501", "input": typed}

    def _call(self, request: dict[str, Any]) -> str:
        self.last = request
        response = self.client.get("/gateway/freeflow/ussd", query_string=request)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["charge"] == "N" and response.headers["Freeflow"] in ("FC", "FB")
        self.ended, self.screen = response.headers["Freeflow"] == "FB", response.get_data(as_text=True)
        return self.screen


def phone_of(provider: str, client: FlaskClient, msisdn: str) -> ProviderPhone:
    """A phone on ``provider``'s callback."""
    kinds: dict[str, Any] = {"at": AtPhone, "hubtel": HubtelPhone, "freeflow": FreeflowPhone}
    phone: ProviderPhone = kinds[provider](client, msisdn)
    return phone
