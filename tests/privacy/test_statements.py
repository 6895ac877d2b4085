"""The public privacy and accessibility statements, in the reader's language, linked from the footer."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("path", "bokmal", "english"),
    [
        ("/personvern", "Lederen ser aldri svarene dine", "Your manager never sees your answers"),
        ("/tilgjengelighet", "WCAG 2.1 på nivå AA", "WCAG 2.1 level AA"),
    ],
)
def test_each_statement_is_public_and_in_the_readers_language(client, path, bokmal, english):
    page = client.get(path).get_data(as_text=True)
    assert bokmal in page and english not in page
    client.set_cookie("lang", "en")
    page = client.get(path).get_data(as_text=True)
    assert english in page and bokmal not in page


def test_the_statements_name_what_a_reader_needs(client):
    privacy = client.get("/personvern").get_data(as_text=True)
    for words in ("Mine data", "Datatilsynet", "Hvor lenge", "refleksjonene dine"):
        assert words in privacy
    accessibility = client.get("/tilgjengelighet").get_data(as_text=True)
    for words in ("axe-core", "390 piksler", "Kjente begrensninger", "uutilsynet.no", "Digdir"):
        assert words in accessibility


def test_the_footer_links_to_both(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/personvern"' in page and 'href="/tilgjengelighet"' in page
