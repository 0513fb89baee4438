"""A state's time limit (SLA): working days (``sla_days``), or ``sla`` in hours or calendar days.

``"sla_days": 5`` and ``"sla": {"working_days": 5}`` mean the same; emergency services count
around the clock with ``"sla": {"hours": 24}`` or in plain days with
``"sla": {"calendar_days": 3}``. Plain Python shared by the builder (checks) and the runtime
(due dates, what the pages say).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Unit = Literal["working_days", "calendar_days", "hours"]
UNITS: tuple[Unit, ...] = ("working_days", "calendar_days", "hours")
_WORDS: dict[Unit, tuple[str, str, str]] = {
    "working_days": ("{n} hari kerja", "{n} working day", "{n} working days"),
    "calendar_days": ("{n} hari kalender", "{n} calendar day", "{n} calendar days"),
    "hours": ("{n} jam", "{n} hour", "{n} hours"),
}


@dataclass(frozen=True)
class Sla:
    """A running time limit: `amount` (> 0) of `unit`."""

    unit: Unit
    amount: int

    def text(self, lang: str) -> str:
        """What the pages say: "24 jam", "3 hari kalender", "5 working days"."""
        indonesian, one, many = _WORDS[self.unit]
        if lang == "en":
            return (one if self.amount == 1 else many).format(n=self.amount)
        return indonesian.format(n=self.amount)

    @property
    def working_days_at_most(self) -> int:
        """An upper bound in working days (for the longest route against `duration_days`): a
        calendar day is at most one working day, hours count as whole days started."""
        if self.unit == "hours":
            return math.ceil(self.amount / 24)
        return self.amount


def state_sla(state: Mapping[str, Any]) -> Sla | None:
    """The state's declared time limit (None: none, or 0), whether or not the clock runs there."""
    declared = state.get("sla")
    if isinstance(declared, Mapping):
        for unit in UNITS:
            amount = declared.get(unit)
            if isinstance(amount, int) and not isinstance(amount, bool) and amount > 0:
                return Sla(unit, amount)
        return None
    days = state.get("sla_days")
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        return Sla("working_days", days)
    return None


def running_sla(state: Mapping[str, Any]) -> Sla | None:
    """The time limit that runs in the state: none in a final state or while the applicant edits."""
    if state.get("final") or state.get("applicant_edits"):
        return None
    return state_sla(state)
