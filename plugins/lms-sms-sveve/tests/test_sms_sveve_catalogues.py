"""The plugin's own catalogues: every string its code and templates translate has an English and a
Nynorsk translation, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent / "lms_sms_sveve"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def msgids() -> set:
    found = extract_from_dir(PACKAGE, METHODS, keywords={"_": None, "_l": None, "ngettext": (1, 2)})
    return {message if isinstance(message, str) else tuple(message) for *_, message, _c, _x in found}


@pytest.mark.parametrize("locale", ["en", "nn"])
def test_every_string_has_a_translation_with_its_placeholders(locale):
    with (PACKAGE / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    wanted = msgids()
    assert len(wanted) > 20
    missing = [msgid for msgid in wanted if not (catalogue.get(msgid) and catalogue[msgid].string)]
    assert missing == []
    for message in catalogue:
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            expected = sorted(PLACEHOLDER.findall(ids[0]))
            assert all(sorted(PLACEHOLDER.findall(s)) == expected for s in strings), message.id
