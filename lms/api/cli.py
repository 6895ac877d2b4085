"""``lms api``: make, list and revoke API keys from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.api import keys
from lms.extensions import db


@click.group("api")
def api_group() -> None:
    """The JSON API under /api/v1: the keys its clients use."""


@api_group.command("create-key")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(sorted(keys.SCOPES)),
    help="A scope the key holds (repeat for several).",
)
@with_appcontext
def create_key_command(name: str, scopes: tuple[str, ...]) -> None:
    """Make a key for NAME; prints the key (shown only this once)."""
    try:
        _key, text = keys.create_key(name, scopes)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    db.session.commit()
    click.echo(text)
    click.echo("Send it as 'Authorization: Bearer <key>'. It is shown only this once.", err=True)


@api_group.command("keys")
@with_appcontext
def keys_command() -> None:
    """List the keys: id, prefix, state, scopes, name."""
    for key in keys.list_keys():
        state = "revoked" if key.revoked_at else "active"
        click.echo(f"{key.id}  lv_{key.prefix}  {state}  {','.join(key.scopes)}  {key.name}")


@api_group.command("revoke")
@click.argument("key_id", type=int)
@with_appcontext
def revoke_command(key_id: int) -> None:
    """Revoke the key KEY_ID (see "lms api keys"): clients using it are refused from now on."""
    if keys.revoke(key_id) is None:
        raise click.ClickException(f"no active key {key_id}")
    db.session.commit()
    click.echo(f"revoked {key_id}")
