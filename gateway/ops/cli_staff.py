"""Staff account commands: ``staff-add USERNAME --role ROLE [--password-stdin]``, ``staff-role``, ``staff-disable``."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from core.domain.staff import MIN_PASSWORD, DuplicateStaffError, InvalidStaffError, StaffNotFoundError, parse_role
from core.services import staff as staff_service
from gateway.ops import blueprint
from gateway.ops.auth import ROLES, ops_settings
from gateway.runtime import runtime

_PROBLEMS = {"username": "the username must be 2-64 letters, digits, '.', '-' or '_'",
             "password": f"the password must have {MIN_PASSWORD} to 256 characters", "role": "unknown role"}


def _problem(error: InvalidStaffError) -> click.ClickException:
    return click.ClickException(_PROBLEMS.get(str(error.data.get("field")), "invalid value"))


@blueprint.cli.command("staff-add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="viewer, agent or admin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin (scripts).")
@with_appcontext
def staff_add(username: str, role: str, password_stdin: bool) -> None:
    """Create a console account; the password is asked twice (never an argument, so never in shell history)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    rt = runtime()
    try:
        member = staff_service.add_staff(username, password, parse_role(role), uow=rt.uow_factory(), clock=rt.clock,
                                         hasher=ops_settings().hasher)
    except InvalidStaffError as error:
        raise _problem(error) from None
    except DuplicateStaffError:
        raise click.ClickException(f"a staff account named {username.strip().lower()!r} already exists") from None
    click.echo(f"staff account {member.username} created ({member.role.value})")


@blueprint.cli.command("staff-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def staff_role(username: str, role: str) -> None:
    """Give a console account another role (effective on its next request)."""
    rt = runtime()
    try:
        member = staff_service.change_role(username, parse_role(role), uow=rt.uow_factory(), clock=rt.clock)
    except InvalidStaffError as error:
        raise _problem(error) from None
    except StaffNotFoundError:
        raise click.ClickException(f"no staff account named {username!r}") from None
    click.echo(f"staff account {member.username} is now {member.role.value}")


@blueprint.cli.command("staff-disable")
@click.argument("username")
@with_appcontext
def staff_disable(username: str) -> None:
    """Disable a console account and end its open sessions."""
    rt = runtime()
    try:
        member = staff_service.disable_staff(username, uow=rt.uow_factory(), clock=rt.clock)
    except InvalidStaffError as error:
        raise _problem(error) from None
    except StaffNotFoundError:
        raise click.ClickException(f"no staff account named {username!r}") from None
    click.echo(f"staff account {member.username} disabled; its sessions are closed")
