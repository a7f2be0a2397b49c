"""OpenAPI 3.1 description of the bank and mobile-money API (served at /api/bank/v1/openapi.json)."""
from __future__ import annotations

from typing import Any

_SIGNATURE = (
    "Every call (except this document) carries `X-Bank-Id` (or `X-Operator-Id` on the mobile-money route), "
    "`X-Timestamp` (Unix seconds, at most 300 s away from CNSS's clock) and `X-Signature`: the lowercase hex "
    "HMAC-SHA256, keyed with the caller's secret, of `timestamp + \"\\n\" + METHOD + \"\\n\" + path + \"\\n\" + "
    "raw body` (empty body for GET). A missing or wrong signature, or a stale timestamp, gets 401."
)


def _error(*codes: str) -> dict[str, Any]:
    return {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string", "enum": list(codes)}, "field": {"type": "string"},
        "detail": {"type": "string"}, "reason": {"type": "string"}}}


def _json(schema: dict[str, Any] | str, description: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"} if isinstance(schema, str) else schema
    return {"description": description, "content": {"application/json": {"schema": ref}}}


_PAYMENT_RESPONSES = {
    "201": _json("Accepted", "Recorded: the contributor account is credited and the receipts are queued."),
    "200": _json("Accepted", "The same transaction_id again: the first answer, nothing credited twice."),
    "400": _json(_error("invalid_json", "invalid_request", "invalid_reference"), "Malformed body; `field` names it."),
    "401": _json(_error("unauthorized"), "Missing or wrong signature, or stale timestamp."),
    "404": _json(_error("reference_not_found"), "No such reference."),
    "409": _json(_error("amount_mismatch", "already_paid", "reference_expired", "reference_cancelled",
                        "transaction_id_reused"), "Refused and recorded for reconciliation."),
    "503": _json(_error("unavailable"), "Not recorded (storage unavailable): retry later."),
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "CNSS Togo payment notification API", "version": "1.0.0",
             "description": "Reference lookup and payment notification for IB Bank Togo (formerly BTCI) and "
                            "mobile-money operators. Amounts are whole XOF francs. " + _SIGNATURE},
    "servers": [{"url": "/"}],
    "components": {
        "securitySchemes": {
            "callerId": {"type": "apiKey", "in": "header", "name": "X-Bank-Id"},
            "timestamp": {"type": "apiKey", "in": "header", "name": "X-Timestamp"},
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
            "PaymentNotification": {"type": "object", "required": [
                "reference", "amount", "currency", "transaction_id", "paid_at"], "properties": {
                "reference": {"type": "string", "description": "12 digits, spaces allowed"},
                "amount": {"type": "integer", "minimum": 1},
                "currency": {"const": "XOF"},
                "transaction_id": {"type": "string", "minLength": 1, "maxLength": 64,
                                   "description": "The caller's id of the transaction: the idempotency key."},
                "paid_at": {"type": "string", "format": "date-time"},
                "account_label": {"type": ["string", "null"], "maxLength": 100}}},
            "Accepted": {"type": "object", "additionalProperties": False,
                         "required": ["status", "payment_id", "receipt_number"], "properties": {
                             "status": {"const": "accepted"}, "payment_id": {"type": "integer"},
                             "receipt_number": {"type": "string"}}},
        },
    },
    "security": [{"callerId": [], "timestamp": [], "signature": []}],
    "paths": {
        "/api/bank/v1/references/{reference}": {"get": {
            "summary": "Look a payment reference up", "operationId": "getReference",
            "parameters": [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": _json("Reference", "The reference (amount, employer name, dates, status)."),
                "400": _json(_error("invalid_reference"), "Wrong format or check digits."),
                "401": _json(_error("unauthorized"), "Missing or wrong signature, or stale timestamp."),
                "404": _json(_error("reference_not_found"), "No such reference."),
                "503": _json(_error("unavailable"), "Storage unavailable: retry later."),
            }}},
        "/api/bank/v1/payments": {"post": {
            "summary": "Notify a payment", "operationId": "notifyBankPayment",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/PaymentNotification"}}}},
            "responses": _PAYMENT_RESPONSES}},
        "/api/mobile-money/v1/{operator}/payments": {"post": {
            "summary": "Notify a mobile-money payment (Mixx by Yas, Flooz)", "operationId": "notifyMobileMoneyPayment",
            "description": "Same body and answers as the bank route; signed with the operator's own secret and "
                           "`X-Operator-Id` equal to `{operator}`; the operator's transaction id is the "
                           "idempotency key.",
            "parameters": [{"name": "operator", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/PaymentNotification"}}}},
            "responses": _PAYMENT_RESPONSES}},
        "/api/bank/v1/openapi.json": {"get": {
            "summary": "This document", "operationId": "openapi", "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1 document",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    },
}
