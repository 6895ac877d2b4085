"""The one page design for the keys machine clients use: the API's (``/admin/api``) and the built-in
LRS's (``/admin/lrs``). Each feature keeps its own keys and scopes; both pages make a key with a name
and scopes (its secret shown once, the page never cached) and list and revoke keys the same way, in
``templates/keys/page.html``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import Response, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


@dataclass(frozen=True)
class KeyRow:
    """One key as the list shows it: ``shown`` is what identifies it (never its secret)."""

    name: str
    shown: str
    scopes: Sequence[str]
    created_at: datetime
    created_by: str | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoke_url: str


@dataclass(frozen=True)
class NewKey:
    """A key just made, shown once: its name and what the client needs, as (label, text, element id)."""

    name: str
    facts: Sequence[tuple[str, str, str]]


def key_form(
    offered: Iterable[str], *, default: Sequence[str] = (), description: str = ""
) -> type[FlaskForm]:
    """The form that makes a key: a name and at least one of the ``offered`` scopes (``default``
    ticked)."""

    class NewKeyForm(FlaskForm):
        name = StringField(
            _l("Navn"),
            filters=[lambda value: value.strip() if isinstance(value, str) else value],
            validators=[DataRequired(), Length(max=100)],
            description=description,
        )
        scopes = SelectMultipleField(
            _l("Tilganger"),
            choices=[SelectChoice(scope, scope) for scope in offered],
            default=list(default),
            validators=[DataRequired(_l("Velg minst én tilgang."))],
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
        submit = SubmitField(_l("Lag nøkkel"))

    return NewKeyForm


def render_key_page(
    *,
    title: str,
    intro: Sequence[str],
    form: FlaskForm,
    action: str,
    scope_texts: Mapping[str, str],
    rows: Sequence[KeyRow],
    created: NewKey | None = None,
    status: int = 200,
) -> Response:
    """The page, never cached (it may hold a secret shown once)."""
    page = render_template(
        "keys/page.html",
        title=title,
        intro=intro,
        form=form,
        action=action,
        scope_texts=scope_texts,
        rows=rows,
        created=created,
    )
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response
