"""A scale's level names in each language: the CSV's optional ``Scale values (nn)`` and ``Scale
values (en)`` columns beside Moodle's Bokmål ``Scale values``, the shipped frameworks' names, what a
reader sees in their language, and the migration that made ``names`` of the Bokmål ``name``."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from lms import create_app
from lms.competence import moodle_csv, services
from lms.competence.models import Competence, Framework, ScaleLevel
from lms.core.setup import MIGRATIONS_FOLDER
from lms.extensions import db
from tests.conftest import app_config
from tests.support.databases import scratch_database_url
from tests.support.frameworks import require_shipped

PSK = services.SHIPPED / "pasientsikkerhet.csv"
LEVEL_COLUMNS = ("Scale values (en)", "Scale values (nn)")
BEFORE = "f873c42af729"
"""The migration before level names by language."""


def _framework_line(data: bytes, **cells: str) -> bytes:
    """``data`` with the framework line's ``cells`` (column name -> text) set."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    for column, text in cells.items():
        rows[1][rows[0].index(column)] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _level_labels(page: str) -> list[str]:
    """The self-assessment's level choices as the reader sees them."""
    return re.findall(r'<label for="self-level-\d">([^<]*)</label>', page)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", ["1 – Grunnleggende", "2 – Selvstendig", "3 – Avansert"]),
        ("nn", ["1 – Grunnleggjande", "2 – Sjølvstendig", "3 – Avansert"]),
        ("en", ["1 – Basic", "2 – Independent", "3 – Advanced"]),
    ],
)
def test_a_reader_sees_the_level_names_in_their_language(app, org, client, language, expected):
    with app.app_context():
        require_shipped("PSK-1", org.ward.id)
    client.sign_in(org.nurse)
    client.submit("/language", {"language": language, "next": "/"})

    assert _level_labels(client.get("/competence/me").get_data(as_text=True)) == expected


def test_every_shipped_scale_names_its_levels_in_nynorsk_and_english():
    for path in services.shipped_files():
        for names, _proficient in moodle_csv.parse(path.read_bytes()).scale.levels:
            assert set(names) == {"nb", "nn", "en"} and all(names.values()), (path.name, names)


def test_level_names_in_bokmål_alone_are_read_in_every_language(app, org, client):
    only_bokmål = _framework_line(PSK.read_bytes(), **dict.fromkeys(LEVEL_COLUMNS, ""))
    with app.app_context():
        framework = services.import_framework(only_bokmål)
        assert [level.names for level in framework.scale.levels] == [
            {"nb": "Grunnleggende"},
            {"nb": "Selvstendig"},
            {"nb": "Avansert"},
        ]
        db.session.commit()
    client.sign_in(org.nurse)
    client.submit("/language", {"language": "en", "next": "/"})

    assert _level_labels(client.get("/competence/me").get_data(as_text=True))[0] == ("1 – Grunnleggende")


def test_level_names_given_in_every_language_are_kept_and_exported(app):
    with app.app_context():
        framework = services.import_framework(PSK.read_bytes())
        assert framework.scale.levels[1].names == {
            "nb": "Selvstendig",
            "nn": "Sjølvstendig",
            "en": "Independent",
        }
        exported = moodle_csv.parse(services.export_framework(framework))
        assert exported.scale.levels[1] == (framework.scale.levels[1].names, True)
        db.session.rollback()


def test_an_imported_framework_gets_new_level_names_when_loaded_again(app):
    with app.app_context():
        services.import_framework(_framework_line(PSK.read_bytes(), **{"Scale values (nn)": ""}))
        db.session.flush()
        framework = services.import_framework(PSK.read_bytes())
        assert framework.scale.levels[0].names["nn"] == "Grunnleggjande"
        db.session.rollback()


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (
            {"Scale values (nn)": "Grunnleggjande,Sjølvstendig"},
            "linje 2: «Scale values (nn)» har 2 nivåer, men «Scale values» har 3",
        ),
        (
            {"Scale values": "", "Scale values (en)": "Basic,Independent,Advanced"},
            "linje 2: «Scale values» skal ha minst to nivåer, skilt med komma",
        ),
        (
            {"Scale values (en)": "Basic,Independent," + "A" * 101},
            "linje 2: «Scale values (en)» er lengre enn 100 tegn",
        ),
    ],
    ids=["a language short of a level", "no Bokmål", "too long"],
)
def test_bad_level_names_import_nothing_and_are_named_with_line_and_column(app, cells, problem):
    with app.app_context():
        problems = services.import_framework(_framework_line(PSK.read_bytes(), **cells))
        assert [str(p) for p in problems] == [problem]
        assert (_count(Framework), _count(Competence), _count(ScaleLevel)) == (0, 0, 0)


def _levels(column: sa.ColumnClause) -> list[tuple]:
    """Each stored level's value and ``column``, by value."""
    value = sa.column("value")
    query = sa.select(value, column).select_from(sa.table("competence_scale_levels")).order_by(value)
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def test_the_migration_makes_names_of_the_bokmål_name_and_back(tmp_path):
    url = scratch_database_url(tmp_path, "level_names")
    migrated = create_app(app_config(tmp_path, url))
    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS_FOLDER), revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO competence_scales (id, name) VALUES (1, 'PSK')"))
            for value, name in ((1, "Grunnleggende"), (2, "Selvstendig")):
                connection.execute(
                    sa.text(
                        "INSERT INTO competence_scale_levels (scale_id, value, name, proficient)"
                        " VALUES (1, :value, :name, :proficient)"
                    ).bindparams(value=value, name=name, proficient=value > 1)
                )

        upgrade(directory=str(MIGRATIONS_FOLDER))
        upgraded = _levels(sa.column("names", sa.JSON))
        downgrade(directory=str(MIGRATIONS_FOLDER), revision=BEFORE)
        downgraded = _levels(sa.column("name"))
        db.engine.dispose()

    assert upgraded == [(1, {"nb": "Grunnleggende"}), (2, {"nb": "Selvstendig"})]
    assert downgraded == [(1, "Grunnleggende"), (2, "Selvstendig")]
