"""The measures of the whole organisation, read from the database and kept in the shared cache.

``measures.measure()`` over every submitted sheet takes seconds at 50,000 scored items, so its
result is computed once and kept in the cache (shared by every app server: Redis or the
database table, see settings) under a *scores generation*: a token that every write changing a
measured value replaces. A page reads the token, then the result kept under it (two cache
reads); a new token makes the old result unreachable, and it expires by itself.

After a change the pages do not wait for the new figures: while a task computes them
(``tasks.measures_refresh_task``, run by the worker on PostgreSQL; inline, at once, where tasks
run immediately), they show the latest figures kept, saying they are being updated. Only when
no figures were ever kept does a page compute them itself.

Who replaces the token: ``scores_changed()``, called (it waits for the commit) by

- ``services.interview_submit`` and ``services.interview_amend`` (an interviewer's sheet),
- ``services.candidate_erase`` and ``services.candidate_merge`` (candidates leave or join),
- a question's save (its tagged difficulty is measured; connected in ``apps.py``) and the
  admin's bulk difficulty change (no signal),
- ``coscoring.coscorer_submit`` (a co-scorer's sheet) and ``coscoring.loop_decide`` (a loop's
  decision, recorded or changed): those change the agreement, the calibration and the hire
  rates.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from questionbank.models import Level, Question, Topic

from . import measures, ratings
from .reports import display_name

GENERATION_KEY = "measures:generation"
RESULT_KEY = "measures:result:{generation}"
LATEST_KEY = "measures:latest"
COMPUTING_KEY = "measures:computing:{generation}"
# A refresh that died is retried by the next page read after this long.
COMPUTING_TIMEOUT = 10 * 60
# A kept result lives a day at most (a missed invalidation heals by itself); the token a week.
RESULT_TIMEOUT = 24 * 3600
GENERATION_TIMEOUT = 7 * 24 * 3600


@dataclass(frozen=True)
class QuestionLabel:
    text: str
    topics: tuple[str, ...]  # slugs, as the interviews recorded them
    levels: tuple[str, ...]  # slugs of the levels it was asked at


@dataclass(frozen=True)
class Snapshot:
    """The measures and the names a page shows beside them, as of ``computed_at``."""

    measures: measures.Measures
    computed_at: datetime
    n_ratings: int
    n_interviews: int
    questions: dict[int, QuestionLabel] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)  # slug -> name, in the guide's order
    levels: dict[str, str] = field(default_factory=dict)  # slug -> name, by rank
    seconds: float = 0.0  # how long the computation took
    stale: bool = False  # newer scores exist; their figures are being computed

    def question_text(self, pk: int) -> str:
        label = self.questions.get(pk)
        return label.text if label else f"Question #{pk}"

    def person(self, pk: int) -> str:
        return self.people.get(pk, f"User #{pk}")


def scores_changed(**_signal_kwargs) -> None:
    """A measured value changed: once the transaction commits (at once outside one), every
    measures page computes afresh. Also a signal receiver (it ignores the signal's arguments)."""
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), GENERATION_TIMEOUT)


def generation() -> int:
    token = cache.get(GENERATION_KEY)
    if token is None:
        token = time.time_ns()
        # add: two servers starting at once agree on the first one's token.
        if not cache.add(GENERATION_KEY, token, GENERATION_TIMEOUT):
            token = cache.get(GENERATION_KEY, token)
    return token


def current() -> Snapshot:
    """The measures of every submitted sheet: the kept ones of the current generation; else,
    while a task computes those, the latest kept (marked stale); else computed here."""
    token = generation()
    key = RESULT_KEY.format(generation=token)
    snapshot = cache.get(key)
    if snapshot is not None:
        return snapshot
    latest = cache.get(LATEST_KEY)
    if latest is None:
        return _compute_and_keep(token)
    if cache.add(COMPUTING_KEY.format(generation=token), True, COMPUTING_TIMEOUT):
        from .tasks import measures_refresh_task

        measures_refresh_task.enqueue(token)  # where tasks run immediately: here and now
        snapshot = cache.get(key)
    return snapshot if snapshot is not None else replace(latest, stale=True)


def refresh(token: int) -> None:
    """Compute and keep the figures of generation ``token``, unless a newer one came since or
    they are already kept."""
    if generation() == token and cache.get(RESULT_KEY.format(generation=token)) is None:
        _compute_and_keep(token)


def _compute_and_keep(token: int) -> Snapshot:
    snapshot = compute()
    cache.set(RESULT_KEY.format(generation=token), snapshot, RESULT_TIMEOUT)
    if generation() == token:
        cache.set(LATEST_KEY, snapshot, RESULT_TIMEOUT)
    return snapshot


def compute() -> Snapshot:
    """Read every submitted sheet and measure it (seven queries, whatever the data's size)."""
    start = time.perf_counter()
    rows = ratings.ratings()
    result = measures.measure(rows, ratings.hire_rows())
    question_ids = {r.question_id for r in rows}
    people_ids = {r.interviewer_id for r in rows} | {x.interviewer_id for x in result.hire_rates}
    topics: dict[int, set[str]] = {}
    levels: dict[int, set[str]] = {}
    for r in rows:
        topics.setdefault(r.question_id, set()).update(r.topics)
        levels.setdefault(r.question_id, set()).add(r.level)
    texts = dict(Question.objects.filter(pk__in=question_ids).values_list("pk", "text"))
    users = get_user_model().objects.filter(pk__in=people_ids).order_by()
    return Snapshot(
        measures=result,
        computed_at=timezone.now(),
        n_ratings=len(rows),
        n_interviews=len({r.interview_id for r in rows}),
        questions={
            q: QuestionLabel(
                text=texts.get(q, f"Question #{q}"),
                topics=tuple(sorted(topics.get(q, ()))),
                levels=tuple(sorted(levels.get(q, ()))),
            )
            for q in question_ids
        },
        people={u.pk: display_name(u) for u in users},
        topics=dict(Topic.objects.order_by("position", "name").values_list("slug", "name")),
        levels=dict(Level.objects.order_by("rank", "name").values_list("slug", "name")),
        seconds=time.perf_counter() - start,
    )
