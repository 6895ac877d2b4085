"""Installing a module package uploaded as a zip file, as a draft.

The zip is checked before anything is written: no absolute paths, no ``..``, no symbolic links, at
most ``MAX_MEMBERS`` members and ``MAX_TOTAL_BYTES`` unpacked (the declared sizes are checked first,
and the bytes are counted again while unpacking, so a zip bomb that lies about its sizes is stopped
too), only the file types a package may hold. Then it is unpacked into a temporary folder, validated
and installed. Every problem names the zip member (or the package file) it is about; with any
problem nothing is installed.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from flask_babel import gettext as _

from lms.content import library, services
from lms.content.models import ModuleVersion
from lms.content.package import ALLOWED_SUFFIXES, MANIFEST, Module, file_type_refused
from lms.content.problems import InvalidPackage, Problems

MAX_MEMBERS = 500
MAX_TOTAL_BYTES = 100 * 1024 * 1024
CHUNK = 64 * 1024
IGNORED = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)
"""What zip tools add on their own (macOS resource forks, folder settings): left out silently."""
_DRIVE = re.compile(r"^[A-Za-z]:")
_SYMLINK = 0o120000
_FILE_TYPE_MASK = 0o170000


@dataclass(frozen=True)
class Uploaded:
    version: ModuleVersion
    module: Module
    created: bool


def display_name(filename: str | None) -> str:
    """The uploaded file's own name, without any folders a browser sent along."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    return name[:200] or "pakke.zip"


def install_zip(stream: IO[bytes] | Path, filename: str) -> Uploaded:
    """Validate the zip in ``stream`` and install its package as a draft; raise InvalidPackage."""
    name = display_name(filename)
    with extracted(stream, name) as folder:
        module = library.parse(folder)
        version, created = services.install(folder, f"upload:{name}", publish=False)
    return Uploaded(version, module, created)


@contextmanager
def extracted(stream: IO[bytes] | Path, name: str) -> Iterator[Path]:
    """The package in the zip, unpacked into a temporary folder that is removed afterwards.

    A zip whose files all sit in one top-level folder yields that folder. Raises InvalidPackage
    before yielding when the zip is refused.
    """
    with tempfile.TemporaryDirectory(prefix="lms-upload-") as temporary:
        target = Path(temporary) / "package"
        target.mkdir()
        problems = Problems()
        try:
            with zipfile.ZipFile(stream) as archive:
                members = check_members(archive, name, problems)
                if not problems:
                    _extract(archive, members, target, name, problems)
        except NotImplementedError:
            message = _("zip-filen er pakket med en metode som ikke støttes; bruk «deflate»")
            problems.add(name, 0, message)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
            problems.add(name, 0, _("filen er ikke en gyldig zip-fil"))
        if problems:
            raise InvalidPackage(problems)
        yield _package_root(target)


def check_members(archive: zipfile.ZipFile, name: str, problems: Problems) -> list[zipfile.ZipInfo]:
    """The members to unpack; every refused member is reported with its name, at line 0."""
    infos = [info for info in archive.infolist() if not IGNORED.search(info.filename)]
    if len(infos) > MAX_MEMBERS:
        message = _(
            "zip-filen har %(count)s filer og mapper; høyst %(most)s", count=len(infos), most=MAX_MEMBERS
        )
        problems.add(name, 0, message)
        return []
    declared = sum(info.file_size for info in infos)
    if declared > MAX_TOTAL_BYTES:
        message = _("zip-filen pakkes ut til %(size)s; høyst 100 MB", size=_megabytes(declared))
        problems.add(name, 0, message)
    seen: set[str] = set()
    files = []
    for info in infos:
        member = info.filename
        path = PurePosixPath(member.replace("\\", "/"))
        if member.startswith(("/", "\\")) or _DRIVE.match(member) or path.is_absolute():
            problems.add(member, 0, _("absolutte stier er ikke tillatt i en pakke"))
        elif ".." in path.parts:
            problems.add(member, 0, _("stien peker ut av pakken («..»)"))
        elif (info.external_attr >> 16) & _FILE_TYPE_MASK == _SYMLINK:
            problems.add(member, 0, _("symbolske lenker er ikke tillatt i en pakke"))
        elif info.flag_bits & 0x1:
            problems.add(member, 0, _("filen er kryptert; pakk zip-filen uten passord"))
        elif info.is_dir():
            continue
        elif path.suffix.lower() not in ALLOWED_SUFFIXES:
            problems.add(member, 0, file_type_refused(path.suffix))
        elif path.as_posix().casefold() in seen:
            problems.add(member, 0, _("filen finnes to ganger i zip-filen"))
        else:
            seen.add(path.as_posix().casefold())
            files.append(info)
    return files


def _extract(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    target: Path,
    name: str,
    problems: Problems,
) -> None:
    """Unpack ``members``, counting the bytes actually written rather than trusting the headers."""
    total = 0
    for info in members:
        relative = PurePosixPath(info.filename.replace("\\", "/"))
        destination = target.joinpath(*relative.parts)
        if not destination.resolve().is_relative_to(target.resolve()):
            problems.add(info.filename, 0, _("stien peker ut av pakken"))
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with archive.open(info) as source, destination.open("wb") as sink:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                total += len(chunk)
                if written > info.file_size:
                    problems.add(info.filename, 0, _("filen er større enn zip-filen oppgir"))
                    return
                if total > MAX_TOTAL_BYTES:
                    problems.add(name, 0, _("zip-filen pakkes ut til mer enn 100 MB"))
                    return
                sink.write(chunk)


def _package_root(target: Path) -> Path:
    """``target``, or the one folder inside it when everything sits in that folder."""
    if (target / MANIFEST).is_file():
        return target
    entries = list(target.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return target


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"
