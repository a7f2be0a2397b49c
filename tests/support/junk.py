"""Seeded generator of hostile HTTP requests over every public route of the gateway (the junk test's input)."""
from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, quote_from_bytes

from core.domain.payment_references import reference_from_body

FORM, JSON_TYPE = "application/x-www-form-urlencoded", "application/json"
# Demo phones stay out of the junk, so a lockout or a rate limit cannot break the journeys checked afterwards;
# two demo accounts the final checks do not use are logged into (their PIN typed first) to reach deep screens.
DEMO_PHONES = frozenset({"+22890112233", "+22899112233", "+22891223344", "+22870112233", "+22890000001"})
LOGGED_IN = (("+22891223344", "5678"), ("+22899112233", "4321"))
TOGO_PREFIXES = ("90", "91", "92", "93", "96", "97", "98", "99", "70", "71", "72", "79")
MENU_INPUTS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "00", "98", "99", "", "052026", "122025", "3",
               "65", "250", "150000", "10", "1000001", "#", "*")
FAR_DATES = ("9999-12-31T23:59:59-14:00", "0001-01-01", "0001-01-01T00:00:00+14:00", "2999-01-01T00:00:00Z",
             "2999-12-31 23:59:59", "1970-01-01T00:00:00Z", "2026-02-30T10:00:00Z", "2026-11-23T25:61:61Z",
             "+275760-09-13T00:00:00Z", "2026-11-23T10:00:00+99:00", "2026-11-23", "T", "now")
HUGE_NUMBERS = (str(10**20), "-1", str(2**31), str(2**31 - 1), str(2**63), str(2**63 - 1), str(-(2**63) - 1),
                "1.5", "NaN", "Infinity", "-0", "1e308", "0x10", "٣٤", "²", "9" * 400, "00000000000000000001")
CONTROL = "\x01\x02\x07\x08\t\n\r\x0b\x0c\x1b\x1f\x7f\x85\u2028\u2029\u200b\u200e\ufeff"
UNICODE = ("é", "ñ", "漢字", "🙂", "Ⅻ", "ｆｕｌｌ", "\u0301", "مرحبا", "ß" * 40, "İ", "\uffff")
INJECTION = ("'; DROP TABLE payments;--", "${jndi:ldap://x/a}", "<script>alert(1)</script>", "CON hi", "END bye",
             "a|b|c", "1*2*3*4*5*6*7*8*9*0" * 5, "%s%s%n", "{{7*7}}", "../../etc/passwd", "\\", '"', "null")
BAD_BYTES = (b"\xff\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\x80", b"\xe9t\xe9", b"\xf4\x90\x80\x80", b"abc\xc3")
VERBATIM = (b"%", b"%zz", b"%FF%FE", b"%C0%80", b"%00", b"%E9", b"%%%", b"%u0041", b"=", b"&&&", b"%2")
DATE_FIELDS = frozenset({"date", "paid_at"})
NUMBER_FIELDS = frozenset({"durationInMillis", "hopsCount", "retryCount", "amount", "cost"})
OVERSIZES = (1_024, 8_192, 65_536, 400_000, 1 << 20)


class Verbatim(bytes):
    """Bytes put into a form body exactly as they are (percent-encoding garbage included)."""


class RawJson(str):
    """JSON text put into a body exactly as it is (deep nesting, NaN, duplicate keys)."""


Value = str | bytes  # str: UTF-8 text; bytes: any bytes, percent-encoded; Verbatim: not encoded at all


@dataclass(frozen=True, slots=True)
class JunkRequest:
    """One request; ``signer`` (bank, flooz, mixx) asks the sender to sign it at send time."""

    route: str
    method: str
    path: str
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    signer: str | None = None
    signed_path: str = ""
    what: str = ""

    def describe(self, width: int = 200) -> str:
        """A compact one-line description for failure summaries."""
        return (f"{self.method} {self.path[:60]!r} [{self.what}] {self.content_type} {len(self.body)} B "
                f"{self.body[:70]!r}")[:width]


