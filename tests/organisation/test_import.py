"""The all-or-nothing CSV import of people: the pure reader and checker, and the page."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from lms.organisation import importer
from lms.organisation.importer import PersonRef, Problem, UnitRef
from lms.organisation.models import Person, Role, RoleAssignment, Unit

URL = "/admin/people/import"

GOOD = """navn;e-post;telefon;enhet;rolle;stilling
Kari Nordmann;kari@testvik.no;912 34 567;Sjøgløtt sykehjem, 2. etasje;ansatt;sykepleier
Kari Nordmann;kari@testvik.no;;Hjemmesykepleien sone Nord;veileder;
Per Hansen;PER@testvik.no;;Hjemmesykepleien sone Nord;staff;Helsefagarbeider
Nils Sykepleier;nils@testvik.no;45678901;Hjemmesykepleien sone Nord;leder;spesialsykepleier
"""


def text(response) -> str:
    return response.get_data(as_text=True)


def upload(client, content: bytes | str, filename: str = "ansatte.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.submit(URL, {"file": (io.BytesIO(data), filename)})


def counts(app) -> tuple[int, int]:
    with app.app_context():
        people = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
        roles = db.session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment))
        return people, roles


def person_with(app, email: str) -> Person | None:
    with app.app_context():
        return db.session.scalar(sa.select(Person).filter_by(email=email))


def roles_of(app, email: str) -> set[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Unit.name, RoleAssignment.role)
            .join(RoleAssignment.unit)
            .join(RoleAssignment.person)
            .where(Person.email == email)
        )
        return {(name, str(role)) for name, role in rows}


@pytest.fixture
def admin(client, org):
    client.sign_in(org.admin)
    return client


# The page --------------------------------------------------------------------------------------------


def test_the_import_page_has_a_file_field_for_csv(admin):
    page = text(admin.get(URL))
    assert 'type="file"' in page
    assert 'accept=".csv,text/csv"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_manager_cannot_import(client, org):
    client.sign_in(org.manager)
    assert client.get(URL).status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert person_with(client.application, "kari@testvik.no") is None


def test_a_valid_file_creates_and_updates_people_and_roles(app, admin, org):
    people_before, roles_before = counts(app)
    response = upload(admin, GOOD)
    assert response.status_code == 200
    page = text(response)
    assert "Importen er fullført" in page
    assert "<dt>Nye personer</dt><dd>2</dd>" in page
    assert "<dt>Oppdaterte personer</dt><dd>1</dd>" in page
    assert "<dt>Nye roller</dt><dd>4</dd>" in page

    kari = person_with(app, "kari@testvik.no")
    assert (kari.name, kari.phone, kari.job_title) == ("Kari Nordmann", "+4791234567", "sykepleier")
    assert roles_of(app, "kari@testvik.no") == {
        ("Sjøgløtt sykehjem, 2. etasje", "staff"),
        ("Hjemmesykepleien sone Nord", "facilitator"),
    }
    per = person_with(app, "per@testvik.no")
    assert (per.name, per.job_title) == ("Per Hansen", "helsefagarbeider")
    nils = person_with(app, "nils@testvik.no")
    assert (nils.id, nils.phone, nils.job_title) == (org.nurse.id, "+4745678901", "spesialsykepleier")
    assert roles_of(app, "nils@testvik.no") == {
        ("Sjøgløtt sykehjem, 2. etasje", "staff"),
        ("Hjemmesykepleien sone Nord", "manager"),
    }
    assert counts(app) == (people_before + 2, roles_before + 4)


def test_importing_the_same_file_again_changes_nothing(app, admin, org):
    upload(admin, GOOD)
    after_first = counts(app)
    response = upload(admin, GOOD)
    assert response.status_code == 200
    page = text(response)
    assert "<dt>Nye personer</dt><dd>0</dd>" in page
    assert "<dt>Oppdaterte personer</dt><dd>0</dd>" in page
    assert "<dt>Nye roller</dt><dd>0</dd>" in page
    assert "<dt>Uendrede personer</dt><dd>3</dd>" in page
    assert counts(app) == after_first


def test_the_import_fires_people_imported(app, admin, org):
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs)

    with signals.people_imported.connected_to(listen):
        upload(admin, GOOD)
    assert len(heard) == 1
    assert sorted(p.email for p in heard[0]["created"]) == ["kari@testvik.no", "per@testvik.no"]
    assert [p.email for p in heard[0]["updated"]] == ["nils@testvik.no"]
    assert heard[0]["actor"].id == org.admin.id


def test_one_bad_line_imports_nothing_and_names_the_line(app, admin, org):
    bad = GOOD.replace("PER@testvik.no", "per@")
    before = counts(app)
    heard = []
    with signals.people_imported.connected_to(lambda sender, **kw: heard.append(kw)):
        response = upload(admin, bad)
    assert response.status_code == 422
    page = text(response)
    assert "Filen ble ikke importert" in page
    assert "Linje 4, e-post: «per@» er ikke en gyldig e-postadresse." in page
    assert "Linje 2" not in page and "Linje 5" not in page
    assert counts(app) == before
    assert person_with(app, "kari@testvik.no") is None
    assert person_with(app, "nils@testvik.no").job_title == "sykepleier"
    assert heard == []


def test_every_bad_line_is_named_with_its_column(app, admin, org):
    content = """name,email,unit,role,job_title
