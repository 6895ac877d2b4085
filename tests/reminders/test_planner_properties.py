"""Property-based: for any rota, preferences, policy, items and history, no planned reminder falls in
a forbidden period, required learning stays in paid time, and the weekly cap holds; and the planner
does plan: an item with a suitable time before the horizon gets a reminder, the cap takes away only
what is over it, and snoozing finds a time once the rota leaves room for one."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.reminders import planner
from lms.reminders.planner import Item, Policy, Preferences, Sent, Shift, ShiftKind, Window
from lms.shifts import working_time
from tests.reminders.rotas import OSLO, broken_rules, in_learning_window, local

BASES = [date(2026, 3, 23), date(2026, 10, 19), date(2026, 6, 1), date(2026, 12, 21)]
"""Mondays of weeks with the spring change, the autumn change, summer and Christmas."""


@st.composite
def shifts(draw, base: date) -> list[Shift]:
    made: list[Shift] = []
    cursor = local(base - timedelta(days=2), time(0))
    for _ in range(draw(st.integers(0, 24))):
        cursor += timedelta(minutes=draw(st.integers(0, 60 * 60)))
        local_start = cursor.astimezone(OSLO)
        start = local(local_start.date(), time(local_start.hour, draw(st.sampled_from([0, 30]))))
        if made and start < made[-1].end:
            start = made[-1].end
        end = start + timedelta(minutes=draw(st.integers(3 * 60, 13 * 60)))
        made.append(Shift(start, end, working_time.shift_kind(start, end, OSLO)))
        cursor = end
    return made


@st.composite
def scenarios(draw):
    base = draw(st.sampled_from(BASES))
    rota = draw(shifts(base))
    quiet_start = time(draw(st.integers(19, 23)), draw(st.sampled_from([0, 30])))
    quiet_end = time(draw(st.integers(5, 9)), draw(st.sampled_from([0, 30])))
    prefs = Preferences(quiet_start=quiet_start, quiet_end=quiet_end, night_ok=draw(st.booleans()))
    windows = {
        kind: Window(
            timedelta(minutes=draw(st.integers(0, 10 * 60))),
            timedelta(minutes=draw(st.integers(15, 180))),
        )
        for kind in ShiftKind
    }
    policy = Policy(windows=windows, weekly_cap=draw(st.integers(1, 4)))
    now = local(base, time(0)) + timedelta(minutes=draw(st.integers(0, 7 * 24 * 60)))
    items = []
    for n in range(draw(st.integers(1, 6))):
        due = base + timedelta(days=draw(st.integers(-10, 30)))
        opens = now - timedelta(days=draw(st.integers(0, 20)))
        items.append(Item(f"a:1:m{n}:{due}", opens=opens, due=due, required=draw(st.booleans())))
    for n in range(draw(st.integers(0, 2))):
        committed = now - timedelta(minutes=draw(st.integers(0, 16 * 24 * 60)))
        items.append(planner.follow_up_item(f"p:1:{n}", committed, rota))
    sent = []
    for n in range(draw(st.integers(0, 4))):
        at = now - timedelta(hours=draw(st.integers(1, 24 * 10)))
        sent.append(Sent(f"x:{n}", at, counts=draw(st.booleans())))
    return now, rota, prefs, policy, items, sent


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_no_reminder_in_a_forbidden_period_and_the_cap_holds(scenario):
    now, rota, prefs, policy, items, sent = scenario
    planned = planner.plan(now, rota, prefs, policy, items, sent, horizon=timedelta(weeks=3))

    assert broken_rules(planned, rota, prefs, policy, now=now, required=False, sent=sent) == []
    required = {item.ref for item in items if item.required}
    for reminder in planned:
        if reminder.item in required and rota:
            assert in_learning_window(reminder.send_at, rota, policy), reminder
    weeks = Counter(planner.week_of(r.send_at, OSLO) for r in planned)
    counted = Counter(planner.week_of(s.at, OSLO) for s in sent if s.counts)
    for week, count in weeks.items():
        assert count + counted[week] <= policy.weekly_cap
    assert len({r.key for r in planned}) == len(planned), "each key at most once"
    for reminder in planned:
        item = next(i for i in items if i.ref == reminder.item)
        if item.until is not None:
            assert item.opens <= reminder.send_at < item.until, reminder

    uncapped = planner.plan(
        now, rota, prefs, replace(policy, weekly_cap=10**6), items, sent, horizon=timedelta(weeks=3)
    )
    assert set(planned) <= set(uncapped)
    in_week = Counter(planner.week_of(r.send_at, OSLO) for r in uncapped)
    for week, count in in_week.items():
        assert weeks[week] == min(count, max(0, policy.weekly_cap - counted[week])), week
    planned_items = {r.item for r in uncapped}
    for item in items:
        if _has_a_suitable_time(item, now, now + timedelta(weeks=3), rota, prefs, policy):
            assert item.ref in planned_items, item


def _has_a_suitable_time(item: Item, now: datetime, end: datetime, rota, prefs, policy) -> bool:
    """Whether ``item``'s last stage (overdue, never superseded) finds a time of its kind (a learning
    window for a required item, free time otherwise) from its trigger or ``now`` to ``end`` (or
    the item's latest time)."""
    start = max(now, planner.stage_triggers(item, OSLO)[-1][1])
    end = min(end, item.until) if item.until is not None else end
    if start >= end or (item.required and not rota):
        return False
    found = planner.next_suitable_time(
        start, rota, prefs, policy, required=item.required, horizon=end - start
    )
    if found is None or found >= end:
        return False
    return not item.required or in_learning_window(found, rota, policy)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_snoozing_never_lands_in_a_forbidden_period(scenario):
    now, rota, prefs, policy, _items, _sent = scenario
    found = planner.next_suitable_time(now, rota, prefs, policy, required=True)
    if found is not None:
        reminder = planner.Reminder("k", "i", planner.Stage.OPENS, found)
        assert broken_rules([reminder], rota, prefs, policy, now=now, required=False) == []
    # Quiet hours end by 09:30 and start from 19:00, and a night's rest ends on the day the night
    # does: from the day after the last shift, every day has free time, and office hours come
    # within three days.
    free_from = max([now, *(shift.end for shift in rota)]).astimezone(OSLO).date()
    latest = local(free_from + timedelta(days=4), time(0))
    if latest < now + timedelta(days=28):
        assert found is not None and now <= found < latest


def test_the_strategy_reaches_dst_weeks():
    assert any(
        datetime.combine(base, time(12), tzinfo=OSLO).utcoffset()
        != datetime.combine(base + timedelta(days=7), time(12), tzinfo=OSLO).utcoffset()
        for base in BASES
    )
