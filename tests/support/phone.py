"""A phone that speaks Africa's Talking's USSD wire format to the real HTTP endpoint."""
from __future__ import annotations

import uuid
from urllib.parse import urlencode

from flask.testing import FlaskClient


class UssdPhone:
    """Dial, send, and read screens exactly as Africa's Talking would post them (cumulative text)."""

    def __init__(self, client: FlaskClient, msisdn: str = "+22890112233", service_code: str = "*909#",
                 network_code: str = "61501", path: str = "/gateway/at/ussd") -> None:
        self.client, self.msisdn, self.service_code, self.network_code, self.path = (
            client, msisdn, service_code, network_code, path)
        self.session_id = ""
        self.inputs: list[str] = []
        self.text = ""
        self.screen = ""
        self.ended = False
        self.hop_label = ""
        self.status = 0

    def _post(self) -> str:
        body = urlencode({"sessionId": self.session_id, "phoneNumber": self.msisdn, "networkCode": self.network_code,
                          "serviceCode": self.service_code, "text": self.text})
        response = self.client.post(self.path, data=body, content_type="application/x-www-form-urlencoded")
        self.status = response.status_code
        raw = response.get_data(as_text=True)
        assert response.status_code == 200, raw
        assert raw.startswith(("CON ", "END ")), raw
        self.ended = raw.startswith("END ")
        self.screen = raw[4:]
        self.hop_label = response.headers.get("at-ussd-hop-metadata", "")
        return self.screen

    def dial(self, chained: str = "") -> str:
        """Start a new session; ``chained`` is what a code like *909*1# carries (``"1"``)."""
        self.session_id = f"ATUid_{uuid.uuid4().hex}"
        self.inputs = chained.split("*") if chained else []
        self.text = chained
        self.ended = False
        return self._post()

    def send(self, typed: str) -> str:
        """Answer the current screen (Africa's Talking appends it to the cumulative text)."""
        assert not self.ended, "the session has ended"
        self.inputs.append(typed)
        self.text = "*".join(self.inputs)
        return self._post()

    def resend(self) -> str:
        """Post the last request again (a duplicate hop)."""
        return self._post()

    def walk(self, *inputs: str) -> str:
        """Send several answers in turn; returns the last screen."""
        for typed in inputs:
            self.send(typed)
        return self.screen
