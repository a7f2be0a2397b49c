"""Staff account commands: staff-add (prompted twice or from stdin), staff-role, staff-disable."""
from __future__ import annotations

from core.adapters.sqlalchemy import tables as t
from tests.e2e.conftest import Gateway
from tests.support.ops import PASSWORD, fast_hashing, sign_in


def test_staff_add_from_stdin_then_the_account_signs_in(gateway: Gateway) -> None:
    fast_hashing(gateway.app)
    runner = gateway.app.test_cli_runner()
    result = runner.invoke(args=["staff-add", "Kossi.A", "--role", "agent", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "staff account kossi.a created (agent)" in result.output
    [row] = gateway.rows(t.staff)
    assert (row.username, row.role, row.disabled) == ("kossi.a", "agent", False)
    assert row.password_hash.startswith("$argon2id$")
    assert sign_in(gateway.app.test_client(), "kossi.a").endswith("/ops/")
    [entry] = gateway.rows(t.staff_actions, t.staff_actions.c.action == "staff_added")
    assert (entry.actor, entry.target) == ("cli", "kossi.a (agent)")


def test_staff_add_prompts_twice_and_refuses_short_passwords_and_taken_names(gateway: Gateway) -> None:
    fast_hashing(gateway.app)
    runner = gateway.app.test_cli_runner()
    mismatch = runner.invoke(args=["staff-add", "ama", "--role", "viewer"],
                             input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n")
    assert mismatch.exit_code == 0 and "do not match" in mismatch.output  # asked again until both agree
    short = runner.invoke(args=["staff-add", "efua", "--role", "viewer", "--password-stdin"], input="short-pass\n")
    assert short.exit_code != 0 and "12 to 256 characters" in short.output
    taken = runner.invoke(args=["staff-add", "AMA", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n")
    assert taken.exit_code != 0 and "already exists" in taken.output
    bad_role = runner.invoke(args=["staff-add", "yao", "--role", "boss", "--password-stdin"], input=PASSWORD + "\n")
    assert bad_role.exit_code != 0
    assert [row.username for row in gateway.rows(t.staff)] == ["ama"]


def test_staff_role_and_staff_disable(gateway: Gateway) -> None:
    fast_hashing(gateway.app)
    runner = gateway.app.test_cli_runner()
    runner.invoke(args=["staff-add", "akossiwa", "--role", "viewer", "--password-stdin"], input=PASSWORD + "\n")
    client = gateway.app.test_client()
    sign_in(client, "akossiwa")
    assert runner.invoke(args=["staff-role", "akossiwa", "admin"]).output.strip() == "staff account akossiwa is now admin"
    assert client.get("/ops/staff").status_code == 200
    disabled = runner.invoke(args=["staff-disable", "akossiwa"])
    assert disabled.exit_code == 0 and "disabled" in disabled.output
    assert client.get("/ops/").status_code == 302  # the open session ended
    missing = runner.invoke(args=["staff-disable", "nobody"])
    assert missing.exit_code != 0 and "no staff account" in missing.output
