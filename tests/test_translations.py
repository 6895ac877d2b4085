"""The English and Nynorsk catalogues: complete for the strings in the code, placeholders intact,
and in use.

Bokmål is the source language (the msgids); English comes from lms/translations/en and Nynorsk
from lms/translations/nn. When a test here fails because strings are missing, run
``make translations``, translate the new entries in lms/translations/<language>/LC_MESSAGES/
messages.po (no ``fuzzy`` left), and run the tests again.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = ("en", "nn")
"""The interface languages besides Bokmål, each with a catalogue."""
EXTRACT_KEYWORDS = ("_l",)
"""Keywords beyond Babel's defaults (_, gettext, ngettext, pgettext, …): as the Makefile's target."""

PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _catalogue(language: str) -> Path:
    return ROOT / "lms" / "translations" / language / "LC_MESSAGES" / "messages.po"


def _load(path: Path, language: str = "en"):
    with path.open("rb") as source:
        return read_po(source, locale=language)


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


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    return _extract(tmp_path_factory.mktemp("extracted"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_in_the_code_has_a_translation(extracted, language):
    path = _catalogue(language)
    catalogue = {_key(message): message for message in _load(path, language) if message.id}

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
        f"{len(missing)} string(s) in the code have no {language} translation (or a fuzzy one). "
        f"Run `make translations`, translate them in {path.relative_to(ROOT)}, "
        "then `make install` to compile:\n" + "\n".join(missing)
    )


def _names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _formatted(message) -> bool:
    """Whether the text goes through ``%``: always in templates, with variables in Python."""
    sources = [message.id] if isinstance(message.id, str) else list(message.id)
    in_template = any(not file.endswith(".py") for file, _line in message.locations)
    return in_template or any(_names(text) or "%%" in text for text in sources)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_the_app_reads_is_the_current_one(language):
    """The tests read the translations through the compiled .mo, which ``make install`` makes from
    the .po (they write nothing into the source tree): a stale one must say so rather than fail
    elsewhere."""
    catalogue = _catalogue(language)
    compiled_path = catalogue.with_suffix(".mo")
    assert compiled_path.exists(), f"{compiled_path} is missing: run make install"
    with compiled_path.open("rb") as compiled:
        in_use = _translated(read_mo(compiled))
    assert in_use == _translated(_load(catalogue, language)), (
        f"{compiled_path} is older than its .po: run make install"
    )


def _translated(catalogue) -> dict:
    """Each translated message's (context, msgid) and translation, plural forms as tuples."""
    return {
        (m.context, _as_tuple(m.id)): _as_tuple(m.string) for m in catalogue if m.id and any(_forms(m))
    }


def _as_tuple(text: str | list | tuple) -> str | tuple:
    return text if isinstance(text, str) else tuple(text)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language):
    problems = []
    for message in _load(_catalogue(language), language):
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


@pytest.mark.parametrize("header", ["nn", "nn-NO,nn;q=0.9,nb;q=0.8", "no-NN", "nb;q=0.5,nn"])
def test_a_browser_that_asks_for_nynorsk_gets_nynorsk(client, header):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert '<html lang="nn">' in page
    assert "Mange passord å hugse?" in page
    assert "Få ei eingongslenke på e-post i staden for å bruke passord." in page
    assert "huske" not in page


@pytest.mark.parametrize("header", ["no", "no-NO", "nb-NO", "da, no;q=0.8"])
def test_norwegian_that_names_no_written_standard_is_bokmal(client, header):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert '<html lang="nb">' in page
    assert "Mange passord å huske?" in page


def test_lazy_strings_follow_nynorsk_too(client):
    nynorsk = client.get("/finnes-ikke", headers={"Accept-Language": "nn"}).get_data(as_text=True)
    assert "Fann ikkje sida" in nynorsk
    assert "Fant ikke siden" not in nynorsk


BOKMAL_ONLY = re.compile(
    r"\b(ikke|hva|hvem|hvor|hvordan|hvilke|hvilken|jeg|ennå|noe|noen|fra|uten|bare|være|"
    r"enhet|enheten|enheter|ansatte|lagret|endret|påminnelser|innstillinger|tjenesten)\b",
    re.IGNORECASE,
)
"""Common words that are Bokmål and never Nynorsk: a page that holds one speaks Bokmål somewhere."""


