"""``lms sms-sveve``: send a test SMS, and ask for the account's balance."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms_sms_sveve import service
from lms_sms_sveve.gateway import InvalidNumber, SveveError


@click.group("sms-sveve")
def sms_sveve_group() -> None:
    """SMS through Sveve (the lms-sms-sveve plugin)."""


@sms_sveve_group.command("send-test")
@click.argument("phone")
@with_appcontext
def send_test_command(phone: str) -> None:
    """Send a test SMS to PHONE: E.164 (+4791234567), or Norwegian without a country code."""
    try:
        ids = service.send_test(phone)
    except InvalidNumber as error:
        raise click.BadParameter(str(error), param_hint="PHONE") from None
    except (SveveError, OSError) as error:
        raise click.ClickException(f"Sveve did not send it: {error}") from None
    click.echo(f"sent; Sveve's message ids: {', '.join(map(str, ids)) or 'none'}")


@sms_sveve_group.command("balance")
@with_appcontext
def balance_command() -> None:
    """Ask Sveve how many SMS the account has left (as the hourly job does)."""
    remaining = service.check_balance()
    if remaining is None:
        raise click.ClickException("Sveve did not tell the balance; see the status page")
    click.echo(f"{remaining} SMS left")
