"""Session state JSON: compact (defaults left out), typed engine bookkeeping, tolerant of older records."""
from __future__ import annotations

import json

from menus.state import SessionState


def test_a_fresh_state_stores_only_what_differs_from_the_defaults() -> None:
    state = SessionState("ATUid_1", "+22890112233", "public.home")
    assert json.loads(state.to_json()) == {"session_id": "ATUid_1", "msisdn": "+22890112233", "screen": "public.home"}
    state.form, state.pin_flow, state.page_values = True, "change", ["1000001"]
    assert SessionState.from_json(state.to_json()) == state


def test_a_language_chosen_this_hop_is_never_stored_in_the_session() -> None:
    state = SessionState("s", "+22890112233", "public.home", new_language="en")
    assert "new_language" not in json.loads(state.to_json())


def test_unknown_fields_are_ignored_and_missing_ones_default() -> None:
    raw = '{"session_id":"s","msisdn":"+22890112233","screen":"employer.home","from_a_later_release":1}'
    assert SessionState.from_json(raw) == SessionState("s", "+22890112233", "employer.home")


def test_the_underscore_keys_of_a_session_stored_by_the_previous_release_become_typed_fields() -> None:
    legacy = {"session_id": "s", "msisdn": "+22890112233", "screen": "auth.pin", "authenticated": False,
              "data": {"home": "employer.home", "_form": True, "_pin_flow": "change", "_pin_candidate": "sealed",
                       "_resume_target": {"screen": "decl.head_count", "history": ["employer.home"]},
                       "_page": ["a", "b"], "_more": True, "_resume": "{}", "_notice": None, "_error": None}}
    state = SessionState.from_json(json.dumps(legacy))
    assert state.data == {"home": "employer.home"}
    assert (state.form, state.pin_flow, state.pin_candidate, state.resume_screen, state.resume_history,
            state.page_values, state.more) == (True, "change", "sealed", "decl.head_count", ["employer.home"],
                                               ["a", "b"], True)
