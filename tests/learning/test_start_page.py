"""The module's start page, whose description (title, summary, facts, "Om innholdet") is rendered
once per language and content and then reused: each reader still gets it in their own language."""

from __future__ import annotations


def test_the_start_page_describes_the_module_in_each_readers_language(client, org, fixture_module):
    client.sign_in(org.nurse)
    page = f"/learn/{fixture_module}"

    bokmal = client.get(page).get_data(as_text=True)
    assert "Alle korttyper" in bokmal and "5 minutter" in bokmal and "Om innholdet" in bokmal

    client.submit("/language", {"language": "en", "next": page})
    english = client.get(page).get_data(as_text=True)
    assert "Every card type" in english and "5 minutes" in english
    assert "About the content" in english and "Alle korttyper" not in english

    client.submit("/language", {"language": "nn", "next": page})
    nynorsk = client.get(page).get_data(as_text=True)
    assert "Alle korttyper" in nynorsk and "Every card type" not in nynorsk
    assert "Denne modulen finst ikkje på nynorsk enno" in nynorsk


def test_the_start_page_offers_to_go_on_from_the_first_card_of_an_attempt_just_begun(
    client, org, fixture_module
):
    client.sign_in(org.nurse)
    page = f"/learn/{fixture_module}"
    assert "Fortsett der du slapp" not in client.get(page).get_data(as_text=True)

    client.submit(f"{page}/start")

    again = client.get(page).get_data(as_text=True)
    assert "Fortsett der du slapp" in again and "Du er på kort 1 av" in again
