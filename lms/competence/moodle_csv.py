"""Moodle's competency-framework CSV (admin/tool/lpimportcsv): reading with every problem named by
line, and writing. Pure: bytes in, a framework or problems out; nothing here touches the database.

The file has one header line, one line for the framework (``Is framework`` = 1, with the scale) and
one line per competence, parents before children. Moodle reads the first 14 columns by position and
ignores the rest, so Lærevakt adds its own after them: the English and the Nynorsk short name and
description; the scale's level names in English and in Nynorsk, on the framework's line, separated
by commas like Moodle's Bokmål ``Scale values`` and as many; the external mappings (URIs separated
by spaces: DigComp 2.2, ESCO) and the evidence levels: the highest level each kind of evidence can
prove, as ``module=1 sign_off=3``, on the framework's line for all its competences and on a
competence's line where it says otherwise.
Lærevakt finds its columns by name, and each may be left out (a text not given falls back to
Bokmål); a column after Moodle's whose name looks like one of them or names a language (``Short name
(nynorsk)``) is refused rather than ignored, so that a misspelt header does not lose a translation
unseen. Cells that would start a spreadsheet formula are written with a quote in front and read back
without it (:mod:`lms.core.csv_reading`, which also takes semicolons, tabs, UTF-16 and Windows-1252).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from lms.competence.models import EvidenceKind
from lms.core.csv_reading import CsvProblem, read_csv
from lms.core.spreadsheet import csv_writer

MOODLE_COLUMNS = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
EXTRA_COLUMNS = (
    "Short name (en)",
    "Description (en)",
    "Short name (nn)",
    "Description (nn)",
    "Scale values (en)",
    "Scale values (nn)",
    "Mappings",
    "Evidence levels",
)
COLUMNS = MOODLE_COLUMNS + EXTRA_COLUMNS
TITLE_COLUMNS = {"nn": "Short name (nn)", "en": "Short name (en)"}
"""Each language's short name column but Bokmål's, which is Moodle's ``Short name``."""
DESCRIPTION_COLUMNS = {"nn": "Description (nn)", "en": "Description (en)"}
SCALE_COLUMNS = {"nn": "Scale values (nn)", "en": "Scale values (en)"}
"""Each language's level names but Bokmål's, which are Moodle's ``Scale values``: on the framework's
line, separated by commas, one for each level."""
BRACKETED = re.compile(r"\s*\([^()]*\)\s*$")
"""A column name's bracketed tail, as Lærevakt's columns name a language: ``Short name (nn)``."""
PLAIN_TEXT = "2"
"""Moodle's FORMAT_PLAIN."""
MAX_BYTES = 2 * 1024 * 1024
MAX_CODE = 100
MAX_NAME = 200
MAX_LEVEL_NAME = 100


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        return _("linje %(line)s: %(problem)s", line=self.line, problem=self.message)


@dataclass
class ScaleSpec:
    levels: list[tuple[dict[str, str], bool]]
    """(names by language, proficient) from level 1 up; Bokmål always named."""


@dataclass
class CompetenceSpec:
    code: str
    parent_code: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    mappings: list[str]
    line: int = 0
    evidence_levels: dict[str, int] = field(default_factory=dict)
    """Where the competence says otherwise than its framework (kind -> highest level)."""


@dataclass
class FrameworkSpec:
    idnumber: str
    shortname: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    scale: ScaleSpec
    taxonomy: str = ""
    competences: list[CompetenceSpec] = field(default_factory=list)
    line: int = 0
    evidence_levels: dict[str, int] = field(default_factory=dict)
    """The highest level each kind of evidence can prove (``{"module": 1}``)."""

    def comparable(self) -> dict:
        """Everything but line numbers, for comparing two frameworks."""
        return {
            "idnumber": self.idnumber,
            "shortname": self.shortname,
            "titles": self.titles,
            "descriptions": self.descriptions,
            "scale": self.scale.levels,
            "taxonomy": self.taxonomy,
            "evidence_levels": self.evidence_levels,
            "competences": [
                (c.code, c.parent_code, c.titles, c.descriptions, c.mappings, c.evidence_levels)
                for c in self.competences
            ],
        }


