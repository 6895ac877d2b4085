"""Checking that an SVG image in a package is safe to serve: a picture, nothing that runs or loads.

The file is parsed with defusedxml (no DTD, no entities, no external references) and refused, with
the line of each problem, when it holds a script, a ``foreignObject``, HTML, an event attribute
(``onload=...``), a ``javascript:`` value, a processing instruction, or a reference to anything
outside the file itself (``href`` other than ``#id``, ``url(...)`` other than ``url(#id)``,
``@import``). The media view also serves SVG with a strict Content-Security-Policy; this check is
the first line, that header the second.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from flask_babel import gettext as _

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
REFUSED_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)
_JAVASCRIPT = re.compile(r"j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.IGNORECASE)


def _local(name: str) -> tuple[str, str]:
    """``{namespace}local`` as (namespace, local name in lower case)."""
    if name.startswith("{"):
        namespace, _sep, local = name[1:].partition("}")
        return namespace, local.lower()
    return "", name.lower()


class _Checker:
    """The parser's target: checks each element as it is read, noting the line of each problem."""

    def __init__(self) -> None:
        self.parser: DefusedXMLParser | None = None
        self.problems: list[tuple[int, str]] = []
        self.root_seen = False
        self.in_style = 0

    @property
    def line(self) -> int:
        return self.parser.parser.CurrentLineNumber if self.parser else 0

    def refuse(self, message: str) -> None:
        self.problems.append((self.line, message))

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        namespace, local = _local(tag)
        if not self.root_seen:
            self.root_seen = True
            if (namespace, local) != (SVG_NAMESPACE, "svg"):
                self.refuse(_("filen er ikke et SVG-bilde (rotelementet skal være <svg>)"))
        if local in REFUSED_ELEMENTS:
            self.refuse(_("SVG-elementet <%(tag)s> er ikke tillatt", tag=local))
        elif namespace and namespace != SVG_NAMESPACE:
            self.refuse(_("elementer utenfor SVG («%(tag)s») er ikke tillatt", tag=local))
        if local == "style":
            self.in_style += 1
        for name, value in attrib.items():
            self._check_attribute(local, _local(name)[1], value)

    def _check_attribute(self, element: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.refuse(_("attributtet «%(name)s» (skript) er ikke tillatt i SVG", name=name))
        elif _JAVASCRIPT.search(value):
            self.refuse(_("«javascript:» er ikke tillatt i SVG («%(name)s»)", name=name))
        elif name == "href" and not value.strip().startswith("#"):
            self.refuse(_("SVG-en viser til noe utenfor filen («%(what)s»)", what=value))
        elif _EXTERNAL_URL.search(value) or _IMPORT.search(value):
            self.refuse(_("SVG-en viser til noe utenfor filen («%(what)s»)", what=name))
        elif element in ANIMATIONS and name == "attributename" and _local(value)[1].endswith("href"):
            self.refuse(_("SVG-animasjon kan ikke endre lenker («%(value)s»)", value=value))

    def end(self, tag: str) -> None:
        if _local(tag)[1] == "style":
            self.in_style -= 1

    def data(self, text: str) -> None:
        if self.in_style and (_EXTERNAL_URL.search(text) or _IMPORT.search(text)):
            self.refuse(_("stilarket i SVG-en viser til noe utenfor filen"))

    def pi(self, target: str, _text: str) -> None:
        self.refuse(_("behandlingsinstruksjonen <?%(target)s?> er ikke tillatt i SVG", target=target))

    def close(self) -> list[tuple[int, str]]:
        return self.problems


def svg_problems(data: bytes) -> list[tuple[int, str]]:
    """(line, message) for each reason the SVG in ``data`` may not be served; empty when safe."""
    checker = _Checker()
    parser = DefusedXMLParser(
        target=checker, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    checker.parser = parser
    try:
        parser.feed(data)
        return parser.close()
    except DefusedXmlException:
        return [(checker.line, _("DTD, entiteter og eksterne referanser er ikke tillatt i SVG"))]
    except ParseError as error:
        line = error.position[0] if error.position else 0
        return [*checker.problems, (line, _("SVG-filen er ikke gyldig XML: %(error)s", error=error))]
