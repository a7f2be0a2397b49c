"""Employer journey: the declaration per worker, started from last month's workers (change, add, remove, total)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.domain import contributions as roster
from core.domain.contributions import ContributionAssessment, WorkerPay
from core.domain.errors import (
    DeclarationAlreadyFiledError,
    InsuredPersonNotFoundError,
    InvalidDeclarationError,
    InvalidIdentifierError,
)
from core.domain.parties import HolderKind, parse_identifier
from core.domain.periods import ContributionPeriod
from menus import format as fmt
from menus.context import Ctx
from menus.dsl import End, Final, Goto, InvalidInput, Item, Menu, Option, Pick, Prompt, Transition, Values
from menus.screens.declaration import filed

PAGE = 2  # workers per page of the list screen (its options take the rest of the 160 characters)
NAME = 12  # characters of a worker's name on a list line
# Screens of the list and its edits: leaving an edit for the list drops them from the back history.
EDITING = ("decl.workers", "decl.change", "decl.new_pay", "decl.add_number", "decl.add_pay", "decl.remove")

Row = dict[str, Any]  # {"n": insured number, "name": full name, "pay": monthly gross pay}


def _rows(ctx: Ctx) -> list[Row]:
    return list(ctx.data.get("decl_workers", []))


def _as_pay(rows: Sequence[Row]) -> tuple[WorkerPay, ...]:
    return tuple(WorkerPay(row["n"], row["pay"]) for row in rows)


def _as_rows(workers: Sequence[WorkerPay], names: dict[str, str]) -> list[Row]:
    return [{"n": w.insured_number, "name": names.get(w.insured_number or "", ""), "pay": w.gross_pay}
            for w in workers]


def _line(row: Row) -> str:
    pay = f"{row['pay']:,}".replace(",", " ")
    return f"{fmt.clip_name(row['name'] or row['n'], NAME)} {pay}"


def _ceiling(ctx: Ctx) -> int:
    return ctx.backend.rulebook.services.at(ctx.backend.clock.today()).max_worker_pay


def _pay(ctx: Ctx, text: str) -> int:
    ceiling = _ceiling(ctx)
    try:
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise InvalidDeclarationError(reason="pay_out_of_range")
        return roster.check_worker_pay(int(text), ceiling)
    except InvalidDeclarationError as exc:
        raise InvalidInput("decl.pay_range", amount=fmt.money(ceiling)) from exc


def _to_list(ctx: Ctx, rows: list[Row], notice: str) -> Transition:
    history = list(ctx.state.history)
    cut = next((i for i, screen in enumerate(history) if screen in EDITING), len(history))
    return Goto("decl.workers", {"decl_workers": rows, "decl_page": 0}, notice=notice, history=tuple(history[:cut]))


def _list_values(ctx: Ctx) -> Values:
    rows, page = _rows(ctx), int(ctx.data.get("decl_page", 0))
    lines = ["\n" + _line(row) for row in rows[page * PAGE:(page + 1) * PAGE]]
    lines += [""] * (PAGE - len(lines))
    return {"period": ContributionPeriod.parse(ctx.data["decl_period"]).label, "count": len(rows),
            **{f"worker{i}": line for i, line in enumerate(lines, start=1)}}


def _next_page(ctx: Ctx) -> Transition:
    page = int(ctx.data.get("decl_page", 0)) + 1
    return Goto("decl.workers", {"decl_page": page if page * PAGE < len(_rows(ctx)) else 0})


def _items(ctx: Ctx) -> list[Item]:
    return [Item(row["n"], {"worker": _line(row)}) for row in _rows(ctx)]


def _names(rows: Sequence[Row]) -> dict[str, str]:
    return {row["n"]: row["name"] for row in rows}


def _change_pay(ctx: Ctx, pay: int) -> Transition:
    rows = _rows(ctx)
    workers = roster.change_pay(_as_pay(rows), ctx.data["decl_target"], pay)
    return _to_list(ctx, _as_rows(workers, _names(rows)), "decl.pay_changed")


def _target_name(ctx: Ctx) -> Values:
    row = next(row for row in _rows(ctx) if row["n"] == ctx.data["decl_target"])
    return {"name": row["name"] or row["n"]}


def _insured_number(_ctx: Ctx, text: str) -> str:
    try:
        return parse_identifier(text, HolderKind.INSURED)
    except InvalidIdentifierError as exc:
        raise InvalidInput("decl.insured_format") from exc


def _new_worker(ctx: Ctx, number: str) -> Transition:
    if any(row["n"] == number for row in _rows(ctx)):
        raise InvalidInput("decl.already_listed")
    try:
        person = ctx.call(ctx.backend.find_worker, number)
    except InsuredPersonNotFoundError as exc:
        raise InvalidInput("decl.unknown_insured") from exc
    return Goto("decl.add_pay", {"decl_new": {"n": number, "name": person.full_name}})


def _add(ctx: Ctx, pay: int) -> Transition:
    rows, new = _rows(ctx), ctx.data["decl_new"]
    try:
        workers = roster.add_worker(_as_pay(rows), WorkerPay(new["n"], pay))
    except InvalidDeclarationError as exc:
        raise InvalidInput("decl.already_listed") from exc
    return _to_list(ctx, _as_rows(workers, {**_names(rows), new["n"]: new["name"]}), "decl.worker_added")


def _remove(ctx: Ctx, number: str) -> Transition:
    rows = _rows(ctx)
    try:
        workers = roster.remove_worker(_as_pay(rows), number)
    except InvalidDeclarationError as exc:
        raise InvalidInput("decl.last_worker") from exc
    return _to_list(ctx, _as_rows(workers, _names(rows)), "decl.worker_removed")


def _total(ctx: Ctx) -> Transition:
    period = ContributionPeriod.parse(ctx.data["decl_period"])
    try:
        assessment: ContributionAssessment = ctx.call(
            ctx.backend.preview_worker_declaration, ctx.holder_number, period, _as_pay(_rows(ctx)))
    except InvalidDeclarationError:
        return End("decl.not_filed")
    return Goto("decl.total", {"decl_total": {
        "period": period.label, "head_count": assessment.head_count, "pay": fmt.money(assessment.gross_payroll),
        "amount": fmt.money(assessment.amount_due), "cnss": fmt.money(assessment.cnss_amount),
        "amu": fmt.money(assessment.amu_amount)}})


def _file(ctx: Ctx) -> Transition:
    period = ContributionPeriod.parse(ctx.data["decl_period"])
    try:
        assessment = ctx.call(ctx.backend.file_worker_declaration, ctx.holder_number, period, _as_pay(_rows(ctx)))
    except DeclarationAlreadyFiledError:
        return End("decl.duplicate", {"period": period.label})
    except InvalidDeclarationError:
        return End("decl.not_filed")
    return filed(ctx, period, assessment, estimate=False)


def _paginated(ctx: Ctx) -> bool:
    return len(_rows(ctx)) > PAGE


PAY_ERRORS = ("decl.pay_range",)
SCREENS = (
    Menu("decl.workers", "decl.workers", (
        Option("1", "common.confirm", _total, leads_to=("decl.total", "decl.not_filed")),
        Option("2", "decl.change_option", Goto("decl.change")),
        Option("3", "decl.add_option", Goto("decl.add_number")),
        Option("4", "decl.remove_option", Goto("decl.remove")),
        Option("5", "decl.next_option", _next_page, leads_to=("decl.workers",), when=_paginated),
    ), load=_list_values,
        heads=("decl.pay_changed", "decl.worker_added", "decl.worker_removed")),
    Pick("decl.change", "decl.change", _items, "decl.worker_item",
         lambda ctx, number: Goto("decl.new_pay", {"decl_target": number}), leads_to=("decl.new_pay",), page_size=3),
    Prompt("decl.new_pay", "decl.new_pay", _pay, _change_pay, leads_to=("decl.workers",), load=_target_name,
           heads=PAY_ERRORS),
    Prompt("decl.add_number", "decl.add_number", _insured_number, _new_worker, leads_to=("decl.add_pay",),
           heads=("decl.insured_format", "decl.unknown_insured", "decl.already_listed")),
    Prompt("decl.add_pay", "decl.add_pay", _pay, _add, leads_to=("decl.workers",),
           load=lambda ctx: {"name": ctx.data["decl_new"]["name"]}, heads=(*PAY_ERRORS, "decl.already_listed")),
    Pick("decl.remove", "decl.remove", _items, "decl.worker_item", _remove, leads_to=("decl.workers",), page_size=3,
         heads=("decl.last_worker",)),
    Menu("decl.total", "decl.total", (
        Option("1", "common.confirm", _file, leads_to=("decl.filed", "decl.duplicate", "decl.not_filed")),
    ), load=lambda ctx: dict(ctx.data["decl_total"])),
    Final("decl.not_filed", "decl.not_filed"),
)
PROTECTED = EDITING + ("decl.total",)
