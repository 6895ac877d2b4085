"""Unpacking an uploaded zip safely: limits on members and size (declared and counted), one
top-level folder stripped, the clutter of zip tools left out."""

from __future__ import annotations

import io
import zipfile

import pytest

from lms.content import upload
from lms.content.models import VersionStatus
from lms.content.problems import InvalidPackage, Problems
from lms.extensions import db
from tests.content.packages import (
    EVERY_CARD,
    assert_nothing_installed,
    copy_package,
    folder_members,
    zip_bytes,
)


def _problems(data: bytes, name: str = "pakke.zip") -> list:
    with pytest.raises(InvalidPackage) as raised, upload.extracted(io.BytesIO(data), name):
        pass
    return raised.value.problems


@pytest.fixture
def package(tmp_path):
    return copy_package(EVERY_CARD, tmp_path / "pakke", module_id="fra-zip")


def test_a_zip_in_one_top_level_folder_installs_as_a_draft(app, package):
    data = zip_bytes(folder_members(package, prefix="fra-zip-1.0/"))
    with app.app_context():
        uploaded = upload.install_zip(io.BytesIO(data), "C:\\Users\\kari\\fra-zip.zip")
        db.session.commit()
        assert uploaded.created
        assert uploaded.version.status is VersionStatus.DRAFT
        assert uploaded.version.source == "upload:fra-zip.zip"
        assert uploaded.module.id == "fra-zip" and len(uploaded.module.cards) == 10


def test_a_zip_with_the_files_at_the_top_installs_the_same_content(app, package):
    nested = zip_bytes(folder_members(package, prefix="mappe/"))
    flat = zip_bytes(folder_members(package))
    with app.app_context():
        first = upload.install_zip(io.BytesIO(nested), "a.zip")
        second = upload.install_zip(io.BytesIO(flat), "b.zip")
        assert not second.created and second.version.id == first.version.id


def test_what_zip_tools_add_is_left_out(app, package):
    members = folder_members(package, prefix="pakke/")
    members |= {"__MACOSX/pakke/._module.yaml": b"\0\5\26\7", "pakke/.DS_Store": b"\0\0\0\1Bud1"}
    with upload.extracted(io.BytesIO(zip_bytes(members)), "mac.zip") as folder:
        assert (folder / "module.yaml").is_file()
        assert not (folder / ".DS_Store").exists()
        assert not (folder.parent / "__MACOSX").exists()


def test_more_than_500_members_are_refused(app):
    members = {f"kort-{n}.md": "x" for n in range(upload.MAX_MEMBERS + 1)}
    (problem,) = _problems(zip_bytes(members), "mange.zip")
    assert (problem.file, problem.line) == ("mange.zip", 0)
    assert problem.message == "zip-filen har 501 filer og mapper; høyst 500"


def test_more_than_100_mb_declared_is_refused_before_unpacking(monkeypatch):
    monkeypatch.setattr(upload, "MAX_TOTAL_BYTES", 1000)
    written = []
    monkeypatch.setattr(upload, "_extract", lambda *args: written.append(args))
    (problem,) = _problems(zip_bytes({"module.yaml": "x" * 600, "intro.md": "y" * 600}), "stor.zip")
    assert (problem.file, problem.line) == ("stor.zip", 0)
    assert "høyst 100 MB" in problem.message
    assert written == []


def test_bytes_are_counted_while_unpacking(tmp_path, monkeypatch):
    """A zip bomb may declare small sizes; the bytes actually unpacked are counted too."""
    data = zip_bytes({"module.yaml": "id: x\n" * 200, "intro.md": "y" * 1200})
    monkeypatch.setattr(upload, "MAX_TOTAL_BYTES", 1000)
    problems = Problems()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        upload._extract(archive, archive.infolist(), tmp_path, "bombe.zip", problems)
    assert [(p.file, p.line) for p in problems] == [("bombe.zip", 0)]
    assert "mer enn 100 MB" in next(iter(problems)).message


def test_a_member_never_unpacks_beyond_its_declared_size(tmp_path):
    data = zip_bytes({"intro.md": "y" * 5000})
    problems = Problems()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (info,) = archive.infolist()
        info.file_size = 100  # what a lying header would say
        with pytest.raises(zipfile.BadZipFile):
            upload._extract(archive, [info], tmp_path, "lyver.zip", problems)
    assert (tmp_path / "intro.md").stat().st_size <= 100


def test_a_lying_zip_is_refused_as_a_whole(app):
    data = bytearray(zip_bytes({"module.yaml": "a" * 5000}))
    # Make the central directory claim the file is 10 bytes.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    problems = _problems(bytes(data), "lyver.zip")
    assert [(p.file, p.line) for p in problems] == [("lyver.zip", 0)]


@pytest.mark.parametrize(
    "member",
    ["/etc/passwd.md", "\\\\server\\deling\\x.md", "C:/Windows/x.md", "c:\\x.md"],
)
def test_absolute_paths_are_refused(member):
    (problem,) = _problems(zip_bytes({"module.yaml": "id: x", member: "x"}))
    assert (problem.file, problem.line) == (member, 0)
    assert problem.message == "absolutte stier er ikke tillatt i en pakke"


@pytest.mark.parametrize("member", ["../x.md", "media/../../x.md", "..\\x.md"])
def test_parent_paths_are_refused(member):
    (problem,) = _problems(zip_bytes({"module.yaml": "id: x", member: "x"}))
    assert (problem.file, problem.line) == (member, 0)


@pytest.mark.parametrize("member", ["virus.exe", "media/bilde.bmp", "side.html", "skript.js", "README"])
def test_file_types_outside_the_allow_list_are_refused(member):
    (problem,) = _problems(zip_bytes({"module.yaml": "id: x", member: "x"}))
    assert (problem.file, problem.line) == (member, 0)
    assert "er ikke tillatt" in problem.message


def test_a_file_that_is_not_a_zip(app):
    (problem,) = _problems(b"\x89PNG\r\n\x1a\n ikke en zip", "bilde.zip")
    assert (problem.file, problem.line, problem.message) == (
        "bilde.zip",
        0,
        "filen er ikke en gyldig zip-fil",
    )
    with app.app_context():
        assert_nothing_installed("bilde")


def test_the_temporary_folder_is_removed(package):
    with upload.extracted(io.BytesIO(zip_bytes(folder_members(package))), "p.zip") as folder:
        assert (folder / "module.yaml").is_file()
    assert not folder.exists()


def test_display_name_keeps_only_the_file_name():
    assert upload.display_name("C:\\Users\\kari\\Nedlastinger\\modul.zip") == "modul.zip"
    assert upload.display_name("../../modul.zip") == "modul.zip"
    assert upload.display_name("") == "pakke.zip"
    assert len(upload.display_name("a" * 300 + ".zip")) == 200
