"""The pace rule of a live interview, in one place: time used against work done.

An interview runs *behind plan* when the share of the planned time used runs ahead of the
share of the questions done (scored or skipped) by more than ``TOLERANCE``. The browser does
not compute the rule: the page carries ``behind_after``, the elapsed second after which the
interview runs behind with the work done so far, and live.js only compares its clock to it.
The server sends a new one with every score or move (the progress fragment), so the hint
turns on while time passes with no request and stays right as work is done.

Pure: no database access; ``pace_of`` reads an interview and its questions already loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Protocol, TypedDict

from django.template.defaultfilters import pluralize

if TYPE_CHECKING:
    from interviews.models import Interview

TOLERANCE = Fraction(1, 10)  # behind plan when time used runs ahead of work done by this much


class Stateful(Protocol):
    @property
    def state(self) -> str: ...  # "open", "scored" or "skipped"


class Pace(TypedDict):
    total: int
    answered: int
    skipped: int
    done: int
    elapsed: int
    elapsed_display: str
    planned_minutes: int
    questions_left: int
    minutes_left: int
    behind_after: int | None
    behind: bool
    hint: str
    percent: int


def behind_after(*, planned_seconds: int, done: int, total: int) -> int | None:
    """The last elapsed second still on plan: behind when ``elapsed > behind_after``, that is
    when ``elapsed / planned_seconds - done / total > TOLERANCE`` (exact, in fractions).
    None when the pace cannot run behind: no question, or none left."""
    if not total or done >= total:
        return None
    return int(planned_seconds * (Fraction(done, total) + TOLERANCE))  # floor: not negative


def plural(count: int, word: str) -> str:
    return f"{count} {word}{pluralize(count)}"


def pace(*, elapsed: int, planned_minutes: int, states: Iterable[str]) -> Pace:
    """Time used against work done. Answered means scored; a skipped question is counted
    apart, but it is work done (it is not left)."""
    states = list(states)
    total = len(states)
    answered = states.count("scored")
    skipped = states.count("skipped")
    done = answered + skipped
    planned_seconds = planned_minutes * 60
    questions_left = total - done
    minutes_left = max(0, (planned_seconds - elapsed) // 60)
    after = behind_after(planned_seconds=planned_seconds, done=done, total=total)
    behind = after is not None and elapsed > after
    hint = ""
    if behind:  # live.js words it the same when its clock passes behind_after
        hint = (
            f"Running behind plan: {plural(questions_left, 'question')} left, "
            f"{plural(minutes_left, 'minute')} left"
        )
    return {
        "total": total,
        "answered": answered,
        "skipped": skipped,
        "done": done,
        "elapsed": elapsed,
        "elapsed_display": f"{elapsed // 60:02d}:{elapsed % 60:02d}",
        "planned_minutes": planned_minutes,
        "questions_left": questions_left,
        "minutes_left": minutes_left,
        "behind_after": after,
        "behind": behind,
        "hint": hint,
        "percent": round(100 * done / total) if total else 0,
    }


def pace_of(interview: Interview, items: Sequence[Stateful]) -> Pace:
    """The pace of ``interview`` with ``items``: its questions, or a co-scorer's sheet of them."""
    return pace(
        elapsed=interview.elapsed_seconds(),
        planned_minutes=interview.planned_minutes,
        states=(item.state for item in items),
    )
