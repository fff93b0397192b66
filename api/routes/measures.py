"""The interviews' measures: agreement, calibration and question health. Each answer lays out
the same cached ``measuring.Snapshot`` the measures pages show (two cache reads; computed only
when none was ever kept), under the same rules: hiring managers and admins read all three,
curators question health. Nothing here computes a statistic."""

from ninja import Query, Router, Schema
from pydantic import Field

from interviews import measures, measuring
from interviews.measures import Alpha, HireRate, Interval, Proportion
from interviews.views.measures import FLAGS, READ_MEASURES, READ_QUESTION_HEALTH

from ..pagination import PageParams
from ..rules import require
from ..schemas import AgreementOut, CalibrationOut, FlagName, Problem, QuestionHealthPage, Slug

router = Router(tags=["measures"])
ERRORS = {401: Problem, 403: Problem, 429: Problem}
SLUG_OF_FLAG = {flag: slug for slug, flag in FLAGS.items()}


def _interval(interval: Interval | None) -> dict | None:
    return {"low": interval.low, "high": interval.high} if interval else None


def _alpha(a: Alpha) -> dict:
    return {
        "units": a.n_units,
        "alpha": a.value,
        "interval": _interval(a.interval),
        "flagged": a.flagged,
        "reason": a.reason,
    }


def _proportion(p: Proportion | None) -> dict | None:
    if p is None:
        return None
    return {"k": p.k, "n": p.n, "value": p.value, "interval": _interval(p.interval)}


def _person(snapshot: measuring.Snapshot, pk: int) -> dict:
    return {"id": pk, "name": snapshot.person(pk)}


def _snapshotted(snapshot: measuring.Snapshot) -> dict:
    return {"computed_at": snapshot.computed_at, "stale": snapshot.stale}


@router.get(
    "/agreement",
    response={200: AgreementOut, **ERRORS},
    summary="Inter-rater agreement (hiring managers and admins)",
)
def agreement(request):
    """Krippendorff's ordinal alpha over every question scored by two or more raters: overall,
    per topic (the guide's order), per question and per pair of raters (by id)."""
    require(request, READ_MEASURES)
    snapshot = measuring.current()
    a = snapshot.measures.agreement
    order = {slug: i for i, slug in enumerate(snapshot.topics)}
    return {
        **_snapshotted(snapshot),
        "acceptable": measures.ALPHA_ACCEPTABLE,
        "min_units_to_flag": measures.MIN_UNITS_TO_FLAG,
        "overall": _alpha(a.overall),
        "topics": [
            {"topic": slug, "name": snapshot.topics.get(slug, slug), **_alpha(alpha)}
            for slug, alpha in sorted(
                a.by_topic.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])
            )
        ],
        "questions": [
            {"question": pk, "text": snapshot.question_text(pk), **_alpha(alpha)}
            for pk, alpha in sorted(a.by_question.items())
        ],
        "pairs": [
            {"raters": [_person(snapshot, i), _person(snapshot, j)], **_alpha(alpha)}
            for (i, j), alpha in sorted(a.by_pair.items())
        ],
    }


@router.get(
    "/calibration",
    response={200: CalibrationOut, **ERRORS},
    summary="Interviewer calibration (hiring managers and admins)",
)
def calibration(request):
    """Each interviewer's leniency (candidates and questions held constant) and their
    hire-recommendation rate against the loops' decisions, by interviewer id."""
    require(request, READ_MEASURES)
    snapshot = measuring.current()
    m = snapshot.measures
    rates: dict[int, HireRate] = {r.interviewer_id: r for r in m.hire_rates}
    rows = []
    for x in sorted(m.leniency, key=lambda x: x.interviewer_id):
        rate = rates.get(x.interviewer_id)
        rows.append(
            {
                "interviewer": _person(snapshot, x.interviewer_id),
                "scored_items": x.n_items,
                "leniency": x.estimate,
                "se": x.se,
                "interval": _interval(x.interval),
                "reason": x.reason,
                "decided_loops": rate.n if rate else 0,
                "recommended_hire": _proportion(rate.recommended) if rate else None,
                "loops_hired": _proportion(rate.decided) if rate else None,
                "matched": _proportion(rate.matched) if rate else None,
                "hire_reason": rate.reason if rate else "No decided loop",
            }
        )
    return {
        **_snapshotted(snapshot),
        "min_scored_items": measures.MIN_SCORED_ITEMS,
        "min_decisions": measures.MIN_DECISIONS,
        "interviewers": rows,
    }


class HealthFilters(Schema):
    flag: FlagName | None = Field(None, description="Only the questions with this flag")
    flagged: bool | None = Field(None, description="Only flagged (true) or unflagged (false)")
    level: Slug | None = Field(None, description="Asked at this level (slug)")
    topic: Slug | None = Field(None, description="Of this topic (slug)")


@router.get(
    "/questions",
    response={200: QuestionHealthPage, 422: Problem, **ERRORS},
    summary="Question health (hiring managers, admins and curators)",
)
def questions(request, filters: Query[HealthFilters], paging: Query[PageParams]):
    """Every question asked in a submitted interview, by question id, a page at a time."""
    require(request, READ_QUESTION_HEALTH)
    snapshot = measuring.current()
    empty = measuring.QuestionLabel(text="", topics=(), levels=())
    rows = []
    for q in sorted(snapshot.measures.questions, key=lambda q: q.question_id):
        label = snapshot.questions.get(q.question_id, empty)
        if filters.flag and FLAGS[filters.flag] not in q.flags:
            continue
        if filters.flagged is not None and bool(q.flags) != filters.flagged:
            continue
        if filters.level and filters.level not in label.levels:
            continue
        if filters.topic and filters.topic not in label.topics:
            continue
        rows.append((q, label))
    chosen = rows[paging.offset : paging.offset + paging.limit]
    end = paging.offset + len(chosen)
    return {
        **_snapshotted(snapshot),
        "count": len(rows),
        "limit": paging.limit,
        "offset": paging.offset,
        "next_offset": end if end < len(rows) else None,
        "items": [_health(snapshot, q, label) for q, label in chosen],
    }


def _health(snapshot: measuring.Snapshot, q: measures.QuestionHealth, label) -> dict:
    return {
        "question": q.question_id,
        "text": snapshot.question_text(q.question_id),
        "topics": list(label.topics),
        "levels": list(label.levels),
        "times_asked": q.times_asked,
        "scored": q.n_scored,
        "mean_score": measures.mean_score(q.mean_by_level),
        "mean_by_level": [
            {"level": slug, "name": snapshot.levels.get(slug, slug), "n": m.n, "mean": m.mean}
            for slug, m in q.mean_by_level.items()
        ],
        "tagged_difficulty": q.tagged_difficulty,
        "difficulty": q.difficulty,
        "difficulty_se": q.difficulty_se,
        "expected_difficulty": q.expected_difficulty,
        "discrimination": q.discrimination,
        "discrimination_interval": _interval(q.discrimination_interval),
        "discrimination_n": q.discrimination_n,
        "skip_rate": q.skip_rate,
        "median_minutes": q.median_minutes,
        "estimated_minutes": q.estimated_minutes,
        "agreement": _alpha(q.agreement),
        "flags": [SLUG_OF_FLAG[flag] for flag in q.flags],
    }
