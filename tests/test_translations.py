"""The English catalogue: complete for the strings in the code, placeholders intact, and in use.

Bokmål is the source language (the msgids); English comes from lms/translations/en. When a test
here fails because strings are missing, run ``make translations``, translate the new entries in
lms/translations/en/LC_MESSAGES/messages.po (no ``fuzzy`` left), and run the tests again.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "lms" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
COMPILED = CATALOGUE.with_suffix(".mo")
EXTRACT_KEYWORDS = ("_l",)
"""Keywords beyond Babel's defaults (_, gettext, ngettext, pgettext, …): as the Makefile's target."""

PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _load(path: Path):
    with path.open("rb") as source:
        return read_po(source, locale="en")


def _key(message) -> tuple[str | None, str]:
    singular = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, singular


def _where(message) -> str:
    return " ".join(f"{file}:{line}" for file, line in message.locations[:3])


def _forms(message) -> list[str]:
    if isinstance(message.string, str):
        return [message.string]
    return list(message.string or ())


def _extract(tmp_path: Path):
    """The strings in the code now, extracted the way the Makefile's ``translations`` target does."""
    template = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel)] if pybabel.exists() else [sys.executable, "-m", "babel.messages.frontend"]
    keywords = [argument for keyword in EXTRACT_KEYWORDS for argument in ("-k", keyword)]
    subprocess.run(
        [*command, "-q", "extract", "-F", "babel.cfg", *keywords, "-o", str(template), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return _load(template)


def test_every_string_in_the_code_has_an_english_translation(tmp_path):
    extracted = _extract(tmp_path)
    catalogue = {_key(message): message for message in _load(CATALOGUE) if message.id}

    missing = []
    for message in extracted:
        if not message.id:
            continue
        translated = catalogue.get(_key(message))
        forms = _forms(translated) if translated is not None else []
        if (
            translated is None
            or translated.fuzzy
            or not forms
            or not all(form.strip() for form in forms)
        ):
            missing.append(f"  {_key(message)[1]!r}  ({_where(message)})")

    assert not missing, (
        f"{len(missing)} string(s) in the code have no English translation (or a fuzzy one). Run "
        "`make translations`, translate them in lms/translations/en/LC_MESSAGES/messages.po, "
        "then `make install` to compile:\n" + "\n".join(missing)
    )


def _names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _formatted(message) -> bool:
    """Whether the text goes through ``%``: always in templates, with variables in Python."""
    sources = [message.id] if isinstance(message.id, str) else list(message.id)
    in_template = any(not file.endswith(".py") for file, _line in message.locations)
    return in_template or any(_names(text) or "%%" in text for text in sources)


def test_the_compiled_catalogue_the_app_reads_is_the_current_one():
    """The tests read English through the compiled .mo, which ``make install`` makes from the .po
    (they write nothing into the source tree): a stale one must say so rather than fail elsewhere."""
    assert COMPILED.exists(), f"{COMPILED} is missing: run make install"
    with COMPILED.open("rb") as compiled:
        in_use = _translated(read_mo(compiled))
    assert in_use == _translated(_load(CATALOGUE)), f"{COMPILED} is older than its .po: run make install"


def _translated(catalogue) -> dict:
    """Each translated message's (context, msgid) and translation, plural forms as tuples."""
    return {
        (m.context, _as_tuple(m.id)): _as_tuple(m.string) for m in catalogue if m.id and any(_forms(m))
    }


def _as_tuple(text: str | list | tuple) -> str | tuple:
    return text if isinstance(text, str) else tuple(text)


def test_translations_keep_the_placeholders():
    problems = []
    for message in _load(CATALOGUE):
        forms = _forms(message)
        if not message.id or not any(forms):
            continue
        if isinstance(message.id, str):
            allowed = _names(message.id)
            checks = [(message.id, forms[0], allowed)]
        else:
            singular, plural = message.id
            allowed = _names(singular) | _names(plural)
            # ngettext passes the number as num; a singular form may say "one" instead.
            checks = [(singular, forms[0], _names(singular) - {"num"})]
            checks += [(plural, form, _names(plural)) for form in forms[1:]]
        for source, form, wanted in checks:
            found = _names(form)
            if not wanted <= found:
                problems.append(f"  {source!r} -> {form!r}: lacks {sorted(wanted - found)}")
            if not found <= allowed:
                problems.append(f"  {source!r} -> {form!r}: unknown {sorted(found - allowed)}")
            if _formatted(message):
                try:
                    form % dict.fromkeys(allowed, 1)
                except (TypeError, ValueError, KeyError) as error:
                    problems.append(
                        f"  {source!r} -> {form!r}: breaks formatting ({error}); write %% for %"
                    )

    assert not problems, "Translations that break their placeholders:\n" + "\n".join(problems)


def test_a_page_speaks_the_language_the_browser_asks_for(client):
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    page = english.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<h1>Sign in</h1>" in page
    assert "Password" in page
    assert "Logg inn" not in page

    bokmal = client.get("/login", headers={"Accept-Language": "nb-NO,nb;q=0.9"})
    page = bokmal.get_data(as_text=True)
    assert '<html lang="nb">' in page
    assert "<h1>Logg inn</h1>" in page
    assert "Passord" in page
    assert "Sign in" not in page


def test_lazy_strings_follow_the_language_too(client):
    """Error titles are lazy strings made at import time; they are translated per request."""
    english = client.get("/finnes-ikke", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page not found" in english
    bokmal = client.get("/finnes-ikke", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert "Fant ikke siden" in bokmal
