"""The slot finder's core, without a database or a clock: only coming times, the group's shared
working time first, never a time in anyone's rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lms.shifts.working_time import Shift, shift_kind
from lms.workshops.slots import candidate_times, rank_slots

OSLO = ZoneInfo("Europe/Oslo")
TUESDAY = date(2026, 9, 1)
HOUR = timedelta(hours=1)


def at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=OSLO)


def shift(day: date, start: str, end: str) -> Shift:
    begins = at(day, start)
    ends = at(day if end > start else day + timedelta(days=1), end)
    return Shift(begins, ends, shift_kind(begins, ends, OSLO))


def every_day(start: str, end: str, days: int = 7, first: date = TUESDAY) -> list[Shift]:
    return [shift(first + timedelta(days=n), start, end) for n in range(days)]


def local(moment: datetime) -> str:
    return moment.astimezone(OSLO).strftime("%a %H:%M")


def test_only_times_after_now_are_offered():
    now = at(TUESDAY, "12:10")
    candidates = candidate_times(TUESDAY - timedelta(days=7), 10, HOUR, OSLO)
    ranked = rank_slots(candidates, [1], {}, after=now, zone=OSLO)
    assert ranked, "the days after now have times"
    assert all(slot.start > now for slot in ranked)
    assert min(slot.start for slot in ranked) == at(TUESDAY, "12:30")


def test_a_day_and_an_evening_shift_are_offered_their_afternoon_overlap():
    shifts = {1: every_day("07:30", "15:30"), 2: every_day("14:30", "22:30")}
    candidates = candidate_times(TUESDAY, 7, HOUR, OSLO)
    ranked = rank_slots(candidates, [1, 2], shifts, after=at(TUESDAY, "06:00"), zone=OSLO)
    best = ranked[0]
    assert (local(best.start), local(best.end)) == ("Tue 14:30", "Tue 15:30")
    assert best.at_work == (1, 2) and best.off_duty == ()
    assert all(local(slot.start).endswith("14:30") for slot in ranked[:6])


def test_time_at_work_ranks_before_time_off():
    shifts = {1: [shift(TUESDAY, "07:30", "15:30")], 2: [shift(TUESDAY, "07:30", "15:30")]}
    candidates = [(at(TUESDAY, "16:00") + timedelta(days=1), at(TUESDAY, "17:00") + timedelta(days=1))]
    candidates += [(at(TUESDAY, "10:00"), at(TUESDAY, "11:00"))]
    ranked = rank_slots(candidates, [1, 2], shifts, after=at(TUESDAY, "06:00"), zone=OSLO)
    assert [local(s.start) for s in ranked] == ["Tue 10:00", "Wed 16:00"]
    assert ranked[1].at_work == () and ranked[1].off_duty == (1, 2)


def test_nobody_is_offered_a_time_in_the_eleven_hours_after_their_shift_ends():
    evening = {1: [shift(TUESDAY, "14:30", "21:30")], 2: []}
    candidates = candidate_times(TUESDAY, 2, HOUR, OSLO)
    ranked = rank_slots(candidates, [1, 2], evening, after=at(TUESDAY, "00:00"), zone=OSLO, limit=50)
    ends = evening[1][0].end
    offered = rank_slots(candidates, [1, 2], evening, after=ends, zone=OSLO, limit=50)
    assert offered and ranked
    for slot in offered + ranked:
        assert not (slot.start < ends + timedelta(hours=11) and slot.end > ends)
    wednesday = [s for s in offered if s.start.astimezone(OSLO).date() == TUESDAY + timedelta(days=1)]
    assert wednesday[0].start == at(TUESDAY + timedelta(days=1), "08:30")


def test_nothing_is_offered_after_a_night_until_the_rest_is_over():
    nights = {
        1: [shift(TUESDAY, "21:30", "07:30"), shift(TUESDAY + timedelta(days=1), "21:30", "07:30")]
    }
    candidates = candidate_times(TUESDAY + timedelta(days=1), 2, HOUR, OSLO)
    ranked = rank_slots(candidates, [1], nights, after=at(TUESDAY, "00:00"), zone=OSLO, limit=50)
    wednesday, thursday = TUESDAY + timedelta(days=1), TUESDAY + timedelta(days=2)
    assert all(s.start.astimezone(OSLO).date() != wednesday for s in ranked), "between two nights"
    (after_the_run,) = [s for s in ranked if s.start.astimezone(OSLO).date() == thursday]
    assert after_the_run.start == at(thursday, "18:30")


def test_weekends_are_offered_when_people_work_then():
    saturday = date(2026, 9, 5)
    shifts = {1: [shift(saturday, "07:30", "15:30")], 2: [shift(saturday, "07:30", "15:30")]}
    candidates = candidate_times(TUESDAY, 7, HOUR, OSLO)
    ranked = rank_slots(candidates, [1, 2], shifts, after=at(TUESDAY, "06:00"), zone=OSLO)
    assert ranked[0].start.astimezone(OSLO).date() == saturday
    assert ranked[0].at_work == (1, 2)


def test_one_time_per_day_so_the_group_can_choose_between_days():
    shifts = {1: every_day("07:30", "15:30", days=3)}
    candidates = candidate_times(TUESDAY, 3, HOUR, OSLO)
    ranked = rank_slots(candidates, [1], shifts, after=at(TUESDAY, "06:00"), zone=OSLO)
    days = [s.start.astimezone(OSLO).date() for s in ranked]
    assert len(days) == len(set(days))


def test_candidates_keep_the_wall_clock_across_the_change_to_winter_time():
    (first, *_rest) = candidate_times(date(2026, 10, 25), 1, HOUR, OSLO)
    assert first[0].astimezone(OSLO).strftime("%H:%M") == "07:00"
    assert first[1].astimezone(UTC) - first[0].astimezone(UTC) == HOUR
    last = candidate_times(date(2026, 10, 25), 1, HOUR, OSLO)[-1]
    assert last[1].astimezone(OSLO).strftime("%H:%M") == "22:00"
