"""The public privacy and accessibility statements, in the reader's language, linked from the footer."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("path", "bokmal", "nynorsk", "english"),
    [
        (
            "/personvern",
            "Lederen ser aldri svarene dine",
            "Leiaren ser aldri svara dine",
            "Your manager never sees your answers",
        ),
        (
            "/tilgjengelighet",
            "Hvordan vi har testet",
            "Korleis vi har testa",
            "How we test",
        ),
    ],
)
def test_each_statement_is_public_and_in_the_readers_language(client, path, bokmal, nynorsk, english):
    page = client.get(path).get_data(as_text=True)
    assert bokmal in page and nynorsk not in page and english not in page
    client.set_cookie("lang", "nn")
    page = client.get(path).get_data(as_text=True)
    assert '<article class="statement" lang="nn">' in page
    assert nynorsk in page and bokmal not in page and english not in page
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