@dataclass
class _Session:
    session_id: str
    phone: str
    inputs: list[str]
    pin: str | None


class JunkGenerator:
    """``JunkGenerator(seed).requests(n)``: the same ``n`` requests for the same seed, on every run."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sessions: list[_Session] = []
        self.serial = 0

    def requests(self, count: int) -> Iterator[JunkRequest]:
        """``count`` requests, routes drawn with fixed weights."""
        makers: list[tuple[Callable[[], JunkRequest], int]] = [
            (self.ussd_hop, 30), (self.ussd_event, 11), (self.sms_inbound, 11), (self.sms_delivery, 11),
            (self.bank_payment, 12), (self.mobile_money_payment, 6), (self.reference_lookup, 8),
            (self.probe, 4), (self.stray, 7), (self.hubtel_hop, 8), (self.freeflow_hop, 8)]
        weights = [weight for _, weight in makers]
        for _ in range(count):
            self.serial += 1
            yield self.rng.choices(makers, weights)[0][0]()

    # Values.

    def togo_phone(self) -> str:
        """A valid Togolese mobile number (+228 9x/7x xx xx xx) outside the demo data."""
        while True:
            phone = "+228" + self.rng.choice(TOGO_PREFIXES) + f"{self.rng.randrange(10**6):06d}"
            if phone not in DEMO_PHONES:
                return phone

    def reference(self) -> str:
        """A payment reference with valid check digits (unknown to the gateway), or 12 digits that fail the check."""
        body = str(self.rng.randrange(10**9, 10**10))
        return reference_from_body(body) if self.rng.random() < 0.7 else body + "00"

    def phone_form(self) -> tuple[str, str]:
        """A phone field: a valid number in some usual form, or junk."""
        e164 = self.togo_phone()
        national = e164[4:]
        forms = {"e164": e164, "no_plus": e164[1:], "space_plus": " " + e164[1:], "national": national,
                 "spaced": " ".join(national[i:i + 2] for i in range(0, 8, 2)), "00": "00" + e164[1:],
                 "short": e164[:-1], "long": e164 + "9", "foreign": "+33612345678", "letters": "+228ABCDEFGH",
                 "fullwidth": "+228" + "".join(chr(0xFF10 + int(d)) for d in national), "huge": "+228" + "9" * 40,
                 "tel": "tel:" + e164, "empty": ""}
        kind = self.rng.choice(list(forms)) if self.rng.random() < 0.5 else "e164"
        return forms[kind], f"phone:{kind}"

    def junk(self, base: str, field: str = "") -> tuple[Value, str]:
        """A hostile version of ``base`` and the name of what was done to it; dates and counts get far values often."""
        rng = self.rng
        if field in DATE_FIELDS and rng.random() < 0.5:
            return rng.choice(FAR_DATES), "far_date"
        if field in NUMBER_FIELDS and rng.random() < 0.5:
            return rng.choice(HUGE_NUMBERS), "huge_number"
        kind = rng.choice(("nul", "control", "oversized", "far_date", "huge_number", "unicode", "bad_utf8",
                           "latin1", "verbatim", "empty", "spaces", "injection", "phone"))
        at = rng.randrange(len(base) + 1)
        if kind == "nul":
            return base[:at] + "\x00" + base[at:], kind
        if kind == "control":
            return base[:at] + "".join(rng.choices(CONTROL, k=rng.randint(1, 4))) + base[at:], kind
        if kind == "oversized":
            size = rng.choices(OVERSIZES, weights=(50, 25, 15, 6, 4))[0]
            return (base or "9") * (size // max(len(base), 1) + 1), f"oversized:{size}"
        if kind == "far_date":
            return rng.choice(FAR_DATES), kind
        if kind == "huge_number":
            return rng.choice(HUGE_NUMBERS), kind
        if kind == "unicode":
            return base[:at] + rng.choice(UNICODE) + base[at:], kind
        if kind == "bad_utf8":
            return base.encode()[:at] + rng.choice(BAD_BYTES) + base.encode()[at:], kind
        if kind == "latin1":
            return (base + "é à ç").encode("latin-1", "replace"), kind
        if kind == "verbatim":
            return Verbatim(quote(base, safe="").encode() + rng.choice(VERBATIM)), kind
        if kind == "empty":
            return "", kind
        if kind == "spaces":
            return "   " + base + "   ", kind
        if kind == "injection":
            return rng.choice(INJECTION), kind
        return self.phone_form()

    # Bodies.

    def form_request(self, route: str, path: str, fields: list[tuple[str, Value]], what: list[str],
                     mutate: float = 0.75) -> JunkRequest:
        """A form post of ``fields`` after random damage to fields and to the encoding."""
        rng = self.rng
        fields = list(fields)
        if rng.random() < mutate:
            for _ in range(rng.randint(1, 3)):
                action = rng.choice(("junk", "junk", "junk", "missing", "duplicate", "extra"))
                index = rng.randrange(len(fields))
                name, value = fields[index]
                if action == "junk":
                    fields[index] = (name, (new := self.junk(value if isinstance(value, str) else "", name))[0])
                    what.append(f"{name}={new[1]}")
                elif action == "missing":
                    del fields[index]
                    what.append(f"-{name}")
                elif action == "duplicate":
                    fields.append((name, self.junk(value if isinstance(value, str) else "")[0]))
                    what.append(f"{name}x2")
                else:
                    fields.append((rng.choice(("extra", "", "a" * 300, "text[]")), self.junk("x")[0]))
                    what.append("+extra")
                if not fields:
                    break
        encoding = rng.choices(("form", "multipart", "wrong_type", "json", "empty"), weights=(82, 6, 7, 3, 2))[0]
        if encoding == "form":
            return JunkRequest(route, "POST", path, encode_form(fields), FORM, what=" ".join(what))
        what.append(encoding)
        if encoding == "multipart":
            return JunkRequest(route, "POST", path, encode_multipart(fields), "multipart/form-data; boundary=JUNKB",
                               what=" ".join(what))
        if encoding == "json":
            text = {name: value for name, value in fields if isinstance(value, str)}
            return JunkRequest(route, "POST", path, json.dumps(text).encode(), JSON_TYPE, what=" ".join(what))
        if encoding == "empty":
            return JunkRequest(route, "POST", path, b"", rng.choice((FORM, None)), what=" ".join(what))
        content_type = rng.choice(("text/plain", JSON_TYPE, None, FORM + "; charset=latin-1", "multipart/form-data",
                                   FORM + "; charset=utf-16", "application/xml", "multipart/form-data; boundary="))
        return JunkRequest(route, "POST", path, encode_form(fields), content_type, what=" ".join(what))

    def json_request(self, route: str, path: str, signer: str | None) -> JunkRequest:
        """A payment notification: well-formed, or damaged in its fields, its JSON or its encoding."""
        rng = self.rng
        fields: dict[str, object] = {
            "reference": self.reference(), "amount": rng.choice((93_437, 1, 50_000, 1_000_000)), "currency": "XOF",
            "transaction_id": f"JUNK-{self.serial}", "paid_at": "2026-11-23T10:05:00Z",
            "account_label": "Compte courant"}
        what: list[str] = []
        shape = rng.choices(("fields", "deep", "duplicate_keys", "not_object", "encoding", "well_formed"),
                            weights=(62, 7, 6, 5, 10, 10))[0]
        if shape == "fields":
            for _ in range(rng.randint(1, 3)):
                name = rng.choice(list(fields) + ["extra"])
                fields[name], kind = self.json_junk(str(fields.get(name, "")), name)
                what.append(f"{name}={kind}")
        elif shape == "deep":
            depth = rng.choice((1_000, 5_000, 50_000))
            opener, closer = rng.choice((("[", "]"), ('{"a":', "}")))
            fields[rng.choice(list(fields))] = RawJson(opener * depth + "1" + closer * depth)
            what.append(f"deep:{depth}")
        elif shape == "duplicate_keys":
            name = rng.choice(list(fields))
            twice = encode_json(fields)[:-1] + f", {json.dumps(name)}: {encode_json_value(self.json_junk('x')[0])}}}"
            return self._signed(route, path, twice.encode(), JSON_TYPE, signer, f"dup:{name}")
        elif shape == "not_object":
            raw = rng.choice(("[]", '"x"', "1", "null", "true", "", "{", "{'a': 1}", "[" * 5000, "NaN", " " * 5000))
            return self._signed(route, path, raw.encode(), JSON_TYPE, signer, "not_object")
        body = encode_json(fields).encode()
        content_type: str | None = JSON_TYPE
        if shape == "encoding":
            kind = rng.choice(("latin1", "utf16", "bom", "bad_utf8", "wrong_type", "form"))
            what.append(kind)
            fields["account_label"] = "Société générale é"
            text = encode_json(fields, ascii_only=False)
            if kind == "latin1":
                body = text.encode("latin-1")
            elif kind == "utf16":
                body = text.encode("utf-16")
            elif kind == "bom":
                body = b"\xef\xbb\xbf" + text.encode()
            elif kind == "bad_utf8":
                body = text.encode().replace(b"\xc3\xa9", b"\xc3", 1)
            elif kind == "wrong_type":
                content_type = rng.choice(("text/plain", FORM, None, "application/json; charset=latin-1"))
            else:
                body, content_type = encode_form([(k, str(v)) for k, v in fields.items()]), FORM
        return self._signed(route, path, body, content_type, signer, " ".join(what) or shape)

    def json_junk(self, base: str, field: str = "") -> tuple[object, str]:
        """A hostile JSON value: numbers out of range, wrong types, or a junk string."""
        rng = self.rng
        choice = rng.randrange(22)
        specials: list[tuple[object, str]] = [
            (10**20, "1e20"), (-1, "-1"), (2**31, "2^31"), (2**63, "2^63"), (1.5, "float"),
            (RawJson("NaN"), "NaN"), (RawJson("-Infinity"), "-Inf"), (None, "null"), (True, "bool"),
            ([base], "list"), ({"v": base}, "object")]
        if choice < len(specials):
            return specials[choice]
        value, kind = self.junk(base, field)
        return (value if isinstance(value, str) else value.decode("latin-1")), kind

    def _signed(self, route: str, path: str, body: bytes, content_type: str | None, signer: str | None,
                what: str, signed_path: str | None = None) -> JunkRequest:
        rng = self.rng
        headers: tuple[tuple[str, str], ...] = ()
        roll = rng.random()
        if signer is not None and roll < 0.06:
            signer, what = None, what + " unsigned"
        elif signer is not None and roll < 0.12:
            header = "X-Operator-Id" if signer != "bank" else "X-Bank-Id"
            headers = ((header, rng.choice(("ibbank", "flooz", "", "x" * 300, "é"))),
                       ("X-Timestamp", rng.choice(("", "abc", "-1", "9" * 30, "1e9", "1795428000.5", " 1 "))),
                       ("X-Signature", rng.choice(("", "zz", "0" * 64, "f" * 2000))))
            signer, what = None, what + " bad_signature"
        return JunkRequest(route, route.split()[0], path, body, content_type, headers, signer, signed_path or path,
                           what)

    # Routes.

    def ussd_hop(self) -> JunkRequest:
        """A hop of a new or continued session (cumulative text), often damaged."""
        rng = self.rng
        if self.sessions and rng.random() < 0.5:
            session = rng.choice(self.sessions)
            if session.pin is not None and not session.inputs:
                session.inputs.append(session.pin)
            else:
                session.inputs.append(rng.choice(MENU_INPUTS) if rng.random() < 0.8 else rng.choice(HUGE_NUMBERS))
            what = ["continue"]
        else:
            phone, pin = rng.choice(LOGGED_IN) if rng.random() < 0.3 else (self.togo_phone(), None)
            session = _Session(f"ATUid_{self.serial:05d}{rng.randrange(16**6):06x}", phone,
                               [] if pin or rng.random() < 0.8 else [rng.choice(MENU_INPUTS)], pin)
            self.sessions = (self.sessions + [session])[-40:]
            what = ["new" + (":logged_in" if pin else "")]
        fields: list[tuple[str, Value]] = [
            ("sessionId", session.session_id), ("phoneNumber", session.phone), ("networkCode", "61501"),
            ("serviceCode", "*909#"), ("text", "*".join(session.inputs))]
        return self.form_request("POST /gateway/at/ussd", "/gateway/at/ussd" + self.query(), fields, what, 0.45)

    def hubtel_hop(self) -> JunkRequest:
        """A Hubtel-style JSON hop, often damaged in its fields, its JSON or its encoding."""
        rng = self.rng
        fields: dict[str, object] = {
            "Mobile": self.togo_phone().lstrip("+"), "SessionId": f"h{self.serial:05d}", "ServiceCode": "*909#",
            "Type": rng.choice(("Initiation", "Response", "Release", "Timeout")), "Message": rng.choice(MENU_INPUTS),
            "Operator": "moov", "Sequence": rng.randrange(1, 9), "ClientState": ""}
        what: list[str] = []
        shape = rng.choices(("fields", "not_object", "encoding", "well_formed"), weights=(65, 10, 10, 15))[0]
        if shape == "not_object":
            raw = rng.choice(("[]", '"x"', "1", "null", "", "{", "[" * 5000, "NaN"))
            return JunkRequest("POST /gateway/hubtel/ussd", "POST", "/gateway/hubtel/ussd" + self.query(),
                               raw.encode(), JSON_TYPE, what="not_object")
        if shape == "fields":
            for _ in range(rng.randint(1, 3)):
                name = rng.choice(list(fields) + ["extra"])
                fields[name], kind = self.json_junk(str(fields.get(name, "")), name)
                what.append(f"{name}={kind}")
        body = encode_json(fields, ascii_only=shape != "encoding").encode()
        content_type: str | None = JSON_TYPE
        if shape == "encoding":
            body, content_type = rng.choice(((body.decode().encode("utf-16"), JSON_TYPE), (body, "text/plain"),
                                             (b"\xff" + body, JSON_TYPE), (body, None)))
            what.append("encoding")
        return JunkRequest("POST /gateway/hubtel/ussd", "POST", "/gateway/hubtel/ussd" + self.query(), body,
                           content_type, what=" ".join(what) or shape)

    def freeflow_hop(self) -> JunkRequest:
        """An operator Freeflow hop (GET), often damaged in its parameters."""
        rng = self.rng
        fields: list[tuple[str, Value]] = [
            ("MSISDN", self.togo_phone().lstrip("+")), ("SessionID", f"f{self.serial:05d}"), ("MSC", "61501"),
            ("input", rng.choice(("909", "909*1", *MENU_INPUTS)))]
        if rng.random() < 0.1:
            fields.append(("clean", "clean-session"))
        what: list[str] = []
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            index = rng.randrange(len(fields))
            name, value = fields[index]
            if rng.random() < 0.15:
                del fields[index]
                what.append(f"-{name}")
                continue
            junk, kind = self.junk(str(value), name)
            fields[index] = (name, junk)
            what.append(f"{name}={kind}")
        return JunkRequest("GET /gateway/freeflow/ussd", "GET",
                           "/gateway/freeflow/ussd?" + encode_form(fields).decode("latin-1"), b"", None,
                           what=" ".join(what) or "well_formed")

    def ussd_event(self) -> JunkRequest:
        """An end-of-session notification."""
        rng = self.rng
        fields: list[tuple[str, Value]] = [
            ("sessionId", f"ATUid_{rng.randrange(16**8):08x}"), ("serviceCode", "*909#"), ("networkCode", "61501"),
            ("phoneNumber", self.togo_phone()), ("status", rng.choice(("Success", "Incomplete", "Failed"))),
            ("date", "2026-11-23 10:00:00"), ("cost", "XOF 0.0000"), ("durationInMillis", str(rng.randrange(90_000))),
            ("hopsCount", str(rng.randrange(12))), ("hopsMetadata", "auth.pin|employer.home"),
            ("input", "*".join(rng.choices(MENU_INPUTS, k=rng.randint(0, 6)))), ("lastAppResponse", "END Merci"),
            ("errorMessage", rng.choice(("", "USSD session timed out")))]
        return self.form_request("POST /gateway/at/ussd/events", "/gateway/at/ussd/events", fields, [])

    def sms_inbound(self) -> JunkRequest:
        """An incoming SMS: a keyword, a payment-alert-looking text, or anything."""
        rng = self.rng
        sender = rng.choice((self.togo_phone(), self.togo_phone(), LOGGED_IN[0][0], "IBBANK", "+22890990000"))
        text = rng.choice(("SOLDE", "REF", "DEMANDES", "PENSION 60", "AIDE", "solde 1000002", "bonjour", "",
                           f"Paiement {rng.randrange(10**7)}F ref {rng.randrange(10**12):012d} id T{self.serial}",
                           f"Credit de 50 000 FCFA Ref {rng.randrange(10**12):012d} Trx X-{self.serial}"))
        fields: list[tuple[str, Value]] = [
            ("from", sender), ("to", "8323"), ("text", text), ("id", f"junk-in-{self.serial}"),
            ("date", "2026-11-23 10:00:00"), ("linkId", f"link-{self.serial}"), ("networkCode", "61501")]
        return self.form_request("POST /gateway/at/sms/inbound", "/gateway/at/sms/inbound", fields, [])

    def sms_delivery(self) -> JunkRequest:
        """A delivery report for an unknown or made-up message."""
        rng = self.rng
        fields: list[tuple[str, Value]] = [
            ("id", f"ATXid_{rng.randrange(10**6)}"),
            ("status", rng.choice(("Success", "Sent", "Buffered", "Rejected", "Failed", "Submitted", "Weird"))),
            ("phoneNumber", self.togo_phone()), ("networkCode", "61501"),
            ("failureReason", rng.choice(("", "InsufficientCredit", "AbsentSubscriber", "UserInBlacklist"))),
            ("retryCount", str(rng.randrange(5)))]
        return self.form_request("POST /gateway/at/sms/delivery", "/gateway/at/sms/delivery", fields, [])

    def bank_payment(self) -> JunkRequest:
        """A bank payment notification, signed by the bank (mostly)."""
        return self.json_request("POST /api/bank/v1/payments", "/api/bank/v1/payments", "bank")

    def mobile_money_payment(self) -> JunkRequest:
        """A mobile-money notification on a real operator's route (signed by it) or on a junk operator's."""
        operator = self.rng.choice(("flooz", "mixx", "flooz", "mixx", "unknown", "x" * 2_000, "%00", "fl%C3ooz"))
        signer = operator if operator in ("flooz", "mixx") else None
        return self.json_request("POST /api/mobile-money/v1/<operator>/payments",
                                 f"/api/mobile-money/v1/{operator}/payments", signer)

    def reference_lookup(self) -> JunkRequest:
        """A signed reference lookup with a valid-looking or hostile reference."""
        rng = self.rng
        reference = self.reference() if rng.random() < 0.7 else str(rng.randrange(10**14))
        what = "digits"
        if rng.random() < 0.6:
            value, what = self.junk(reference)
            reference = value if isinstance(value, str) else value.decode("latin-1")
            reference = reference[:rng.choice((100, 4_000))]  # URLs that long are refused before the app anyway
        path = "/api/bank/v1/references/" + quote(reference, safe="")
        return self._signed("GET /api/bank/v1/references/<ref>", path, b"", None, "bank", what,
                            "/api/bank/v1/references/" + reference)

    def probe(self) -> JunkRequest:
        """Health, readiness and the OpenAPI document, with junk query strings."""
        path = self.rng.choice(("/healthz", "/readyz", "/api/bank/v1/openapi.json"))
        return JunkRequest("GET " + path, "GET", path + self.query(), what="probe")

    def stray(self) -> JunkRequest:
        """Unknown routes and wrong methods."""
        rng = self.rng
        if rng.random() < 0.5:
            path = rng.choice(("/", "/admin", "/.env", "/gateway/at/ussd/", "/gateway/at/%00", "/gateway/at",
                               "/api/bank/v1/references/", "/api/bank/v1", "/api/mobile-money/v1//payments",
                               "/gateway/hubtel/ussd", "/gateway/freeflow/ussd", "/metrics", "/simulator", "/ops",
                               "/gateway/at/ussd/../../etc/passwd", "/" + "a" * 3_000, "/%FF%FE", "/api/bank/v2/x"))
            method = rng.choice(("GET", "POST", "PUT", "DELETE"))
            return JunkRequest("unknown route", method, path, b"x=1", FORM, what="unknown")
        path, allowed = rng.choice((("/gateway/at/ussd", "POST"), ("/gateway/at/ussd/events", "POST"),
                                    ("/gateway/at/sms/inbound", "POST"), ("/gateway/at/sms/delivery", "POST"),
                                    ("/api/bank/v1/payments", "POST"), ("/healthz", "GET"), ("/readyz", "GET"),
                                    ("/api/bank/v1/openapi.json", "GET"), ("/api/bank/v1/references/1", "GET"),
                                    ("/api/mobile-money/v1/flooz/payments", "POST")))
        method = rng.choice([m for m in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD") if m != allowed])
        return JunkRequest("wrong method", method, path, b"", None, what=f"{method} not {allowed}")

    def query(self) -> str:
        """Usually nothing; sometimes a junk query string (AT's ``key`` included)."""
        if self.rng.random() > 0.1:
            return ""
        return "?" + self.rng.choice(("key=", "key=%00", "key=" + "k" * 5_000, "a=%FF", "&&", "key=x&key=y", "%"))


def encode_form(fields: list[tuple[str, Value]]) -> bytes:
    """``application/x-www-form-urlencoded`` of the fields, raw bytes percent-encoded, ``Verbatim`` left as is."""
    parts = []
    for name, value in fields:
        if isinstance(value, Verbatim):
            encoded = bytes(value)
        elif isinstance(value, bytes):
            encoded = quote_from_bytes(value, safe="").encode()
        else:
            encoded = quote(value, safe="", errors="surrogatepass").encode()
        parts.append(quote(name, safe="").encode() + b"=" + encoded)
    return b"&".join(parts)


def encode_multipart(fields: list[tuple[str, Value]]) -> bytes:
    """The same fields as ``multipart/form-data`` with the boundary ``JUNKB``."""
    chunks = []
    for name, value in fields:
        data = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        chunks.append(b'--JUNKB\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n' + data
                      + b"\r\n")
    return b"".join(chunks) + b"--JUNKB--\r\n"


def encode_json_value(value: object, ascii_only: bool = True) -> str:
    """One JSON value; ``RawJson`` goes in verbatim."""
    return str(value) if isinstance(value, RawJson) else json.dumps(value, ensure_ascii=ascii_only)


def encode_json(fields: dict[str, object], ascii_only: bool = True) -> str:
    """A JSON object whose values may be ``RawJson`` (too deep or not standard JSON for ``json.dumps``)."""
    return "{" + ", ".join(f"{json.dumps(name)}: {encode_json_value(value, ascii_only)}"
                           for name, value in fields.items()) + "}"
