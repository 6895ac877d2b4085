"""The admin page and the commands show the outbox's state and act on it."""

import json

import sqlalchemy as sa

from lms.cli import main
from lms.extensions import db
from tests.tracking.test_learning_statements import take_module
from xapi import outbox


def test_an_admin_sees_waiting_and_dead_statements_and_can_retry_them(app, client, org, fixture_module):
    with app.test_request_context():
        take_module(db.session.merge(org.nurse), fixture_module)
        first = db.session.scalar(sa.select(sa.func.min(outbox.outbox.c.id)))
        db.session.execute(
            outbox.outbox.update()
            .where(outbox.outbox.c.id == first)
            .values(status=outbox.DEAD, last_error="400: verb.id must be an IRI")
        )
        db.session.commit()
    client.sign_in(org.admin)
    page = client.get("/admin/xapi/").get_data(as_text=True)
    assert "den innebygde LRS-en" in page
    assert "verb.id must be an IRI" in page

    client.submit("/admin/xapi/retry-dead")
    with app.app_context():
        assert outbox.status(db.session).dead == 0


def test_staff_and_managers_cannot_open_the_page(client, org):
    for person in (org.nurse, org.manager):
        client.sign_in(person)
        assert client.get("/admin/xapi/").status_code == 403
        client.submit("/logout")


def test_the_commands_deliver_to_the_built_in_lrs_and_reconcile_finds_nothing_missing(
    app, org, fixture_module
):
    with app.test_request_context():
        take_module(db.session.merge(org.nurse), fixture_module)
        db.session.commit()
        recorded = outbox.status(db.session).pending
    runner = app.test_cli_runner()
    delivered = runner.invoke(main, ["xapi", "deliver"])
    assert f"sent {recorded}" in delivered.output
    status = runner.invoke(main, ["xapi", "status"])
    assert "pending: 0" in status.output
    assert f"sent: {recorded}" in status.output
    reconciled = runner.invoke(main, ["xapi", "reconcile"])
    assert reconciled.exit_code == 0, reconciled.output
    assert "0 sent statements missing" in reconciled.output


def test_reconcile_reports_a_statement_the_lrs_lost(app, org, fixture_module):
    from xapi.lrs.tables import statements

    with app.test_request_context():
        take_module(db.session.merge(org.nurse), fixture_module)
        db.session.commit()
    runner = app.test_cli_runner()
    runner.invoke(main, ["xapi", "deliver"])
    with app.app_context():
        lost = json.loads(db.session.execute(outbox.outbox.select().limit(1)).first().statement)["id"]
        db.session.execute(statements.delete().where(statements.c.statement_id == lost))
        db.session.commit()
    reconciled = runner.invoke(main, ["xapi", "reconcile"])
    assert reconciled.exit_code == 1
    assert f"missing: {lost}" in reconciled.output