class _ReadableText(HTMLParser):
    """The text a reader meets on a page: its text, and the labels of its controls and images."""

    SKIPPED = {"script", "style"}
    SPOKEN = ("aria-label", "alt", "title", "placeholder")
    BUTTONS = ("submit", "button", "reset")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        shown = dict(attrs)
        self.parts += [shown[name] for name in self.SPOKEN if shown.get(name)]
        if tag == "input" and shown.get("type") in self.BUTTONS and shown.get("value"):
            self.parts.append(shown["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def _bokmal_in(page: str) -> list[str]:
    reader = _ReadableText()
    reader.feed(page)
    text = " ".join(" ".join(reader.parts).split())
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in BOKMAL_ONLY.finditer(text)]


SHIPPED_NYNORSK_MODULE = ROOT / "modules" / "tor-a-trykke"


@pytest.fixture
def nynorsk_readers(app, org, make_client):
    """The admin and a nurse, who have both chosen Nynorsk, signed in; the shipped module that is
    written in Nynorsk too is installed, with an attempt under way for the nurse."""
    from lms.content.services import install
    from lms.extensions import db
    from lms.organisation.models import Person

    with app.app_context():
        install(SHIPPED_NYNORSK_MODULE, "test", publish=True)
        for person in (org.admin, org.nurse):
            db.session.get(Person, person.id).locale = "nn"
        db.session.commit()
    readers = {}
    for name in ("admin", "nurse"):
        reader = make_client()
        reader.sign_in(getattr(org, name))
        readers[name] = reader
    start = readers["nurse"].submit("/learn/tor-a-trykke/start")
    assert start.status_code == 302
    readers["attempt"] = start.headers["Location"].rsplit("/cards/", 1)[0]
    return readers


def _pages(org, attempt: str) -> dict[str, list[str]]:
    """The pages the browser tests visit (and their neighbours), by who visits them."""
    ward = org.ward.id
    return {
        "admin": [
            "/",
            "/account",
            "/account/data",
            "/admin/",
            "/admin/people",
            f"/admin/people/{org.nurse.id}",
            "/admin/units",
            "/admin/modules/",
            "/admin/competence",
            "/admin/api/",
            "/admin/lrs/",
            "/admin/xapi/",
            "/admin/audit/",
            f"/units/{ward}",
            f"/reports/units/{ward}",
            f"/reports/units/{ward}/matrix",
            f"/reports/units/{ward}/requirements",
            "/groups",
            "/join",
            "/workshops/",
            "/shifts/",
            "/reminders/",
            "/reminders/preferences",
            "/competence/me",
            "/personvern",
            "/tilgjengelighet",
        ],
        "nurse": [
            "/",
            "/learn/tor-a-trykke",
            *(f"{attempt}/cards/{index}" for index in range(11)),
            "/competence/me",
        ],
    }


def test_a_nynorsk_reader_meets_no_bokmal_on_the_pages_the_browser_tests_visit(
    nynorsk_readers, org, client
):
    in_bokmal = client.get("/personvern", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert _bokmal_in(in_bokmal), "the Bokmål words no longer find Bokmål"
    bokmal = []
    for who, paths in _pages(org, nynorsk_readers["attempt"]).items():
        for path in paths:
            response = nynorsk_readers[who].get(path)
            assert response.status_code == 200, f"{who} {path}: {response.status_code}"
            page = response.get_data(as_text=True)
            assert '<html lang="nn">' in page, path
            bokmal += [f"  {who} {path}: …{found}…" for found in _bokmal_in(page)]
    assert not bokmal, "Bokmål on a Nynorsk reader's pages:\n" + "\n".join(bokmal)


def test_a_nynorsk_reader_sees_the_menu_and_home_in_nynorsk(nynorsk_readers):
    home = nynorsk_readers["nurse"].get("/").get_data(as_text=True)
    assert 'aria-label="Hovudmeny"' in home
    assert "Kontoen min" in home
    assert "Tør å trykke – lær eit nytt system trygt" in home
    assert "Hovedmeny" not in home
    assert "Min konto" not in home
