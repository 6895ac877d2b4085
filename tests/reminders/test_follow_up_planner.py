"""A practice task's follow-up in the pure planner: on a later shift (never the one the commitment
was made on), in a learning window and never in rest, inside the weekly cap and ranked after
required learning, once."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from lms.reminders import planner
from lms.reminders.planner import Item, Policy, Preferences, Sent
from tests.reminders.rotas import OSLO, THREE_PART_SIX_WEEKS, broken_rules, local, rota

MONDAY = date(2026, 3, 23)
PREFS = Preferences()
POLICY = Policy()
REF = "p:1:7"


def follow_up(committed_at, shifts) -> Item:
    return planner.follow_up_item(REF, committed_at, shifts)


def plan(now, shifts, items, *, prefs=PREFS, policy=POLICY, sent=()):
    return planner.plan(now, shifts, prefs, policy, items, sent, horizon=timedelta(days=21))


def when(reminder) -> str:
    return reminder.send_at.astimezone(OSLO).strftime("%a %d.%m %H:%M")


def test_it_comes_on_the_next_shift_not_the_one_it_was_made_on():
    """Committed on Monday's day shift at 09:00: Monday's window (13:30) is the same shift, so the
    follow-up goes in Tuesday's window."""
    shifts = rota(MONDAY, ["DDDDD--"])
    committed = local(MONDAY, time(9))
    assert planner.follow_up_opens(committed, shifts) == local(MONDAY + timedelta(days=1), time(7, 30))
    [reminder] = plan(committed, shifts, [follow_up(committed, shifts)])
    assert reminder.key == f"{REF}:opens"
    assert when(reminder) == "Tue 24.03 13:30"


def test_a_commitment_made_at_home_waits_for_a_shift_twelve_hours_later():
    """Committed at 20:00 on Sunday, off duty; Monday's day shift starts 11.5 hours later, so the
    follow-up waits for Tuesday's."""
    shifts = rota(MONDAY, ["DDDDD--"])
    committed = local(MONDAY - timedelta(days=1), time(20))
    [reminder] = plan(committed, shifts, [follow_up(committed, shifts)])
    assert when(reminder) == "Tue 24.03 13:30"


def test_never_in_the_rest_after_nights_nor_at_night_unless_chosen():
    """Committed on Monday's day shift; nights follow from Tuesday to Thursday, then days. The
    night windows (23:30) are in quiet hours, so without night_ok it waits for the next day
    shift's window; with night_ok it goes in Tuesday night's window."""
    shifts = rota(MONDAY, ["DNNN--D"])
    committed = local(MONDAY, time(10))
    items = [follow_up(committed, shifts)]
    [reminder] = plan(committed, shifts, items)
    assert when(reminder) == "Sun 29.03 13:30"
    assert broken_rules([reminder], shifts, PREFS, POLICY, now=committed) == []

    night_owl = Preferences(night_ok=True)
    [reminder] = plan(committed, shifts, items, prefs=night_owl)
    assert when(reminder) == "Tue 24.03 23:30"
    assert broken_rules([reminder], shifts, night_owl, POLICY, now=committed) == []


@pytest.mark.parametrize("day", range(0, 42, 3))
def test_on_a_real_rota_it_breaks_no_rule(day):
    """A commitment every third day over the six-week rotation (both quick returns and night runs)."""
    shifts = rota(MONDAY, THREE_PART_SIX_WEEKS)
    committed = local(MONDAY + timedelta(days=day), time(12))
    reminders = plan(committed, shifts, [follow_up(committed, shifts)])
    assert broken_rules(reminders, shifts, PREFS, POLICY, now=committed) == []
    for reminder in reminders:
        assert reminder.send_at >= committed + planner.FOLLOW_UP_GAP
        assert reminder.send_at < committed + planner.FOLLOW_UP_WITHIN


def test_without_a_roster_it_goes_two_days_later_in_office_hours():
    committed = local(MONDAY, time(16))
    [reminder] = plan(committed, [], [follow_up(committed, [])])
    assert when(reminder) == "Thu 26.03 09:00", "Wednesday 16:00 is after office hours"


def test_none_when_no_shift_leaves_room_within_two_weeks():
    """A roster with nothing but nights for which the person did not choose reminders: no window
    within 14 days, so nothing is planned (rather than asking weeks later)."""
    shifts = rota(MONDAY, ["NNNNNNN", "NNNNNNN", "NNNNNNN"])
    committed = local(MONDAY, time(1))
    assert plan(committed, shifts, [follow_up(committed, shifts)]) == []


def test_it_counts_in_the_weekly_cap_and_waits_behind_required_learning():
    """Two assignments open this week take the cap of two; the follow-up (its first reminder, but
    ranked after required learning) waits for next week's room."""
    shifts = rota(MONDAY, ["DDDDD--", "DDDDD--"])
    committed = local(MONDAY, time(8))
    assignments = [
        Item(ref=f"a:1:module-{n}:2026-04-20", opens=local(MONDAY, time(0)), due=date(2026, 4, 20))
        for n in range(2)
    ]
    items = [*assignments, follow_up(committed, shifts)]
    planned = plan(committed, shifts, items)
    assert {r.item for r in planned} == {a.ref for a in assignments}
    assert all(planner.week_of(r.send_at, OSLO) == MONDAY for r in planned)

    sent = [Sent(r.key, r.send_at) for r in planned]
    next_monday = local(MONDAY + timedelta(days=7), time(0))
    [later] = plan(next_monday, shifts, items, sent=sent)
    assert (later.item, when(later)) == (REF, "Mon 30.03 13:30"), "the planner runs again next week"


def test_a_reminder_already_sent_this_week_leaves_room_for_one():
    shifts = rota(MONDAY, ["DDDDD--"])
    committed = local(MONDAY, time(8))
    sent = [Sent("a:1:other:2026-04-20:opens", local(MONDAY, time(13, 30)))]
    [reminder] = plan(committed, shifts, [follow_up(committed, shifts)], sent=sent)
    assert when(reminder) == "Tue 24.03 13:30"
    sent.append(Sent("w:1:5:opens", local(MONDAY, time(16))))
    assert plan(committed, shifts, [follow_up(committed, shifts)], sent=sent) == [], "the cap is used"


def test_it_takes_its_place_before_an_assignments_second_reminder_of_the_week():
    """Each item's first reminder of the week comes before any item's second: an assignment's
    "due in a week" after its "opens" in the same week gives way to the follow-up."""
    shifts = rota(MONDAY, ["DDDDD--"])
    committed = local(MONDAY, time(8))
    assignment = Item(ref="a:1:m:2026-04-02", opens=local(MONDAY, time(0)), due=date(2026, 4, 2))
    planned = plan(committed, shifts, [assignment, follow_up(committed, shifts)])
    assert [(r.item, r.stage.value, when(r)) for r in planned] == [
        ("a:1:m:2026-04-02", "opens", "Mon 23.03 13:30"),
        (REF, "opens", "Tue 24.03 13:30"),
    ]


def test_once_sent_it_is_never_planned_again():
    shifts = rota(MONDAY, ["DDDDD--", "DDDDD--"])
    committed = local(MONDAY, time(9))
    [reminder] = plan(committed, shifts, [follow_up(committed, shifts)])
    sent = [Sent(reminder.key, reminder.send_at)]
    later = reminder.send_at + timedelta(minutes=1)
    assert plan(later, shifts, [follow_up(committed, shifts)], sent=sent) == []
