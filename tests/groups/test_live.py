"""The phones' poll: a signed token instead of the session, 304 while nothing changed, the new state
at once in the process that made the change and within ``FRESH_FOR`` in the others, no ORM and at
most one statement; the short join address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import appcontext_pushed, request, request_started
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from lms.core.transactions import may_write
from lms.db import utcnow
from lms.extensions import db
from lms.groups import live
from lms.groups.models import GroupParticipant, GroupRun
from lms.groups.services import SEEN_EVERY
from tests.groups.conftest import QUESTION, join, move, poll_url

TRANSACTION_CONTROL = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)", re.I)


@pytest.fixture
def counted_statements(count_queries):
    """``with counted_statements() as seen:``: the SQL statements run, transaction control left out."""
    from contextlib import contextmanager

    @contextmanager
    def counting(app):
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            if not TRANSACTION_CONTROL.match(statement):
                statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return counting


def test_the_phone_polls_without_its_session_and_gets_304_until_the_card_moves(
    run, org, phone, make_client, clock
):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    url = poll_url(aisha, participant_id)
    cookieless = make_client()

    first = cookieless.get(url)
    assert first.status_code == 200
    assert first.json == {"revision": 0, "position": 0, "status": "open"}
    etag = first.headers["ETag"]
    unchanged = cookieless.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag

    move(run.facilitator, run.id, QUESTION)
    changed = cookieless.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    state = changed.json
    assert "data-group-heading>Kort 3 av 10" in state.pop("card")  # the new card comes along
    assert state == {"revision": 1, "position": QUESTION, "status": "open"}
    again = cookieless.get(url, headers={"If-None-Match": changed.headers["ETag"]})
    assert again.status_code == 304


def test_the_poll_tells_a_phone_it_was_taken_off_and_that_the_run_closed(
    run, org, staff, phone, make_client, clock
):
    aisha, other = phone(org.assistant), phone(staff[0])
    aisha_id, other_id = join(aisha, run.code), join(other, run.code)
    aisha_url, other_url = poll_url(aisha, aisha_id), poll_url(other, other_id)
    cookieless = make_client()

    run.facilitator.submit(f"/groups/runs/{run.id}/people/{aisha_id}/remove")
    assert cookieless.get(aisha_url).json["status"] == "left"
    assert cookieless.get(other_url).json["status"] == "open"

    run.facilitator.submit(f"/groups/runs/{run.id}/close")
    assert cookieless.get(aisha_url).json["status"] == "closed"
    assert cookieless.get(other_url).json == {"revision": 1, "position": 0, "status": "closed"}


def test_a_forged_damaged_or_expired_token_is_refused(run, org, phone, make_client, app, monkeypatch):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    url = poll_url(aisha, participant_id)
    token = url.split("?")[0].rsplit("/", 1)[1]
    cookieless = make_client()
    assert cookieless.get(url).status_code == 200

    other_secret = URLSafeTimedSerializer("not-the-apps-secret", salt=live.TOKEN_SALT)
    forged = other_secret.dumps([participant_id, run.id])
    damaged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with app.app_context():
        not_a_pair = live.states().serializer.dumps("hello")
        with monkeypatch.context() as past:
            issued = utcnow() - timedelta(hours=live.TOKEN_HOURS, minutes=1)
            past.setattr(TimestampSigner, "get_timestamp", lambda _self: int(issued.timestamp()))
            expired = live.states().serializer.dumps([participant_id, run.id])
    for bad in (forged, damaged, not_a_pair, expired, "x"):
        response = cookieless.get(f"/groups/live/{bad}")
        assert response.status_code == 403, bad
        assert b"revision" not in response.get_data()


def test_the_poll_runs_at_most_one_statement_and_never_reads_a_person(
    run, org, phone, app, clock, counted_statements
):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    url = poll_url(aisha, participant_id)
    move(run.facilitator, run.id, QUESTION)  # committed here: this process reads the run again

    # With the phone's session cookie sent along, as a browser without ``credentials: "omit"``
    # would: it is not looked at.
    with counted_statements(app) as stale:
        assert aisha.get(url).json["position"] == QUESTION
    contexts: list[object] = []
    with counted_statements(app) as fresh, appcontext_pushed.connected_to(contexts.append, app):
        for _ in range(5):
            assert aisha.get(url, headers={"If-None-Match": f'"{run.id}.1.open"'}).status_code == 304
    assert len(stale) == 1 and "group_runs" in stale[0]
    assert "people" not in stale[0] and "sessions" not in stale[0]
    assert fresh == []
    assert contexts == []  # answered from the process's memory, without an app context


def test_another_process_s_change_shows_once_the_copy_is_older_than_fresh_for(
    run, org, phone, make_client, app, clock
):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    url = poll_url(aisha, participant_id)
    cookieless = make_client()
    assert cookieless.get(url).json["position"] == 0

    with app.app_context():  # as another worker would: a plain UPDATE, committed, no ORM event here
        table = GroupRun.__table__
        db.session.execute(
            sa.update(table).where(table.c.id == run.id).values(position=QUESTION, revision=1)
        )
        db.session.commit()
    assert cookieless.get(url).json["position"] == 0
    clock.move(live.FRESH_FOR + 0.01)
    assert cookieless.get(url).json == {"revision": 1, "position": QUESTION, "status": "open"}


def test_the_phones_heard_from_are_written_as_seen_together_every_half_minute(
    run, org, staff, phone, make_client, app, clock, counted_statements
):
    phones = [phone(person) for person in (org.assistant, staff[0], staff[1])]
    ids = [join(client, run.code) for client in phones]
    urls = [poll_url(client, pid) for client, pid in zip(phones, ids, strict=True)]
    long_ago = utcnow() - timedelta(minutes=10)
    with app.app_context():
        for pid in ids:
            db.session.get(GroupParticipant, pid).last_seen_at = long_ago
        db.session.commit()
    cookieless = make_client()
    for url in urls[:2]:
        cookieless.get(url)

    clock.move(SEEN_EVERY.total_seconds() - 1)
    cookieless.get(urls[0])
    with app.app_context():
        assert all(db.session.get(GroupParticipant, pid).last_seen_at == long_ago for pid in ids)

    clock.move(1)
    with counted_statements(app) as statements:
        cookieless.get(urls[0])
    assert len([s for s in statements if s.lstrip().upper().startswith("UPDATE")]) == 1
    with app.app_context():
        seen = [db.session.get(GroupParticipant, pid).last_seen_at for pid in ids]
    assert seen[0] > long_ago and seen[1] > long_ago
    assert seen[2] == long_ago  # that phone never polled


def test_the_short_join_address_leads_to_the_join_page(run, make_client):
    stranger = make_client()
    response = stranger.get(f"/j/{run.code.lower()[:3]}-{run.code.lower()[3:]}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/join/{run.code}")
    assert stranger.get(response.headers["Location"]).headers["Location"].startswith("/login")
    assert stranger.get("/j/--").headers["Location"].endswith("/join")


def test_the_poll_and_a_rendered_card_are_answered_ahead_of_flask_with_the_security_headers(
    run, org, phone, make_client, app, clock
):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    url = poll_url(aisha, participant_id)
    card_url = url.replace("?", "/card?")
    cookieless = make_client()
    dispatched: list[str] = []

    def note(_sender, **_extra):
        dispatched.append(request.path)

    with request_started.connected_to(note, app):
        first = cookieless.get(url)
        unchanged = cookieless.get(url, headers={"If-None-Match": first.headers["ETag"]})
        head = cookieless.head(url)
        refused = cookieless.get(f"{live.POLL_PATH}forged")
        rendered = cookieless.get(card_url)  # the first in this process: Flask renders it
        card = cookieless.get(card_url)
        posted = cookieless.post(url)
    # Only the first card and the POST reach Flask.
    assert dispatched == [card_url.split("?")[0], url.split("?")[0]]
    assert card.status_code == 200 and card.get_data() == rendered.get_data()
    assert card.headers["Cache-Control"] == "no-store, private"
    assert posted.status_code == 405
    assert (first.status_code, unchanged.status_code, refused.status_code) == (200, 304, 403)
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == str(len(first.get_data()))
    for answer in (first, unchanged, refused, card):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert "Set-Cookie" not in answer.headers
    for answer in (first, unchanged, refused):
        assert answer.headers["Cache-Control"] == "no-cache, private"
    assert first.headers["Content-Type"] == "application/json"


def test_the_poll_reads_the_run_without_taking_the_write_lock(
    run, org, phone, make_client, clock, monkeypatch
):
    aisha = phone(org.assistant)
    url = poll_url(aisha, join(aisha, run.code))
    read_state, began_as_writer = live.read_state, []

    def reading(run_id: int, now: float):
        began_as_writer.append(may_write())
        return read_state(run_id, now)

    monkeypatch.setattr(live, "read_state", reading)
    assert make_client().get(url).status_code == 200
    assert began_as_writer == [False]
