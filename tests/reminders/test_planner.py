"""The planner over real rota patterns: every rule holds, across both daylight-saving changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from lms.reminders import planner
from lms.reminders.planner import Item, Policy, Preferences, Sent, ShiftKind, Stage
from lms.shifts import working_time
from tests.reminders.rotas import (
    OSLO,
    THREE_PART_SIX_WEEKS,
    broken_rules,
    in_learning_window,
    local,
    rota,
)

SPRING = date(2026, 3, 29)  # clocks go forward in Oslo: 02:00 -> 03:00
AUTUMN = date(2026, 10, 25)  # clocks go back: 03:00 -> 02:00
PREFS = Preferences()
POLICY = Policy()


def items_due(start: datetime, count: int, every: timedelta, first_due: date) -> list[Item]:
    return [
        Item(ref=f"a:1:module-{n}:{first_due + n * every}", opens=start, due=first_due + n * every)
        for n in range(count)
    ]


def plan_weeks(shifts, items, *, now, weeks=6, prefs=PREFS, policy=POLICY, sent=()):
    """Plan again at every send time, as the scheduler does, marking each as sent."""
    sent = list(sent)
    horizon_end = now + timedelta(weeks=weeks)
    sent_reminders = []
    at = now
    while at < horizon_end:
        planned = planner.plan(at, shifts, prefs, policy, items, sent, horizon=horizon_end - at)
        if not planned:
            break
        first = planned[0]
        sent.append(Sent(first.key, first.send_at))
        sent_reminders.append(first)
        at = first.send_at + timedelta(minutes=1)
    return sent_reminders


# Shift kinds and local times ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "kind"),
    [
        (time(7, 30), time(15, 30), ShiftKind.DAY),
        (time(15, 0), time(22, 30), ShiftKind.EVENING),
        (time(21, 30), time(7, 30), ShiftKind.NIGHT),
        (time(8, 0), time(20, 0), ShiftKind.LONG),
    ],
)
def test_kinds_are_derived_from_the_times(start, end, kind):
    day = date(2026, 5, 4)
    starts = local(day, start)
    ends = local(day + timedelta(days=1) if end <= start else day, end)
    assert working_time.shift_kind(starts, ends, OSLO) is kind


def test_a_night_shift_over_the_spring_change_is_an_hour_shorter():
    [night] = rota(date(2026, 3, 23), ["-----N-"])  # Saturday 28 March 21:30 -> Sunday 07:30
    assert night.start == datetime.fromisoformat("2026-03-28T20:30+00:00")
    assert night.end == datetime.fromisoformat("2026-03-29T05:30+00:00")
    assert night.end - night.start == timedelta(hours=9)


def test_a_night_shift_over_the_autumn_change_is_an_hour_longer():
    [night] = rota(date(2026, 10, 19), ["-----N-"])  # Saturday 24 October 21:30 -> Sunday 07:30
    assert night.end - night.start == timedelta(hours=11)
    assert night.end.astimezone(OSLO).hour == 7


# Real rotas ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first_monday", [date(2026, 3, 16), date(2026, 10, 12)], ids=["spring", "autumn"]
)
def test_three_part_rotation_over_six_weeks_keeps_every_rule(first_monday):
    shifts = rota(first_monday, THREE_PART_SIX_WEEKS)
    now = local(first_monday, time(0))
    items = items_due(now, 4, timedelta(days=9), first_monday + timedelta(days=8))
    sent = plan_weeks(shifts, items, now=now)
    assert broken_rules(sent, shifts, PREFS, POLICY, now=now) == []
    assert len(sent) >= 8, "the rota leaves room for reminders in most weeks"
    weeks = {planner.week_of(r.send_at, OSLO) for r in sent}
    assert len(weeks) >= 5
    change = SPRING if first_monday.month == 3 else AUTUMN
    assert any(abs((r.send_at.astimezone(OSLO).date() - change).days) <= 7 for r in sent)


@pytest.mark.parametrize(
    "first_monday", [date(2026, 3, 16), date(2026, 10, 12)], ids=["spring", "autumn"]
)
def test_plans_made_at_once_keep_every_rule_too(first_monday):
    shifts = rota(first_monday, THREE_PART_SIX_WEEKS)
    now = local(first_monday, time(9))
    items = items_due(now, 6, timedelta(days=5), first_monday + timedelta(days=3))
    planned = planner.plan(now, shifts, PREFS, POLICY, items, horizon=timedelta(weeks=6))
    assert planned
    assert broken_rules(planned, shifts, PREFS, POLICY, now=now) == []


def test_learning_windows_follow_shift_start_in_local_time_across_the_spring_change():
    # Sunday 29 March: a day shift 07:30 (summer time from 03:00): window 13:30-14:30 local.
    shifts = rota(date(2026, 3, 23), ["------D"])
    now = local(date(2026, 3, 29), time(0))
    item = Item("a:1:m:2026-04-10", opens=now, due=date(2026, 4, 10))
    [first, *_] = planner.plan(now, shifts, PREFS, POLICY, [item])
    assert first.send_at.astimezone(OSLO).replace(tzinfo=None) == datetime(2026, 3, 29, 13, 30)


def test_evening_window_is_four_hours_after_start_across_the_autumn_change():
    shifts = rota(date(2026, 10, 19), ["------E"])  # Sunday 25 October 15:00
    now = local(date(2026, 10, 25), time(0))
    item = Item("a:1:m:2026-11-10", opens=now, due=date(2026, 11, 10))
    [first] = planner.plan(now, shifts, PREFS, POLICY, [item])
    assert first.send_at.astimezone(OSLO).replace(tzinfo=None) == datetime(2026, 10, 25, 19, 0)


def test_long_weekend_shifts_get_the_nudge_six_hours_in():
    shifts = rota(date(2026, 5, 4), ["-----LL"])
    now = local(date(2026, 5, 4), time(0))
    item = Item("a:1:m:2026-05-30", opens=now, due=date(2026, 5, 30))
    planned = planner.plan(now, shifts, PREFS, POLICY, [item])
    assert [r.send_at.astimezone(OSLO).strftime("%a %H:%M") for r in planned] == ["Sat 14:00"]
    assert shifts[0].kind is ShiftKind.LONG


def test_nothing_in_a_quick_return_gap():
    # Evening Monday until 22:30, day shift Tuesday 07:30: 9 hours between, none of it usable.
    shifts = rota(date(2026, 5, 4), ["ED-----"])
    now = local(date(2026, 5, 4), time(22, 31))
    item = Item("s:1:session", opens=now, due=None, required=False)
    [first] = planner.plan(now, shifts, PREFS, POLICY, [item])
    assert first.send_at >= shifts[1].start
    assert broken_rules([first], shifts, PREFS, POLICY, now=now, required=False) == []


@pytest.mark.parametrize(
    ("week", "hours"),
    [
        # Night Monday to Tuesday 07:30, evening Tuesday from 15:00: a quick return of 7.5 hours;
        # the plan looks as far as 14:31, before the evening shift.
        ("NE-----", 7),
        # Nights Monday and Tuesday: the day between is sleep; the plan looks as far as 19:31.
        ("NN-----", 12),
    ],
)
def test_the_rest_before_a_shift_past_the_horizon_is_kept_free(week, hours):
    shifts = rota(date(2026, 5, 4), [week])
    now = local(date(2026, 5, 5), time(7, 31))
    item = Item("s:1:session", opens=now, required=False)
    assert planner.plan(now, shifts, PREFS, POLICY, [item], horizon=timedelta(hours=hours)) == []


def test_nothing_in_the_rest_after_a_run_of_nights():
    # Nights Monday, Tuesday, Wednesday; the last ends Thursday 07:30: nothing before Thursday 14:00.
    shifts = rota(date(2026, 5, 4), ["NNN----"])
    now = local(date(2026, 5, 5), time(7, 31))  # after the first night
    item = Item("s:1:session", opens=now, required=False)
    [first] = planner.plan(now, shifts, PREFS, POLICY, [item])
    assert first.send_at.astimezone(OSLO).replace(tzinfo=None) == datetime(2026, 5, 7, 14, 0)


def test_the_rest_after_nights_holds_when_the_last_night_ends_on_the_spring_change():
    shifts = rota(date(2026, 3, 23), ["----NN-"])  # Fri and Sat nights, the last ends Sun 29 March
    now = local(date(2026, 3, 28), time(7, 31))
    item = Item("s:1:session", opens=now, required=False)
    [first] = planner.plan(now, shifts, PREFS, POLICY, [item])
    assert first.send_at.astimezone(OSLO).replace(tzinfo=None) == datetime(2026, 3, 29, 14, 0)
    assert first.send_at == datetime.fromisoformat("2026-03-29T12:00+00:00")


def test_night_windows_fall_in_quiet_hours_unless_the_person_chose_them():
    shifts = rota(date(2026, 5, 4), ["N------"])
    now = local(date(2026, 5, 4), time(12))
    item = Item("a:1:m:2026-05-30", opens=now, due=date(2026, 5, 30))
    assert planner.plan(now, shifts, PREFS, POLICY, [item]) == []
    chose = Preferences(night_ok=True)
    [at_night] = planner.plan(now, shifts, chose, POLICY, [item])
    assert at_night.send_at.astimezone(OSLO).strftime("%H:%M") == "23:30"
    assert broken_rules([at_night], shifts, chose, POLICY, now=now) == []


def test_required_learning_goes_only_inside_paid_time():
    shifts = rota(date(2026, 5, 4), THREE_PART_SIX_WEEKS[:2])
    now = local(date(2026, 5, 4), time(0))
    items = items_due(now, 3, timedelta(days=3), date(2026, 5, 6))
    planned = planner.plan(now, shifts, PREFS, Policy(weekly_cap=10), items, horizon=timedelta(weeks=2))
    assert planned and all(in_learning_window(r.send_at, shifts, POLICY) for r in planned)


def test_people_without_a_rota_get_required_learning_in_office_hours():
    now = local(date(2026, 5, 2), time(12))  # a Saturday
    item = Item("a:1:m:2026-05-30", opens=now, due=date(2026, 5, 30))
    [first] = planner.plan(now, [], PREFS, POLICY, [item])
    assert first.send_at.astimezone(OSLO).strftime("%a %H:%M") == "Mon 09:00"


# Escalation, the cap, done items ----------------------------------------------------------------


def test_escalation_opens_seven_days_one_day_overdue():
    shifts = rota(date(2026, 5, 4), ["DDDDD--", "DDDDD--", "DDDDD--", "DDDDD--"])
    now = local(date(2026, 5, 4), time(0))
    item = Item("a:1:m:2026-05-20", opens=now, due=date(2026, 5, 20))  # a Wednesday
    sent = plan_weeks(shifts, [item], now=now, weeks=4, policy=Policy(weekly_cap=5))
    assert [(r.stage, r.send_at.astimezone(OSLO).strftime("%a %d %H:%M")) for r in sent] == [
        (Stage.OPENS, "Mon 04 13:30"),
        (Stage.WEEK, "Wed 13 13:30"),
        (Stage.DAY, "Tue 19 13:30"),
        (Stage.OVERDUE, "Thu 21 13:30"),
    ]


def test_a_stage_that_cannot_come_before_the_next_is_superseded():
    shifts = rota(date(2026, 5, 4), ["-----DD", "DDDDD--"])
    now = local(date(2026, 5, 4), time(0))
    item = Item("a:1:m:2026-05-12", opens=now, due=date(2026, 5, 12))  # 7-day stage is 5 May
    planned = planner.plan(now, shifts, PREFS, Policy(weekly_cap=5), [item])
    assert [r.stage for r in planned] == [Stage.WEEK, Stage.DAY, Stage.OVERDUE]


def test_the_weekly_cap_counts_every_kind_and_keeps_the_most_urgent():
    shifts = rota(date(2026, 5, 4), ["DDDDDDD"])
    now = local(date(2026, 5, 4), time(0))
    items = [
        Item("a:1:later:2026-06-30", opens=now, due=date(2026, 6, 30)),
        Item("a:1:late:2026-05-01", opens=now - timedelta(days=30), due=date(2026, 5, 1)),
        Item("a:1:soon:2026-05-08", opens=now - timedelta(days=1), due=date(2026, 5, 8)),
    ]
    digest = Sent("digest:1:2026-W19", now, counts=False)
    planned = planner.plan(now, shifts, PREFS, POLICY, items, [digest])
    assert [r.key for r in planned] == ["a:1:late:2026-05-01:overdue", "a:1:soon:2026-05-08:week"]
    already = [Sent("s:1:session:opens", now + timedelta(hours=9))]
    planned = planner.plan(now, shifts, PREFS, POLICY, items, already)
    assert [r.key for r in planned] == ["a:1:late:2026-05-01:overdue"]


def test_nothing_for_a_done_item_and_nothing_sent_twice():
    shifts = rota(date(2026, 5, 4), ["DDDDD--"])
    now = local(date(2026, 5, 4), time(0))
    item = Item("a:1:m:2026-05-30", opens=now, due=date(2026, 5, 30))
    [first] = planner.plan(now, shifts, PREFS, POLICY, [item])
    assert planner.plan(now, shifts, PREFS, POLICY, []) == []
    assert planner.plan(now, shifts, PREFS, POLICY, [item], [Sent(first.key, first.send_at)]) == []


def test_snooze_goes_to_the_next_suitable_time():
    shifts = rota(date(2026, 5, 4), ["DN-----"])
    after = local(date(2026, 5, 4), time(14, 0))  # inside Monday's window (13:30-14:30)
    found = planner.next_suitable_time(after + timedelta(hours=1), shifts, PREFS, POLICY)
    # Tuesday's night window is in quiet hours and Wednesday is rest after the night: no paid time
    # left, so the snooze falls back to free time, which must still keep every rule.
    assert found is not None
    assert (
        broken_rules(
            [planner.Reminder("k", "i", Stage.OPENS, found)],
            shifts,
            PREFS,
            POLICY,
            now=after,
            required=False,
        )
        == []
    )
