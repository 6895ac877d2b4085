"""Reading and validating a module package: a folder with ``module.yaml``, Markdown and media.

``load_package`` reads every file, reports every problem with its file and line, and returns a
``Module`` only when there is none. It is pure apart from reading the folder (and the current
locale, the language its problems are worded in).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup

from lms.content.cards.base import Card, CardType
from lms.content.governance import GOVERNANCE_KEYS, Governance, read_governance
from lms.content.localised import LANGUAGES, PRIMARY, Localised
from lms.content.problems import InvalidPackage, Problems
from lms.content.svg import svg_problems
from lms.content.yaml_lines import LineList, LineMap, YamlError, load_yaml
from lms.text import ALLOWED_TAGS, render_markdown

MANIFEST = "module.yaml"
MODULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
CARD_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")

MEDIA_TYPES = {
    "image": {".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg"},
    "video": {".mp4", ".webm"},
    "captions": {".vtt"},
}
ALLOWED_SUFFIXES = {".yaml", ".yml", ".md"}.union(*MEDIA_TYPES.values())
MAX_FILE_BYTES = 50 * 1024 * 1024

_parser = MarkdownIt("commonmark").enable("table")
_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_EVENT_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    competence: str
    level: int


@dataclass(frozen=True)
class Cover:
    """The module's cover illustration, shown where modules are listed: an image of the package
    (its URL) and its alt text."""

    src: str
    alt: Localised


@dataclass(frozen=True)
class Module:
    """A parsed, valid module version; immutable, shared by every request that shows it."""

    id: str
    version: str
    content_hash: str
    title: Localised
    summary: Localised
    minutes: int
    audience: tuple[str, ...]
    group: bool
    pass_mark: int
    evidence: tuple[Evidence, ...]
    cards: tuple[Card, ...]
    governance: Governance | None
    """None only for a version installed before packages had to carry it."""
    cover: Cover | None = None

    @property
    def scored_cards(self) -> tuple[Card, ...]:
        return tuple(card for card in self.cards if card.data.get("scored"))

    def card(self, card_id: str) -> Card | None:
        return next((card for card in self.cards if card.id == card_id), None)

    @cached_property
    def languages(self) -> frozenset[str]:
        """The languages every text of the module is written in (Bokmål always is). A reader of
        another language reads the texts that lack it in Bokmål (``localised.pick``)."""
        maps = [self.title, self.summary, *_language_maps([card.data for card in self.cards])]
        written = ({language for language, text in m.items() if text} for m in maps if m)
        return frozenset(LANGUAGES).intersection(*written)

    def manifest(self) -> dict[str, Any]:
        """What lists and dashboards need without loading the cards."""
        return {
            "title": dict(self.title),
            "summary": dict(self.summary),
            "minutes": self.minutes,
            "audience": list(self.audience),
            "group": self.group,
            "pass_mark": self.pass_mark,
            "evidence": [{"competence": e.competence, "level": e.level} for e in self.evidence],
            "cards": len(self.cards),
            "cover": {"src": self.cover.src, "alt": dict(self.cover.alt)} if self.cover else None,
        }


def _language_maps(value: Any) -> Iterator[Mapping]:
    """Every language map (a mapping with a Bokmål text) in a card's data, however deep."""
    if isinstance(value, Mapping):
        if PRIMARY in value:
            yield value
        else:
            for item in value.values():
                yield from _language_maps(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _language_maps(item)


def content_hash(root: Path) -> str:
    """SHA-256 over every file's path and bytes: the identity of one version's content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


class PackageReader:
    """What card types use to read their spec: localised text, Markdown, media, problem reports."""

    def __init__(self, root: Path, problems: Problems, media_url: Callable[[str], str]):
        self.root = root
        self.problems = problems
        self.media_url = media_url
        self.file = MANIFEST

    def problem(self, line: int, message: str, file: str | None = None) -> None:
        """Report a problem at ``line`` of ``file`` (the manifest by default). Make ``message`` with
        gettext from a Bokmål msgid, so the admin reads it in their language."""
        self.problems.add(file or self.file, line, message)

    def text(self, spec: LineMap, key: str, *, required: bool = True) -> dict[str, str] | None:
        """A string (Bokmål) or a mapping of language to string."""
        value = spec.get(key)
        line = spec.line_of(key)
        if value is None or value == "":
            if required:
                self.problem(line, _("«%(key)s» mangler", key=key))
            return None
        if isinstance(value, str):
            return {PRIMARY: value.strip()}
        if not isinstance(value, dict):
            self.problem(
                line, _("«%(key)s» skal være en tekst eller et kart fra språk til tekst", key=key)
            )
            return None
        return self._language_map(value, key, line)

    def _language_map(self, value: dict, key: str, line: int) -> dict[str, str] | None:
        unknown = [language for language in value if language not in LANGUAGES]
        if unknown:
            languages = ", ".join(map(str, unknown))
            self.problem(
                line, _("«%(key)s» har ukjent språk %(languages)s", key=key, languages=languages)
            )
        if not isinstance(value.get(PRIMARY), str) or not value[PRIMARY].strip():
            self.problem(line, _("«%(key)s» mangler tekst på bokmål (nb)", key=key))
            return None
        return {lang: str(text).strip() for lang, text in value.items() if lang in LANGUAGES}

    def markdown(self, spec: LineMap, key: str, *, required: bool = True) -> dict[str, Markup] | None:
        """Markdown inline, or from ``*.md`` files in the package, per language, checked and rendered."""
        sources = self.text(spec, key, required=required)
        if sources is None:
            return None
        value = spec.get(key)
        rendered = {}
        for language, source in sources.items():
            line = value.line_of(language) if isinstance(value, LineMap) else spec.line_of(key)
            if source.endswith(".md") and "\n" not in source:
                file_text = self._read_text(source, line)
                rendered[language] = self._render(file_text, source, 1) if file_text else Markup()
            else:
                # A multi-line value is a block scalar (``|`` or ``>``): its text starts a line below.
                first_line = line + 1 if "\n" in source else line
                rendered[language] = self._render(source, self.file, first_line)
        return rendered

    def media(self, spec: LineMap, key: str, kind: str, *, required: bool = True) -> str | None:
        """A media file of ``kind`` in the package; returns its URL."""
        value = spec.get(key)
        line = spec.line_of(key)
        if not value:
            if required:
                self.problem(line, _("«%(key)s» mangler", key=key))
            return None
        path = self._inside(str(value), line)
        if path is None:
            return None
        if path.suffix.lower() not in MEDIA_TYPES[kind]:
            allowed = ", ".join(sorted(MEDIA_TYPES[kind]))
            self.problem(
                line,
                _(
                    "«%(file)s» har feil filtype for %(kind)s; tillatt: %(allowed)s",
                    file=value,
                    kind=kind,
                    allowed=allowed,
                ),
            )
            return None
        return self.media_url(path.relative_to(self.root).as_posix())

    def _inside(self, relative: str, line: int) -> Path | None:
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts:
            self.problem(line, _("«%(file)s» peker ut av pakken", file=relative))
            return None
        path = self.root / pure
        if not path.is_file():
            self.problem(line, _("filen «%(file)s» finnes ikke i pakken", file=relative))
            return None
        return path

    def _read_text(self, relative: str, line: int) -> str | None:
        path = self._inside(relative, line)
        if path is None:
            return None
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problem(line, _("«%(file)s» er ikke UTF-8-tekst", file=relative))
            return None

    def _render(self, text: str, file: str, first_line: int) -> Markup:
        self._check_html(text, file, first_line)
        self._check_images(text, file, first_line)
        return render_markdown(self._rewrite_image_sources(text))

    def _check_html(self, text: str, file: str, first_line: int) -> None:
        for number, line in enumerate(text.splitlines(), start=first_line):
            for match in _TAG.finditer(line):
                tag = match.group(1).lower()
                if tag not in ALLOWED_TAGS:
                    message = _("HTML-taggen <%(tag)s> er ikke tillatt i Markdown", tag=tag)
                    self.problem(number, message, file)
                elif _EVENT_ATTRIBUTE.search(match.group(2)):
                    message = _("<%(tag)s> har et on…-attributt (skript), ikke tillatt", tag=tag)
                    self.problem(number, message, file)

    def _check_images(self, text: str, file: str, first_line: int) -> None:
        for token in _parser.parse(text):
            for child in token.children or ():
                if child.type != "image":
                    continue
                line = first_line + (token.map[0] if token.map else 0)
                if not child.content.strip():
                    message = _("bildet «%(src)s» mangler alt-tekst", src=child.attrGet("src"))
                    self.problem(line, message, file)
                src = str(child.attrGet("src") or "")
                if "://" not in src:
                    path = self._inside(src, line) if src else None
                    if path is not None and path.suffix.lower() not in MEDIA_TYPES["image"]:
                        self.problem(line, _("«%(src)s» er ikke et bilde", src=src), file)

    def _rewrite_image_sources(self, text: str) -> str:
        def local_to_url(match: re.Match) -> str:
            alt, src = match.group(1), match.group(2)
            return match.group(0) if "://" in src else f"![{alt}]({self.media_url(src)})"

        return re.sub(r"!\[([^\]]*)\]\(([^)\s]+)\)", local_to_url, text)


def load_package(
    root: Path,
    card_types: Mapping[str, CardType],
    media_url: Callable[[str, str, str], str],
    *,
    installed: bool = False,
) -> Module:
    """Read and validate the package in ``root``; raise InvalidPackage listing every problem.

    ``media_url(module_id, content_hash, path)`` makes the URL a media file is served at.
    ``installed`` reopens a version installed before packages had to carry the governance fields:
    one with none of them has ``governance`` None (attempts on it must go on).
    """
    problems = Problems()
    _check_files(root, problems)
    manifest = _read_manifest(root, problems)
    if manifest is None:
        raise InvalidPackage(problems)
    digest = content_hash(root)
    module_id = str(manifest.get("id", ""))
    reader = PackageReader(root, problems, lambda path: media_url(module_id, digest, path))
    module = _read_module(manifest, reader, card_types, digest, installed)
    if problems:
        raise InvalidPackage(problems)
    return module


def _check_files(root: Path, problems: Problems) -> None:
    if not root.is_dir():
        problems.add(str(root), 0, _("mappen finnes ikke"))
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            problems.add(relative, 0, _("symbolske lenker er ikke tillatt i en pakke"))
        elif path.is_file() and path.suffix.lower() not in ALLOWED_SUFFIXES:
            problems.add(relative, 0, file_type_refused(path.suffix))
        elif path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
            problems.add(relative, 0, _("filen er større enn 50 MB"))
        elif path.is_file() and path.suffix.lower() == ".svg":
            for line, message in svg_problems(path.read_bytes()):
                problems.add(relative, line, message)


def file_type_refused(suffix: str) -> str:
    """The problem of a file whose type a package may not hold (also said of a zip's members)."""
    return _("filtypen «%(suffix)s» er ikke tillatt", suffix=suffix or _("(ingen)"))


def _read_manifest(root: Path, problems: Problems) -> LineMap | None:
    path = root / MANIFEST
    if not path.is_file():
        problems.add(MANIFEST, 0, _("pakken mangler module.yaml"))
        return None
    try:
        manifest = load_yaml(path.read_text(encoding="utf-8"))
    except YamlError as error:
        problems.add(MANIFEST, error.line, _("ugyldig YAML: %(error)s", error=error.message))
        return None
    except UnicodeDecodeError:
        problems.add(MANIFEST, 1, _("module.yaml er ikke UTF-8-tekst"))
        return None
    if not isinstance(manifest, LineMap):
        problems.add(MANIFEST, 1, _("module.yaml skal være et kart med id, version, title og cards"))
        return None
    return manifest


def _read_module(
    manifest: LineMap,
    reader: PackageReader,
    card_types: Mapping[str, CardType],
    digest: str,
    installed: bool,
) -> Module | None:
    module_id = _matching(manifest, "id", MODULE_ID, _("små bokstaver, tall og bindestrek"), reader)
    version = _matching(manifest, "version", VERSION, _("for eksempel 1.0.0"), reader)
    title = reader.text(manifest, "title")
    summary = reader.text(manifest, "summary")
    minutes = _integer(manifest, "minutes", 1, 30, reader)
    pass_mark = _integer(manifest, "pass_mark", 0, 100, reader, default=80)
    group = _boolean(manifest, "group", reader)
    audience = _strings(manifest, "audience", reader)
    evidence = _evidence(manifest, reader)
    governance = None
    if not installed or any(key in manifest for key in GOVERNANCE_KEYS):
        governance = read_governance(manifest, reader)
    cards = _cards(manifest, reader, card_types)
    cover = _cover(manifest, reader)
    if reader.problems:
        return None
    return Module(
        id=module_id,
        version=version,
        content_hash=digest,
        title=title,
        summary=summary,
        minutes=minutes,
        audience=tuple(audience),
        group=group,
        pass_mark=pass_mark,
        evidence=tuple(evidence),
        cards=tuple(cards),
        governance=governance,
        cover=cover,
    )


def _matching(spec: LineMap, key: str, pattern: re.Pattern, hint: str, reader: PackageReader) -> str:
    value = spec.get(key)
    if value is None:
        reader.problem(spec.line_of(key), _("«%(key)s» mangler", key=key))
        return ""
    if not pattern.match(str(value)):
        message = _("«%(key)s: %(value)s» er ugyldig (%(hint)s)", key=key, value=value, hint=hint)
        reader.problem(spec.line_of(key), message)
    return str(value)


def _integer(
    spec: LineMap, key: str, low: int, high: int, reader: PackageReader, default: int | None = None
) -> int:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        message = _(
            "«%(key)s» skal være et heltall fra %(low)s til %(high)s", key=key, low=low, high=high
        )
        reader.problem(spec.line_of(key), message)
        return low
    return value


def _boolean(spec: LineMap, key: str, reader: PackageReader) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        reader.problem(spec.line_of(key), _("«%(key)s» skal være true eller false", key=key))
        return False
    return value


def _strings(spec: LineMap, key: str, reader: PackageReader) -> list[str]:
    value = spec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        reader.problem(spec.line_of(key), _("«%(key)s» skal være en liste med tekster", key=key))
        return []
    return value


def _cover(spec: LineMap, reader: PackageReader) -> Cover | None:
    """``cover: {src: media/cover.svg, alt: ...}``, optional; the alt text is required with it."""
    entry = spec.get("cover")
    if entry is None:
        return None
    if not isinstance(entry, LineMap):
        reader.problem(spec.line_of("cover"), _("«cover» skal være et kart med src og alt"))
        return None
    src = reader.media(entry, "src", "image")
    alt = reader.text(entry, "alt")
    return Cover(src, alt) if src and alt else None


def _evidence(spec: LineMap, reader: PackageReader) -> list[Evidence]:
    entries = spec.get("evidence")
    if entries is None:
        return []
    if not isinstance(entries, LineList):
        reader.problem(spec.line_of("evidence"), _("«evidence» skal være en liste"))
        return []
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, LineMap) or not entry.get("competence"):
            reader.problem(entries.line_of(index), _("hvert bevis trenger «competence» og «level»"))
            continue
        level = _integer(entry, "level", 1, 10, reader)
        found.append(Evidence(str(entry["competence"]), level))
    return found


def _cards(spec: LineMap, reader: PackageReader, card_types: Mapping[str, CardType]) -> list[Card]:
    entries = spec.get("cards")
    if not isinstance(entries, LineList) or not entries:
        reader.problem(spec.line_of("cards"), _("«cards» skal være en liste med minst ett kort"))
        return []
    cards: list[Card] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        card = _card(entry, entries.line_of(index), index, reader, card_types, seen)
        if card is not None:
            cards.append(card)
    return cards


def _card(
    entry: Any,
    line: int,
    index: int,
    reader: PackageReader,
    card_types: Mapping[str, CardType],
    seen: set[str],
) -> Card | None:
    if not isinstance(entry, LineMap):
        reader.problem(line, _("et kort skal være et kart med id og type"))
        return None
    card_id = str(entry.get("id", ""))
    if not CARD_ID.match(card_id):
        reader.problem(entry.line_of("id"), _("kortet har ugyldig id «%(id)s»", id=card_id))
    elif card_id in seen:
        reader.problem(entry.line_of("id"), _("kort-id «%(id)s» er brukt før", id=card_id))
    seen.add(card_id)
    type_name = str(entry.get("type", ""))
    card_type = card_types.get(type_name)
    if card_type is None:
        known = ", ".join(sorted(card_types))
        message = _("ukjent korttype «%(type)s» (kjente: %(known)s)", type=type_name, known=known)
        reader.problem(entry.line_of("type"), message)
        return None
    data = card_type.prepare(entry, reader)
    data["scored"] = card_type.scored
    return Card(id=card_id, type=type_name, index=index, data=data)
