from pathlib import Path

from lms.config import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_documents_every_setting():
    missing = [setting.name for setting in SETTINGS if f"`{setting.name}`" not in README]
    assert missing == []


def test_the_readme_gives_the_two_commands_that_ci_runs():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make run" in README
    assert "make test" in README
    assert "make test" in ci
