"""OpenAPI 3.1 description of the bank and mobile-money API (served at /api/bank/v1/openapi.json)."""
from __future__ import annotations

from typing import Any

from gateway.bank.notices import (
    MAX_AMOUNT,
    MAX_JSON_DEPTH,
    OPTIONAL_TEXT_PATTERN,
    PAID_AT_CLOCK_SKEW,
    REFERENCE_MAX_LENGTH,
    REFERENCE_PATTERN,
    TEXT_LIMITS,
    TEXT_PATTERN,
)
from gateway.bank.signing import MAX_SKEW_SECONDS

_SIGNATURE = (
    "Every call (except this document) carries `X-Bank-Id` (or `X-Operator-Id` on the mobile-money route), "
    "`X-Timestamp` (Unix seconds, at most 300 s away from CNSS's clock) and `X-Signature`: the lowercase hex "
    "HMAC-SHA256, keyed with the caller's secret, of `timestamp + \"\\n\" + METHOD + \"\\n\" + path + \"\\n\" + "
    "raw body` (empty body for GET). A missing or wrong signature, or a stale timestamp, gets 401."
)


_SIGNATURE_REASONS = ("missing_signature_headers", "unknown_caller", "stale_timestamp", "bad_signature")
_BAD_BODY = ("invalid_json", "invalid_request", "invalid_reference", "amount_out_of_range", "paid_at_in_future",
             "paid_at_out_of_range")


def _error(*codes: str, reasons: tuple[str, ...] = ()) -> dict[str, Any]:
    properties: dict[str, Any] = {"error": {"type": "string", "enum": list(codes)}, "field": {"type": "string"},
                                  "detail": {"type": "string"}, "error_id": {"type": "string"}}
    properties["reason"] = {"type": "string", "enum": list(reasons)} if reasons else {"type": "string"}
    return {"type": "object", "required": ["error"], "properties": properties}