Ola Nordmann,ola@,Sjøgløtt sykehjem, 2. etasje,staff,
Kari Nordmann,kari@testvik.no,Månen,staff,
Per Hansen,per@testvik.no,Hjemmesykepleien sone Nord,sjef,
Lise Berg,lise@testvik.no,Hjemmesykepleien sone Nord,staff,astronaut
,tom@testvik.no,Hjemmesykepleien sone Nord,staff,
"""
    content = content.replace("Sjøgløtt sykehjem, 2. etasje", '"Sjøgløtt sykehjem, 2. etasje"')
    before = counts(app)
    page = text(upload(admin, content))
    assert "Linje 2, e-post: «ola@» er ikke en gyldig e-postadresse." in page
    assert "Linje 3, enhet: fant ingen enhet «Månen» blant enhetene du administrerer." in page
    assert "Linje 4, rolle: «sjef» er ikke en kjent rolle." in page
    assert "Linje 5, stilling: «astronaut» er ikke en kjent stilling." in page
    assert "Linje 6, navn: feltet er tomt." in page
    assert counts(app) == before


def test_semicolons_and_windows_1252_work(app, admin, org):
    content = (
        "Navn;E-post;Enhet;Rolle;Stilling\r\n"
        "Bjørn Ødegård;bjorn@testvik.no;sjøgløtt sykehjem, 2. etasje;Ansatt;Lærling\r\n"
    )
    response = upload(admin, content.encode("cp1252"))
    assert response.status_code == 200, text(response)
    bjorn = person_with(app, "bjorn@testvik.no")
    assert (bjorn.name, bjorn.job_title) == ("Bjørn Ødegård", "laerling")
    assert roles_of(app, "bjorn@testvik.no") == {("Sjøgløtt sykehjem, 2. etasje", "staff")}


def test_utf8_with_bom_from_excel_works(app, admin, org):
    content = "navn;epost;enhet;rolle\nÅse Ås;ase@testvik.no;Hjemmesykepleien sone Nord;administrator\n"
    response = upload(admin, content.encode("utf-8-sig"))
    assert response.status_code == 200, text(response)
    assert roles_of(app, "ase@testvik.no") == {("Hjemmesykepleien sone Nord", "admin")}


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-16", "\t"), ("utf-16", ";"), ("cp1252", ";"), ("cp1252", ","), ("utf-8", "\t")],
)
def test_every_encoding_and_separator_excel_writes_imports_with_aeoeaa(
    app, admin, org, encoding, separator
):
    content = separator.join(["Navn", "E-post", "Enhet", "Rolle"]) + "\r\n"
    content += separator.join(
        ["Bjørn Ødegård", "bjorn@testvik.no", "Hjemmesykepleien sone Nord", "Ansatt"]
    )
    response = upload(admin, (content + "\r\n").encode(encoding))
    assert response.status_code == 200, text(response)
    assert person_with(app, "bjorn@testvik.no").name == "Bjørn Ødegård"


def test_a_line_in_another_encoding_refuses_the_whole_file_naming_the_line(app, admin, org):
    content = GOOD.encode(
        "utf-8"
    ) + "Åse Ås;ase@testvik.no;;Hjemmesykepleien sone Nord;ansatt;\n".encode("cp1252")
    before = counts(app)
    response = upload(admin, content)
    assert response.status_code == 422
    assert (
        "Linje 6: teksten er ikke gyldig UTF-8, så tegn som æ, ø og å kan ikke leses sikkert."
        in text(response)
    )
    assert counts(app) == before


def test_an_unclosed_quote_refuses_the_whole_file_naming_the_physical_line(app, admin, org):
    content = (
        "navn;e-post;enhet;rolle\n"
        '"Kari\nNordmann";kari@testvik.no;Hjemmesykepleien sone Nord;ansatt\n'
        '"Per Hansen;per@testvik.no;Hjemmesykepleien sone Nord;ansatt\n'
    )
    before = counts(app)
    response = upload(admin, content.encode("utf-16"))
    assert response.status_code == 422
    assert "Linje 4: linjen kan ikke leses som CSV. Sjekk anførselstegnene." in text(response)
    assert counts(app) == before


def test_an_area_admin_cannot_import_into_units_outside_their_area(app, client, org):
    from lms.organisation.services import create_person, grant_role

    with app.app_context():
        arne = create_person("Arne Områdeadmin", email="arne@testvik.no")
        grant_role(arne, db.session.merge(org.area), Role.ADMIN)
        from lms.accounts.services import set_password

        set_password(arne, "riktig-passord-123")
        db.session.commit()
    client.sign_in(arne)
    content = (
        "navn;e-post;enhet;rolle\n"
        "Kari;kari@testvik.no;Bakken barnehage;ansatt\n"
        "Ole;ole@testvik.no;Hjemmesykepleien sone Nord;ansatt\n"
    )
    page = text(upload(client, content))
    assert "Linje 2, enhet: fant ingen enhet «Bakken barnehage» blant enhetene du administrerer." in page
    assert (
        "Linje 3, e-post: «ole@testvik.no» tilhører en person som ikke har noen rolle i enhetene "
        "du administrerer." in page
    )
    assert person_with(app, "kari@testvik.no") is None
    assert roles_of(app, "ole@testvik.no") == {("Bakken barnehage", "staff")}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen er tom."),
        (b"   \r\n\r\n", "Filen er tom."),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "Filen ser ikke ut som en CSV-fil."),
        (b"navn;e-post;enhet;rolle\n", "Filen har bare overskriftslinjen, ingen personer."),
        (
            b"navn;e-post;rolle\nKari;kari@testvik.no;ansatt\n",
            "Linje 1: mangler kolonnen «enhet» / «unit».",
        ),
        (b"navn;e-post;enhet;rolle;avdeling\n", "Linje 1: kolonnen «avdeling» er ukjent."),
        (b"navn;e-post;enhet;rolle;name\n", "Linje 1: kolonnen «name» står to ganger."),
    ],
)
def test_file_problems_are_named(app, admin, org, content, message):
    before = counts(app)
    response = upload(admin, content)
    assert response.status_code == 422
    assert message in text(response)
    assert counts(app) == before


def test_a_file_over_2_mb_is_refused(app, admin, org):
    line = "Kari Nordmann;kari@testvik.no;Hjemmesykepleien sone Nord;ansatt\n"
    content = "navn;e-post;enhet;rolle\n" + line * (2 * 1024 * 1024 // len(line) + 1)
    response = upload(admin, content)
    assert response.status_code == 422
    assert "Filen er større enn 2 MB." in text(response)
    assert person_with(app, "kari@testvik.no") is None


def test_a_missing_file_is_a_form_error(admin):
    response = admin.submit(URL, {})
    assert response.status_code == 422
    assert "Velg en fil." in text(response)


def test_the_same_email_with_two_names_is_refused(app, admin, org):
    content = (
        "navn;e-post;enhet;rolle\n"
        "Kari Nordmann;kari@testvik.no;Hjemmesykepleien sone Nord;ansatt\n"
        "Karen Nordmann;KARI@testvik.no;Sjøgløtt sykehjem, 2. etasje;ansatt\n"
    )
    page = text(upload(admin, content))
    assert (
        "Linje 3, navn: e-posten kari@testvik.no står også på linje 2 med et annet navn "
        "(«Kari Nordmann»)." in page
    )
    assert person_with(app, "kari@testvik.no") is None


# The pure core: plain data in, problems or a plan out ------------------------------------------------

UNITS = [
    UnitRef(1, ("Testvik kommune",)),
    UnitRef(2, ("Testvik kommune", "Helse og omsorg")),
    UnitRef(3, ("Testvik kommune", "Helse og omsorg", "Sjøgløtt", "2. etasje")),
    UnitRef(4, ("Testvik kommune", "Helse og omsorg", "Solsiden", "2. etasje")),
    UnitRef(5, ("Testvik kommune", "Helse og omsorg", "Solsiden")),
]


def check(content: str, people: dict[str, PersonRef] | None = None):
    rows, problems = importer.read_rows(content.encode())
    assert problems == []
    return importer.plan_import(rows, UNITS, people or {})


def messages(outcome) -> list[str]:
    assert isinstance(outcome, list), outcome
    return [str(problem) for problem in outcome]


def test_an_ambiguous_unit_asks_for_the_path_and_the_path_works():
    outcome = check("navn,e-post,enhet,rolle\nKari,kari@x.no,2. etasje,ansatt\n")
    assert messages(outcome) == [
        "Linje 2, enhet: det finnes flere enheter som heter «2. etasje». Skriv hele stien med / mellom "
        "nivåene, en av: «Testvik kommune / Helse og omsorg / Sjøgløtt / 2. etasje»; "
        "«Testvik kommune / Helse og omsorg / Solsiden / 2. etasje»."
    ]
    full = check(
        "navn,e-post,enhet,rolle\n"
        "Kari,kari@x.no,Testvik kommune / Helse og omsorg / Solsiden / 2. etasje,ansatt\n"
    )
    assert full.people[0].new_roles == [(4, Role.STAFF)]
    tail = check("navn,e-post,enhet,rolle\nKari,kari@x.no,sjøgløtt/2. ETASJE,ansatt\n")
    assert tail.people[0].new_roles == [(3, Role.STAFF)]


def test_the_plan_updates_only_what_differs_and_skips_roles_held():
    stored = PersonRef(
        id=7,
        name="Kari Nordmann",
        phone="123 45 678",
        job_title="sykepleier",
        roles=frozenset({(5, Role.STAFF)}),
        in_scope=True,
        account_in_scope=True,
    )
    plan = check(
        "navn;e-post;telefon;enhet;rolle;stilling\n"
        "Kari Nordmann;kari@x.no;;Solsiden;ansatt;Sykepleier\n"
        "Kari Nordmann;kari@x.no;;Solsiden;leder;\n",
        {"kari@x.no": stored},
    )
    [kari] = plan.people
    assert (kari.existing_id, kari.changes, kari.new_roles) == (7, {}, [(5, Role.MANAGER)])
    assert (plan.created, plan.updated, plan.roles_granted, plan.unchanged) == (0, 1, 1, 0)

    renamed = check(
        "navn;e-post;enhet;rolle\nKari Nordmann-Berg;KARI@x.no;Solsiden;ansatt\n", {"kari@x.no": stored}
    )
    assert renamed.people[0].changes == {"name": "Kari Nordmann-Berg"}
    assert (renamed.updated, renamed.roles_granted) == (1, 0)


def test_line_numbers_count_physical_lines_and_skip_blank_ones():
    content = (
        "navn,e-post,enhet,rolle\n"
        "\n"
        '"Kari\nNordmann",kari@x.no,Solsiden,ansatt\n'
        ",,,\n"
        "Ola,ola@,Solsiden,ansatt\n"
    )
    outcome = check(content)
    assert messages(outcome) == ["Linje 6, e-post: «ola@» er ikke en gyldig e-postadresse."]


def test_conflicting_phone_for_the_same_email_is_named():
    outcome = check(
        "navn;e-post;telefon;enhet;rolle\n"
        "Kari;k@x.no;411 11 111;Solsiden;ansatt\n"
        "Kari;k@x.no;922 22 222;Solsiden;leder\n"
    )
    assert messages(outcome) == ["Linje 3, telefon: er ulik linje 2 for samme e-post (k@x.no)."]


def test_a_line_with_more_fields_than_the_header_is_named():
    rows, problems = importer.read_rows(b"navn;e-post;enhet;rolle\nKari;k@x.no;Solsiden;ansatt;ekstra\n")
    assert rows == []
    assert [str(p) for p in problems] == [
        "Linje 2: har flere felt enn overskriften. Sjekk skilletegn og anførselstegn."
    ]


def test_problem_text_names_line_and_column():
    assert str(Problem("feil.", line=4, column="email")) == "Linje 4, e-post: feil."
    assert str(Problem("feil.", line=1)) == "Linje 1: feil."
    assert str(Problem("Filen er tom.")) == "Filen er tom."


def test_a_bad_phone_number_is_named_and_a_good_one_kept_in_e164():
    outcome = check(
        "navn;e-post;telefon;enhet;rolle\n"
        "Kari;k@x.no;0047 412 34 567;Solsiden;ansatt\n"
        "Ola;o@x.no;12 34;Solsiden;ansatt\n"
    )
    assert messages(outcome) == ["Linje 3, telefon: «12 34» er ikke et gyldig telefonnummer."]
    good = check("navn;e-post;telefon;enhet;rolle\nKari;k@x.no;0047 412 34 567;Solsiden;ansatt\n")
    assert good.people[0].phone == "+4741234567"


def test_an_end_date_in_either_form_is_read_and_a_bad_one_named():
    good = check(
        "navn;e-post;enhet;rolle;sluttdato\n"
        "Kari;k@x.no;Solsiden;ansatt;31.12.2026\n"
        "Ola;o@x.no;Solsiden;ansatt;2027-01-15\n"
    )
    assert [str(p.ends_on) for p in good.people] == ["2026-12-31", "2027-01-15"]
    bad = check("navn;e-post;enhet;rolle;sluttdato\nKari;k@x.no;Solsiden;ansatt;neste uke\n")
    assert messages(bad) == [
        "Linje 2, sluttdato: «neste uke» er ikke en dato. Skriv for eksempel 31.12.2026 eller "
        "2026-12-31."
    ]


def test_the_import_sets_an_end_date_on_a_new_and_an_existing_person(app, admin, org):
    content = (
        "navn;e-post;telefon;enhet;rolle;sluttdato\n"
        "Vera Vikar;vera@testvik.no;912 34 567;Sjøgløtt sykehjem, 2. etasje;ansatt;31.12.2026\n"
        "Nils Sykepleier;nils@testvik.no;;Sjøgløtt sykehjem, 2. etasje;ansatt;2026-12-24\n"
    )
    response = upload(admin, content)
    assert "Importen er fullført" in text(response)
    vera, nils = person_with(app, "vera@testvik.no"), person_with(app, "nils@testvik.no")
    assert (str(vera.ends_on), vera.phone) == ("2026-12-31", "+4791234567")
    assert str(nils.ends_on) == "2026-12-24"
