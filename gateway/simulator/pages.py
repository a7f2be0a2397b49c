"""Routes of the simulator: the phone page and its two JSON helpers (screen measure, a phone's outbox)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from core.domain.errors import InvalidPhoneNumberError
from core.domain.gsm7 import is_gsm7, septets
from core.domain.msisdn import Msisdn
from core.domain.outbox import MessageChannel, OutboundMessage
from gateway.freeflow.ussd import parameter_names
from gateway.providers import ussd_providers
from gateway.runtime import runtime
from gateway.simulator.identities import NETWORK_CODE, SERVICE_CODE, demo_phones
from menus.engine import MAX_SCREEN

blueprint = Blueprint("simulator", __name__, url_prefix="/simulator", template_folder="templates",
                      static_folder="static")
OUTBOX_SHOWN: Final = 20  # newest rows listed for one phone
_PAGE: Final = 100  # rows read per outbox query
MEASURE_LIMIT: Final = 2000  # a screen is at most MAX_SCREEN; anything far longer is not a screen


@blueprint.get("")
def phone_page() -> str:
    """The phone: demo identities, dial pad, screen with its measure, and the SMS tab."""
    # Development only (the blueprint is absent in production), so the providers' secrets may sit in the page:
    # the page must post to each provider's real, secret-guarded callback exactly as that provider does.
    config = current_app.config
    callback_key = config.get("AT_CALLBACK_KEY") or ""
    return render_template("simulator/phone.html", phones=demo_phones(), service_code=SERVICE_CODE,
                           network_code=NETWORK_CODE, callback_key=callback_key, max_screen=MAX_SCREEN,
                           short_code=config.get("SMS_SENDER_ID") or "8323", wires=_wires(config),
                           providers=[(p.name, p.title) for p in ussd_providers()])


def _wires(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What the page needs to place hops as each USSD provider does: its callback and its secret."""
    return {
        "at": {"url": url_for("africastalking.ussd_hop"), "key": config.get("AT_CALLBACK_KEY") or ""},
        "hubtel": {"url": url_for("hubtel.ussd_hop"), "key": config.get("HUBTEL_CALLBACK_KEY") or ""},
        "freeflow": {"url": url_for("freeflow.ussd_hop"), "names": parameter_names(config.get("FREEFLOW_PARAM_NAMES")),
                     "userid": config.get("FREEFLOW_USERID") or "", "password": config.get("FREEFLOW_PASSWORD") or ""},
    }


@blueprint.post("/measure")
def measure() -> tuple[Response, int]:
    """Length of a screen on the air (septets when GSM-7, characters otherwise) and whether it is GSM-7."""
    payload: Any = request.get_json(silent=True)
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str) or len(text) > MEASURE_LIMIT:
        return jsonify(error="text", detail=f"a JSON object with a string 'text' of at most {MEASURE_LIMIT}"), 400
    gsm7 = is_gsm7(text)
    length = septets(text) if gsm7 else len(text)
    return jsonify(length=length, gsm7=gsm7, limit=MAX_SCREEN, fits=gsm7 and length <= MAX_SCREEN), 200


@blueprint.get("/outbox")
def outbox() -> tuple[Response, int]:
    """The newest SMS queued for one phone, newest first: time, purpose, status, text; the phone masked."""
    try:
        msisdn = Msisdn.parse(request.args.get("phone", ""))
    except InvalidPhoneNumberError as exc:
        return jsonify(error="phone", detail=str(exc.data.get("reason", "invalid"))), 400
    rows = _newest_sms(msisdn)
    return jsonify(phone=msisdn.masked, messages=[_row(message) for message in rows]), 200


def _newest_sms(msisdn: Msisdn) -> list[OutboundMessage]:
    """The last ``OUTBOX_SHOWN`` SMS to ``msisdn``, newest first, paging the outbox's own ``find``."""
    newest: list[OutboundMessage] = []
    after_id = 0
    with runtime().uow_factory() as uow:
        while True:
            page = uow.outbox.find(recipient=msisdn.e164, channel=MessageChannel.SMS, after_id=after_id,
                                   limit=_PAGE)
            if not page:
                break
            newest = (newest + page)[-OUTBOX_SHOWN:]
            after_id = page[-1].message_id or after_id
            if len(page) < _PAGE or page[-1].message_id is None:  # a short page is the last
                break
    return newest[::-1]


def _row(message: OutboundMessage) -> dict[str, object]:
    return {"id": message.message_id, "time": message.created_at.isoformat(timespec="seconds"),
            "purpose": message.purpose, "status": message.status.value, "text": message.body,
            "recipient": Msisdn(message.recipient).masked}