def _json(schema: dict[str, Any] | str, description: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"} if isinstance(schema, str) else schema
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def _retry_later(description: str) -> dict[str, Any]:
    return {**_json(_error("unavailable"), description), "headers": {"Retry-After": {
        "required": True, "description": "Seconds to wait before retrying", "schema": {"type": "string"}}}}


def _common(reasons: tuple[str, ...] = _SIGNATURE_REASONS) -> dict[str, Any]:
    return {
        "401": _json(_error("unauthorized", reasons=reasons), "Missing or wrong signature, or stale timestamp."),
        "413": _json(_error("payload_too_large"), "The body is larger than this API accepts (64 KiB by default)."),
        "500": _json(_error("internal_error"), "A fault on CNSS's side, logged under `error_id`; nothing recorded."),
        "503": _retry_later("Not recorded (storage unavailable or slower than the request deadline): retry later."),
    }


def _payment_responses(reasons: tuple[str, ...]) -> dict[str, Any]:
    return {
        "201": _json("Accepted", "Recorded: the contributor account is credited and the receipts are queued."),
        "200": _json("Accepted", "The same transaction_id again: the first answer, nothing credited twice."),
        "400": _json(_error(*_BAD_BODY), "Malformed body, a permanent error (do not retry); `field` names it."),
        "404": _json(_error("reference_not_found"), "No such reference."),
        "409": _json(_error("amount_mismatch", "already_paid", "reference_expired", "reference_cancelled",
                            "transaction_id_reused"), "Refused and recorded for reconciliation."),
        **_common(reasons),
    }


_SIGNED_BY: dict[str, list[dict[str, list[str]]]] = {
    "bank": [{"bankId": [], "timestamp": [], "signature": []}],
    "operator": [{"operatorId": [], "timestamp": [], "signature": []}]}
_REFERENCE = {"type": "string", "maxLength": REFERENCE_MAX_LENGTH, "pattern": REFERENCE_PATTERN,
              "description": "12 digits (the last two are ISO 7064 MOD 97-10 check digits); spaces, dashes and "
                             "dots between them are ignored"}
_NOTIFICATION_BODY = {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/PaymentNotification"}}}}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "CNSS Togo payment notification API", "version": "1.0.0",
             "description": "Reference lookup and payment notification for IB Bank Togo (formerly BTCI) and "
                            "mobile-money operators. Amounts are whole XOF francs. " + _SIGNATURE},
    "servers": [{"url": "/"}],
    "components": {
        "securitySchemes": {
            "bankId": {"type": "apiKey", "in": "header", "name": "X-Bank-Id", "description": "The bank's id"},
            "operatorId": {"type": "apiKey", "in": "header", "name": "X-Operator-Id",
                           "description": "The operator's id, equal to `{operator}` in the path"},
            "timestamp": {"type": "apiKey", "in": "header", "name": "X-Timestamp",
                          "description": f"Unix seconds, at most {MAX_SKEW_SECONDS} s away from CNSS's clock"},
            "signature": {"type": "apiKey", "in": "header", "name": "X-Signature", "description": _SIGNATURE},
        },
        "schemas": {
            "Reference": {"type": "object", "additionalProperties": False, "required": [
                "reference", "amount", "currency", "employer_number", "employer_name", "period", "issued_at",
                "expires_at", "status"], "properties": {
                "reference": {"type": "string", "pattern": "^[0-9]{12}$"},
                "amount": {"type": "integer", "minimum": 1},
                "currency": {"const": "XOF"},
                "employer_number": {"type": "string", "pattern": "^[0-9]+$"},
                "employer_name": {"type": "string"},
                "period": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}$",
                           "description": "Contribution period, or null for the whole overdue balance."},
                "issued_at": {"type": "string", "format": "date-time"},
                "expires_at": {"type": "string", "format": "date-time"},
                "status": {"enum": ["pending", "paid", "expired", "cancelled"]}}},
            "PaymentNotification": {"type": "object", "description": f"JSON nested at most {MAX_JSON_DEPTH} deep.",
                                    "required": ["reference", "amount", "currency", "transaction_id", "paid_at"],
                                    "properties": {
                "reference": _REFERENCE,
                "amount": {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT,
                           "description": "Whole XOF francs (no decimals)."},
                "currency": {"const": "XOF"},
                "transaction_id": {"type": "string", "minLength": 1, "maxLength": TEXT_LIMITS["transaction_id"],
                                   "pattern": TEXT_PATTERN,
                                   "description": "The caller's id of the transaction: the idempotency key. No "
                                                  "control characters; surrounding spaces are dropped."},
                "paid_at": {"type": "string", "format": "date-time",
                            "description": "With its offset; from 2000-01-01T00:00:00Z to at most "
                                           f"{int(PAID_AT_CLOCK_SKEW.total_seconds() // 60)} minutes after CNSS's "
                                           "clock (`paid_at_out_of_range`, `paid_at_in_future`)."},
                "account_label": {"type": ["string", "null"], "maxLength": TEXT_LIMITS["account_label"],
                                  "pattern": OPTIONAL_TEXT_PATTERN}}},
            "Accepted": {"type": "object", "additionalProperties": False,
                         "required": ["status", "payment_id", "receipt_number"], "properties": {
                             "status": {"const": "accepted"}, "payment_id": {"type": "integer"},
                             "receipt_number": {"type": "string"}}},
        },
    },
    "paths": {
        "/api/bank/v1/references/{reference}": {"get": {
            "summary": "Look a payment reference up", "operationId": "getReference", "security": _SIGNED_BY["bank"],
            "parameters": [{"name": "reference", "in": "path", "required": True, "schema": _REFERENCE}],
            "responses": {
                "200": _json("Reference", "The reference (amount, employer name, dates, status)."),
                "400": _json(_error("invalid_reference"), "Wrong format or check digits."),
                "404": _json(_error("reference_not_found"), "No such reference."),
                **_common(),
            }}},
        "/api/bank/v1/payments": {"post": {
            "summary": "Notify a payment", "operationId": "notifyBankPayment", "security": _SIGNED_BY["bank"],
            "requestBody": _NOTIFICATION_BODY, "responses": _payment_responses(_SIGNATURE_REASONS)}},
        "/api/mobile-money/v1/{operator}/payments": {"post": {
            "summary": "Notify a mobile-money payment (Mixx by Yas, Flooz)", "operationId": "notifyMobileMoneyPayment",
            "description": "Same body and answers as the bank route; signed with the operator's own secret and "
                           "`X-Operator-Id` equal to `{operator}`; the operator's transaction id is the "
                           "idempotency key.",
            "security": _SIGNED_BY["operator"],
            "parameters": [{"name": "operator", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": _NOTIFICATION_BODY,
            "responses": _payment_responses((*_SIGNATURE_REASONS, "operator_mismatch"))}},
        "/api/bank/v1/openapi.json": {"get": {
            "summary": "This document", "operationId": "openapi", "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1 document",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    },
}
