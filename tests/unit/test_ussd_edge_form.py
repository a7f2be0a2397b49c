"""The USSD edge's form decoder gives what Flask's form parser gives, or declines and lets Flask decide."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest

from gateway.ussd_edge import MAX_FIELDS, _form

WIRE = [
    urlencode({"sessionId": "ATUid_1", "phoneNumber": "+22890112233", "networkCode": "61501",
               "serviceCode": "*909#", "text": "1*1234*2"}),
    "sessionId=a&text=",  # an empty text: the first hop
    "sessionId=a&text",  # a field without '=' is a blank value
    "text=hello+world&text=second",  # '+' is a space; the first of two values wins, as in Flask
    "text=%C3%A9t%C3%A9&name=Ama%20K%2B",  # UTF-8 and %2B
    "&&sessionId=a&&",  # empty pairs are skipped
    "a%3Db=c%26d",  # encoded separators stay inside their field
]


@pytest.mark.parametrize("wire", WIRE)
def test_a_valid_form_decodes_as_parse_qsl_with_the_first_value_kept(wire: str) -> None:
    expected: dict[str, str] = {}
    for name, value in parse_qsl(wire, keep_blank_values=True):
        expected.setdefault(name, value)
    assert _form(wire.encode()) == expected


@pytest.mark.parametrize("wire", [
    b"text=%FF",  # not UTF-8 once decoded: Flask answers 400 with the reason
    b"text=%C3",  # a cut sequence
    "text=été".encode(),  # raw bytes beyond ASCII: left to Flask's parser
    b"&".join([b"f=1"] * (MAX_FIELDS + 1)),  # not a provider's callback
])
def test_anything_unusual_is_declined_for_flask_to_answer(wire: bytes) -> None:
    assert _form(wire) is None
