"""SVG images in a package: a safe picture is accepted and served as image/svg+xml under a strict
Content-Security-Policy; anything that runs, loads or expands is refused with its file and line.
The image card's long description is Markdown, shown cleaned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.content import library, services
from lms.content.problems import InvalidPackage
from lms.extensions import db
from tests.content.packages import SAFE_SVG, SVG, SVG_MANIFEST, svg_package


def _problems(folder: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(InvalidPackage) as raised:
        library.parse(folder)
    return [(p.file, p.line, p.message) for p in raised.value.problems]


def _svg(*body: str, head: str = "", attributes: str = "") -> str:
    """An SVG file: ``head`` before the root element, each of ``body`` on its own line from 3."""
    return (
        head
        + f'<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink"{attributes}>\n\n'
        + ("\n".join(body) + "\n</svg>\n")
    )


def test_a_safe_svg_is_accepted(tmp_path):
    module = library.parse(svg_package(tmp_path / "pakke"))
    assert module.cards[0].data["src"].endswith("/media/hender.svg")


# (svg, line, part of the message)
ATTACKS = {
    "script element": (_svg("<script>alert(1)</script>"), 3, "<script> er ikke tillatt"),
    "onload attribute": (_svg(attributes=' onload="alert(1)"'), 1, "«onload» (skript)"),
    "onclick on a shape": (_svg('<rect onclick="alert(1)"/>'), 3, "«onclick» (skript)"),
    "external href": (_svg('<image href="https://evil.example/x.png"/>'), 3, "utenfor filen"),
    "xlink:href to http": (
        _svg('<image xlink:href="http://evil.example/x.png"/>'),
        3,
        "utenfor filen",
    ),
    "javascript link": (_svg('<a href="javascript:alert(1)"><rect/></a>'), 3, "«javascript:»"),
    "data URI": (_svg('<image href="data:image/png;base64,AAAA"/>'), 3, "utenfor filen"),
    "foreignObject": (
        _svg("<foreignObject><p>HTML</p></foreignObject>"),
        3,
        "<foreignobject> er ikke tillatt",
    ),
    "HTML inside": (_svg('<div xmlns="http://www.w3.org/1999/xhtml"/>'), 3, "utenfor SVG"),
    "external url() in a fill": (
        _svg('<rect fill="url(https://evil.example/p.svg#a)"/>'),
        3,
        "utenfor filen",
    ),
    "@import in a style sheet": (
        _svg("<style>@import 'https://evil.example/s.css';</style>"),
        3,
        "stilarket",
    ),
    "animation that sets a link": (
        _svg('<a><set attributeName="href" to="https://evil.example/"/><rect/></a>'),
        3,
        "animasjon",
    ),
    "stylesheet instruction": (
        _svg(head='<?xml-stylesheet href="https://evil.example/s.css"?>\n'),
        1,
        "<?xml-stylesheet?>",
    ),
    "entity expansion": (
        _svg(
            "<text>&b;</text>",
            head='<!DOCTYPE svg [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n',
        ),
        1,
        "DTD, entiteter",
    ),
    "external DTD": (
        _svg(head='<!DOCTYPE svg SYSTEM "http://evil.example/svg.dtd">\n'),
        1,
        "DTD, entiteter",
    ),
    "not XML": ("<svg><rect></svg>", 1, "ikke gyldig XML"),
    "not an SVG": ('<html xmlns="http://www.w3.org/1999/xhtml"/>', 1, "rotelementet"),
}


@pytest.mark.parametrize(("svg", "line", "message"), ATTACKS.values(), ids=ATTACKS)
def test_an_unsafe_svg_is_refused_with_its_line(tmp_path, svg, line, message):
    problems = _problems(svg_package(tmp_path / "pakke", svg))
    assert {(file, found_line) for file, found_line, _message in problems} == {
        ("media/hender.svg", line)
    }
    assert any(message in found for _file, _line, found in problems)


def test_an_unused_svg_in_the_package_is_checked_too(tmp_path):
    folder = svg_package(tmp_path / "pakke")
    (folder / "media" / "ekstra.svg").write_text(_svg("<script/>"), encoding="utf-8")
    [(file, line, _message)] = _problems(folder)
    assert (file, line) == ("media/ekstra.svg", 3)


def test_a_script_in_the_long_description_is_refused(tmp_path):
    manifest = SVG_MANIFEST.replace("Våt hendene.", "Våt hendene. <script>alert(1)</script>")
    [(file, line, message)] = _problems(svg_package(tmp_path / "pakke", manifest=manifest))
    assert (file, line) == ("module.yaml", 13)
    assert "<script> er ikke tillatt" in message


# Shown and served ------------------------------------------------------------------------------


@pytest.fixture
def image_module(app, tmp_path) -> str:
    folder = svg_package(tmp_path / "bilde-svg")
    with app.app_context():
        version, _created = services.install(folder, "test", publish=True)
        db.session.commit()
        return f"/media/bilde-svg/{version.content_hash}/media/hender.svg"


def test_the_image_card_shows_the_long_description_cleaned(image_module, make_client, org):
    client = make_client()
    client.sign_in(org.nurse)
    page = client.submit("/learn/bilde-svg/start", follow_redirects=True).get_data(as_text=True)
    assert f'<img src="{image_module}" alt="To hender under rennende vann"' in page
    assert 'aria-describedby="long-hender"' in page
    details = re.search(r'<details class="long-description">.*?</details>', page, re.S).group(0)
    assert "<summary>Beskrivelse av bildet</summary>" in details
    assert "<strong>Steg 1:</strong> Våt hendene." in details
    assert '<a href="https://www.fhi.no/">veilederen</a>' in details
    assert 'href="javascript:' not in page and "ikke denne" in details


def test_an_svg_is_served_as_an_image_that_cannot_run_anything(image_module, make_client, org):
    client = make_client()
    client.sign_in(org.nurse)
    response = client.get(image_module)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data(as_text=True) == SAFE_SVG


def test_media_needs_a_signed_in_person(image_module, client):
    assert client.get(image_module).status_code in (302, 401)
