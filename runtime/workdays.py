"""Working days (hari kerja): weekends, Indonesian national holidays and the city's cuti bersama."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


@lru_cache(maxsize=64)
def _national(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


class Calendar:
    """A working-day calendar for one city."""

    def __init__(self, extra_days_off: Iterable[dt.date] = ()) -> None:
        self.extra = frozenset(extra_days_off)

    def is_working_day(self, day: dt.date) -> bool:
        """Monday to Friday and not a holiday or cuti bersama."""
        return day.weekday() < 5 and day not in _national(day.year) and day not in self.extra

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (a case filed today with 1 day is due tomorrow)."""
        current = start
        remaining = days
        while remaining > 0:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def due_at(self, start: dt.datetime, days: int) -> dt.datetime:
        """End of the working day (23:59:59 WIB) that is `days` working days after `start`."""
        local = start.astimezone(WIB).date()
        due_day = self.add_working_days(local, days)
        end = dt.datetime.combine(due_day, dt.time(23, 59, 59), tzinfo=WIB)
        return end.astimezone(dt.UTC)