def _texts(nb: str, columns: dict[str, str], cell: Callable[[str], str]) -> dict[str, str]:
    """Bokmål, and each other language whose column (``columns``: language -> name) has a text."""
    texts = {"nb": nb.strip()}
    for language, column in columns.items():
        if text := cell(column).strip():
            texts[language] = text
    return texts


def _squeezed(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _header_problems(header: list[str]) -> list[Problem]:
    """Lærevakt's columns named twice, and columns after Moodle's that look like one of them but
    are not (``Shortname (nn)``, ``Short name (nynorsk)``): each on line 1, naming the column.
    Any other column (``Merknad (intern)``) is not Lærevakt's, and is left alone."""
    known = {_squeezed(name) for name in EXTRA_COLUMNS}
    in_languages = {
        _squeezed(BRACKETED.sub("", name)) for name in EXTRA_COLUMNS if BRACKETED.search(name)
    }
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, name in enumerate(header[len(MOODLE_COLUMNS) :], start=len(MOODLE_COLUMNS) + 1):
        if name in EXTRA_COLUMNS:
            if name in seen:
                message = _(
                    "kolonne %(number)s: «%(column)s» står to ganger", number=number, column=name
                )
                problems.append(Problem(1, message))
            seen.add(name)
        elif _squeezed(name) in known or _squeezed(BRACKETED.sub("", name)) in in_languages:
            message = _(
                "kolonne %(number)s: «%(column)s» er ikke en kolonne Lærevakt kjenner; "
                "kolonnene etter Moodles heter %(columns)s",
                number=number,
                column=name,
                columns=", ".join(EXTRA_COLUMNS),
            )
            problems.append(Problem(1, message))
    return problems


def parse(data: bytes) -> FrameworkSpec | list[Problem]:
    """The framework in ``data``, or every problem found (each with its line)."""
    try:
        file = read_csv(data, MAX_BYTES)
    except CsvProblem as problem:
        return [Problem(problem.line or 0, problem.message)]
    problems: list[Problem] = []
    header = [h.strip() for h in file.header]
    if tuple(header[: len(MOODLE_COLUMNS)]) != MOODLE_COLUMNS:
        return [
            Problem(
                1,
                _(
                    "overskriftslinjen er ikke Moodles format for kompetanserammeverk (filen er lest "
                    "som %(read_as)s); første kolonner skal være: %(columns)s",
                    read_as=file.description,
                    columns=", ".join(MOODLE_COLUMNS),
                ),
            )
        ]
    if header_problems := _header_problems(header):
        return header_problems
    extras = {name: header.index(name) for name in EXTRA_COLUMNS if name in header}
    framework: FrameworkSpec | None = None
    competences: list[CompetenceSpec] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        records = list(file.records)
    except CsvProblem as problem:
        return [Problem(problem.line or 0, problem.message)]
    for record in records:
        line = record.line
        cells = record.cells + [""] * (len(COLUMNS) - len(record.cells))

        def extra(name: str, cells=cells) -> str:
            index = extras.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        parent, code, shortname, description, fmt = (c.strip() for c in cells[:5])
        scale_values, scale_config, is_framework = cells[5], cells[6], cells[12].strip()
        if is_framework not in ("0", "1", ""):
            message = _("«Is framework» skal være 0 eller 1, ikke «%(value)s»", value=is_framework)
            problems.append(Problem(line, message))
            continue
        if fmt and not fmt.isdigit():
            message = _("«Description format» skal være et tall, ikke «%(value)s»", value=fmt)
            problems.append(Problem(line, message))
        if not code:
            problems.append(Problem(line, _("«%(key)s» mangler", key="ID number")))
            continue
        if len(code) > MAX_CODE:
            problems.append(Problem(line, _too_long("ID number", MAX_CODE)))
        if not shortname:
            problems.append(Problem(line, _("«%(key)s» mangler", key="Short name")))
        elif len(shortname) > MAX_NAME:
            problems.append(Problem(line, _too_long("Short name", MAX_NAME)))
        for column in TITLE_COLUMNS.values():
            if len(extra(column).strip()) > MAX_NAME:
                problems.append(Problem(line, _too_long(column, MAX_NAME)))
        if is_framework == "1":
            if framework is not None:
                message = _("filen har mer enn én rammeverkslinje (Is framework = 1)")
                problems.append(Problem(line, message))
                continue
            scale = _scale(scale_values, scale_config, line, problems, extra)
            framework = FrameworkSpec(
                idnumber=code,
                shortname=shortname,
                titles=_texts(shortname, TITLE_COLUMNS, extra),
                descriptions=_texts(description, DESCRIPTION_COLUMNS, extra),
                scale=scale or ScaleSpec([]),
                taxonomy=cells[13].strip(),
                line=line,
                evidence_levels=_evidence_levels(extra("Evidence levels"), line, problems),
            )
            continue
        if code in seen:
            message = _("«%(code)s» står også på linje %(line)s", code=code, line=seen[code])
            problems.append(Problem(line, message))
            continue
        seen[code] = line
        mappings = extra("Mappings").split()
        for uri in mappings:
            if not uri.startswith(("http://", "https://")):
                message = _("koblingen «%(uri)s» er ikke en http(s)-adresse", uri=uri)
                problems.append(Problem(line, message))
        competences.append(
            CompetenceSpec(
                code=code,
                parent_code=parent,
                titles=_texts(shortname, TITLE_COLUMNS, extra),
                descriptions=_texts(description, DESCRIPTION_COLUMNS, extra),
                mappings=mappings,
                line=line,
                evidence_levels=_evidence_levels(extra("Evidence levels"), line, problems),
            )
        )
    if framework is None:
        problems.append(Problem(line, _("filen har ingen rammeverkslinje (Is framework = 1)")))
    for competence in competences:
        if competence.parent_code and competence.parent_code not in seen:
            problems.append(
                Problem(
                    competence.line,
                    _(
                        "overordnet kompetanse «%(code)s» finnes ikke i filen",
                        code=competence.parent_code,
                    ),
                )
            )
        elif competence.parent_code and seen[competence.parent_code] > competence.line:
            problems.append(
                Problem(
                    competence.line,
                    _(
                        "overordnet kompetanse «%(code)s» må stå før denne linjen",
                        code=competence.parent_code,
                    ),
                )
            )
    if framework is not None:
        top = len(framework.scale.levels)
        for spec in (framework, *competences):
            _check_within_scale(spec.evidence_levels, top, spec.line, problems)
    if problems:
        return sorted(problems, key=lambda p: p.line)
    framework.competences = competences
    return framework


def _evidence_levels(text: str, line: int, problems: list[Problem]) -> dict[str, int]:
    """``module=1 sign_off=3`` as ``{"module": 1, "sign_off": 3}``; every bad part is a problem."""
    known = {kind.value for kind in EvidenceKind if kind is not EvidenceKind.SELF}
    levels: dict[str, int] = {}
    for part in text.split():
        kind, _equals, level = part.partition("=")
        if kind not in known or not level.isdigit() or int(level) < 1:
            message = _(
                "«Evidence levels»: «%(part)s» skal være art=nivå, der art er en av %(kinds)s",
                part=part,
                kinds=", ".join(sorted(known)),
            )
            problems.append(Problem(line, message))
            continue
        levels[kind] = int(level)
    return levels


def _check_within_scale(levels: dict[str, int], top: int, line: int, problems: list) -> None:
    for kind, level in levels.items():
        if top and level > top:
            message = _(
                "«Evidence levels»: %(kind)s=%(level)s er over skalaens høyeste nivå (%(top)s)",
                kind=kind,
                level=level,
                top=top,
            )
            problems.append(Problem(line, message))


def _written_levels(levels: dict[str, int]) -> str:
    return " ".join(f"{kind}={level}" for kind, level in levels.items())


def _written_names(scale: ScaleSpec, language: str) -> str:
    """The levels' names in ``language``, separated by commas; empty when a level has none."""
    names = [names.get(language, "") for names, _proficient in scale.levels]
    return ",".join(names) if all(names) else ""


def _too_long(column: str, most: int) -> str:
    return _("«%(column)s» er lengre enn %(most)s tegn", column=column, most=most)


def _level_names(values: str) -> list[str]:
    return [v.strip() for v in values.split(",") if v.strip()]


def _scale(
    values: str, config: str, line: int, problems: list[Problem], cell: Callable[[str], str]
) -> ScaleSpec | None:
    """The scale on the framework's line: Bokmål level names from ``Scale values``, the others from
    ``SCALE_COLUMNS`` when given (``cell`` reads a column of the line), each with as many names."""
    names = _level_names(values)
    if len(names) < 2:
        message = _("«Scale values» skal ha minst to nivåer, skilt med komma")
        problems.append(Problem(line, message))
        return None
    texts = [{"nb": name} for name in names]
    for language, column in {"nb": "Scale values", **SCALE_COLUMNS}.items():
        translated = names if language == "nb" else _level_names(cell(column))
        if any(len(name) > MAX_LEVEL_NAME for name in translated):
            problems.append(Problem(line, _too_long(column, MAX_LEVEL_NAME)))
        if language == "nb" or not translated:
            continue
        if len(translated) != len(names):
            message = _(
                "«%(column)s» har %(given)s nivåer, men «Scale values» har %(levels)s",
                column=column,
                given=len(translated),
                levels=len(names),
            )
            problems.append(Problem(line, message))
            continue
        for text, name in zip(texts, translated, strict=True):
            text[language] = name
    try:
        parsed = json.loads(config)
        entries = parsed[1:]
        proficient = {int(e["id"]) for e in entries if int(e.get("proficient", 0))}
    except (ValueError, TypeError, KeyError, IndexError):
        problems.append(
            Problem(
                line,
                _(
                    "«Scale configuration» er ikke Moodles JSON (%(example)s)",
                    example='[{"scaleid": ...}, {"id": 1, ...}]',
                ),
            )
        )
        return None
    if not proficient:
        message = _("«Scale configuration» merker ingen nivåer som kompetente")
        problems.append(Problem(line, message))
    if any(i < 1 or i > len(names) for i in proficient):
        message = _("«Scale configuration» viser til et nivå som ikke finnes")
        problems.append(Problem(line, message))
    return ScaleSpec([(text, index in proficient) for index, text in enumerate(texts, start=1)])


def scale_configuration(scale: ScaleSpec) -> str:
    entries: list[dict] = [{"scaleid": "0"}]
    first_proficient = next((i for i, (_n, p) in enumerate(scale.levels, 1) if p), 1)
    for index, (_name, proficient) in enumerate(scale.levels, start=1):
        entries.append(
            {"id": index, "scaledefault": int(index == first_proficient), "proficient": int(proficient)}
        )
    return json.dumps(entries, separators=(",", ":"))


def write(framework: FrameworkSpec) -> bytes:
    """The framework as Moodle's CSV, UTF-8, parents before children.

    Text that would start a formula gets a quote in front (:mod:`lms.core.spreadsheet`), as in every
    CSV export: admins open this file in Excel too. :func:`parse` takes the quote off again, so the
    file round-trips here; Moodle would keep it (a title such as «'-nivå» there), which is rare and
    visible, while a formula run on an admin's machine is neither."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "",
            framework.idnumber,
            framework.shortname,
            framework.descriptions.get("nb", ""),
            PLAIN_TEXT,
            _written_names(framework.scale, "nb"),
            scale_configuration(framework.scale),
            "",
            "",
            "",
            "",
            "",
            "1",
            framework.taxonomy,
            framework.titles.get("en", ""),
            framework.descriptions.get("en", ""),
            framework.titles.get("nn", ""),
            framework.descriptions.get("nn", ""),
            _written_names(framework.scale, "en"),
            _written_names(framework.scale, "nn"),
            "",
            _written_levels(framework.evidence_levels),
        ]
    )
    for c in framework.competences:
        writer.writerow(
            [
                c.parent_code,
                c.code,
                c.titles.get("nb", ""),
                c.descriptions.get("nb", ""),
                PLAIN_TEXT,
                "",
                "",
                "",
                "",
                "",
                "",
                c.code,
                "0",
                "",
                c.titles.get("en", ""),
                c.descriptions.get("en", ""),
                c.titles.get("nn", ""),
                c.descriptions.get("nn", ""),
                "",
                "",
                " ".join(c.mappings),
                _written_levels(c.evidence_levels),
            ]
        )
    return out.getvalue().encode("utf-8")
