"""The interviews' sheets as plain rows for ``measures``: every rater's line on every question.

Two sources: the interviewer's own sheet (``InterviewQuestion``, once the interview is
submitted) and each co-scorer's sheet (``CoScore``, once that co-scorer has submitted). A draft
or live sheet is never measured: its scores may still change, and reading them would break the
independence rule. Each source is one query of plain values; erased candidates are gone with
their interviews, so they drop out by themselves.
"""

from __future__ import annotations

from .measures import HireRow, Rating
from .models import (
    HIRE_RECOMMENDATIONS,
    CoScore,
    CoScorer,
    Decision,
    Interview,
    InterviewQuestion,
    InterviewStatus,
)

_ITEM = (
    "question_id",
    "interview_id",
    "interview__candidate_id",
    "question__difficulty",
    "topics",
    "interview__level__slug",
    "seconds_spent",
    "estimated_minutes",
)


def ratings(*, interviews=None) -> list[Rating]:
    """Every submitted sheet's lines; ``interviews`` (a queryset or ids) narrows them."""
    own = InterviewQuestion.objects.filter(interview__status=InterviewStatus.SUBMITTED)
    co = CoScore.objects.filter(sheet__submitted_at__isnull=False)
    if interviews is not None:
        own = own.filter(interview__in=interviews)
        co = co.filter(item__interview__in=interviews)
    rows = [
        _rating(r, rater=r["interview__interviewer_id"], prefix="")
        for r in own.values(*_ITEM, "interview__interviewer_id", "score", "skipped").order_by("id")
    ]
    rows += [
        _rating(r, rater=r["sheet__user_id"], prefix="item__", seconds=r["item__seconds_spent"])
        for r in co.values(
            *("item__" + f for f in _ITEM), "sheet__user_id", "score", "skipped"
        ).order_by("id")
    ]
    return rows


def _rating(row: dict, *, rater: int, prefix: str, seconds: int | None = None) -> Rating:
    return Rating(
        candidate_id=row[prefix + "interview__candidate_id"],
        interviewer_id=rater,
        question_id=row[prefix + "question_id"],
        interview_id=row[prefix + "interview_id"],
        score=None if row["skipped"] else row["score"],
        tagged_difficulty=row[prefix + "question__difficulty"],
        topics=tuple(slug for slug, _name in row[prefix + "topics"]),
        level=row[prefix + "interview__level__slug"],
        seconds=row[prefix + "seconds_spent"] if seconds is None else seconds,
        estimated_minutes=row[prefix + "estimated_minutes"],
        skipped=row["skipped"],
    )


def hire_rows() -> list[HireRow]:
    """Each submitted recommendation in a loop that has a decision, beside that decision."""
    own = (
        Interview.objects.filter(
            status=InterviewStatus.SUBMITTED, stage__loop__decided_on__isnull=False
        )
        .values_list("interviewer_id", "recommendation", "stage__loop__decision")
        .order_by("id")
    )
    co = (
        CoScorer.objects.submitted()
        .filter(interview__stage__loop__decided_on__isnull=False)
        .values_list("user_id", "recommendation", "interview__stage__loop__decision")
        .order_by("id")
    )
    return [
        HireRow(
            interviewer_id=rater,
            recommended_hire=recommendation in HIRE_RECOMMENDATIONS,
            decision_hire=decision == Decision.HIRE,
        )
        for rater, recommendation, decision in [*own, *co]
    ]
