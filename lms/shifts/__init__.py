"""Shifts: working time from rosters (CSV, iCalendar feeds, by hand), in UTC."""
