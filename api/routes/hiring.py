"""Candidates, loops, interviews and scorecards. Reads go through the same named QuerySet
methods as the pages (``visible_to``), object rules through people/rules.py; writes through
the same services (which record the audit trail)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from interviews import coscoring, reports, services
from interviews.models import Candidate, CoScorer, Interview, InterviewStatus, Loop
from people.models import AuditEvent, Verb
from people.services import audit_record
from questionbank.models import Level

from ..pagination import PageParams, page
from ..rules import require
from ..schemas import (
    CandidateIn,
    CandidateOut,
    DebriefOut,
    DecisionIn,
    Id,
    InterviewOut,
    InterviewStatusName,
    LoopIn,
    LoopOut,
    LoopStatusName,
    Moment,
    Page,
    Problem,
    ScorecardOut,
)

router = Router(tags=["hiring"])
ERRORS = {401: Problem, 403: Problem, 429: Problem}


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": reports.display_name(user)}


# Candidates -----------------------------------------------------------------------------------


def candidate_out(candidate: Candidate) -> dict:
    return {
        "id": candidate.pk,
        "name": candidate.name,
        "email": candidate.email,
        "level": candidate.level.slug,
        "notes": candidate.notes,
        "archived": candidate.is_archived,
        "created_at": candidate.created_at,
        "updated_at": candidate.updated_at,
    }


class CandidateFilters(Schema):
    level: str | None = Field(None, description="The target level's slug")
    archived: bool | None = Field(None, description="Only archived (true) or active (false)")
    q: str | None = Field(None, max_length=200, description="Words in the name or e-mail")
    updated_since: Moment | None = Field(None, description="Changed at or after (ISO 8601)")


@router.get("/candidates", response={200: Page[CandidateOut], **ERRORS}, summary="List candidates")
def candidate_list(request, filters: Query[CandidateFilters], paging: Query[PageParams]):
    require(request, "interviews.read_candidates")
    qs = Candidate.objects.visible_to(request.user).select_related("level")
    if filters.level:
        qs = qs.filter(level__slug=filters.level)
    if filters.archived is not None:
        qs = qs.archived() if filters.archived else qs.active()
    for word in (filters.q or "").split():
        qs = qs.filter(Q(name__icontains=word) | Q(email__icontains=word))
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return page(qs, paging, candidate_out)


@router.get(
    "/candidates/{int:pk}",
    response={200: CandidateOut, 404: Problem, **ERRORS},
    summary="One candidate",
)
def candidate_detail(request, pk: int):
    require(request, "interviews.read_candidates")
    qs = Candidate.objects.visible_to(request.user).select_related("level")
    return candidate_out(get_object_or_404(qs, pk=pk))


@router.post(
    "/candidates",
    response={201: CandidateOut, 422: Problem, **ERRORS},
    summary="Add a candidate (hiring managers)",
)
def candidate_create(request, payload: CandidateIn):
    require(request, "interviews.open_loop")
    level = Level.objects.filter(slug=payload.level).first()
    if level is None:
        raise ValidationError({"level": f"Unknown level: {payload.level}"})
    candidate = services.candidate_create(
        name=payload.name,
        email=payload.email,
        level=level,
        notes=payload.notes,
        created_by=request.user,
        allow_duplicate_email=payload.allow_duplicate_email,
    )
    return Status(201, candidate_out(candidate))


@router.get(
    "/candidates/{int:pk}/scorecards",
    response={200: DebriefOut, 403: Problem, 404: Problem, **ERRORS},
    summary="A candidate's interviews and the scorecards you may see (the debrief's rule)",
)
def candidate_debrief(request, pk: int):
    """The debrief: every interview of the candidate; the scorecards are revealed by the
    independence rule (``interviews.see_others_scores``): one's own, and the others' only
    after submitting one's own scored scorecard for an assigned stage. Hiring managers see
    every submitted scorecard. Recorded in the audit trail like the debrief page."""
    require(request, "interviews.read_candidates")
    qs = Candidate.objects.visible_to(request.user).for_debrief()
    person = get_object_or_404(qs, pk=pk)
    user = request.user
    require(request, "interviews.view_candidate_page", person)
    debrief = reports.build_debrief(list(person.interviews.all()), user, candidate=person)
    audit_record(
        actor=user,
        verb=Verb.READ,
        target=person,
        target_label=f"the debrief of {person.name} (API)",
        candidate=person,
    )
    if debrief.unlocked and not debrief.sees_all and debrief.others_revealed:
        unlocks = AuditEvent.objects.filter(actor=user, verb=Verb.UNLOCK, candidate=person)
        if not unlocks.exists():
            audit_record(actor=user, verb=Verb.UNLOCK, target=person, candidate=person)
    return {
        "candidate": person.pk,
        "unlocked": debrief.unlocked,
        "entries": [
            {
                "interview": e.interview.pk,
                "interviewer": e.interview.interviewer.get_username(),
                "status": e.interview.status,
                "own": e.own,
                "revealed": e.revealed,
                "scorecard": (
                    scorecard_out(e.interview, e.scorecard, sheets=e.sheets) if e.revealed else None
                ),
                "co_scorers": [co_sheet_out(s) for s in e.sheets],
            }
            for e in debrief.entries
        ],
    }


# Loops ----------------------------------------------------------------------------------------


def loop_out(loop: Loop) -> dict:
    return {
        "id": loop.pk,
        "candidate": loop.candidate_id,
        "hiring_manager": _username(loop.hiring_manager),
        "status": loop.status,
        "created_at": loop.created_at,
        "closed_at": loop.closed_at,
        "updated_at": loop.updated_at,
        "decision": loop.decision or None,
        "decided_on": loop.decided_on,
        "decided_by": _person(loop.decided_by),
        "decision_note": loop.decision_note,
        "stages": [
            {
                "id": s.pk,
                "name": s.name,
                "position": s.position,
                "interviewer": _username(s.interviewer),
                "focus_topics": [t.slug for t in s.focus_topics.all()],
                "planned_minutes": s.planned_minutes,
                "scheduled_at": s.scheduled_at,
                "interview": s.interview_id,
            }
            for s in loop.stages.all()
        ],
    }


class LoopFilters(Schema):
    status: LoopStatusName | None = None
    candidate: Id | None = None
    updated_since: Moment | None = Field(None, description="Changed at or after (ISO 8601)")


@router.get("/loops", response={200: Page[LoopOut], **ERRORS}, summary="List loops")
def loop_list(request, filters: Query[LoopFilters], paging: Query[PageParams]):
    require(request, "interviews.read_candidates")
    qs = Loop.objects.visible_to(request.user).for_api()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.candidate:
        qs = qs.filter(candidate_id=filters.candidate)
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return page(qs, paging, loop_out)


@router.get("/loops/{int:pk}", response={200: LoopOut, 404: Problem, **ERRORS}, summary="One loop")
def loop_detail(request, pk: int):
    require(request, "interviews.read_candidates")
    loop = get_object_or_404(Loop.objects.visible_to(request.user).for_api(), pk=pk)
    require(request, "interviews.read_loop", loop)
    return loop_out(loop)


@router.post(
    "/loops",
    response={201: LoopOut, 404: Problem, 422: Problem, **ERRORS},
    summary="Open a loop for a candidate (hiring managers)",
)
def loop_create(request, payload: LoopIn):
    require(request, "interviews.open_loop")
    candidate = get_object_or_404(Candidate.objects.visible_to(request.user), pk=payload.candidate)
    with transaction.atomic():
        loop = services.loop_open(candidate=candidate, hiring_manager=request.user)
    return Status(201, loop_out(Loop.objects.for_api().get(pk=loop.pk)))


@router.post(
    "/loops/{int:pk}/decision",
    response={200: LoopOut, 404: Problem, 422: Problem, **ERRORS},
    summary="Record or change the loop's decision (hiring managers)",
)
def loop_decision(request, pk: int, payload: DecisionIn):
    """Hire or no hire, on a day (today by default, never in the future), with a note: the
    debrief's decision form. Recorded in the audit trail; emits ``loop.decision_recorded``."""
    require(request, "interviews.decide_loop")
    loop = get_object_or_404(Loop.objects.visible_to(request.user), pk=pk)
    coscoring.loop_decide(
        loop=loop,
        decision=payload.decision,
        decided_on=payload.decided_on,
        note=payload.note,
        actor=request.user,
    )
    return loop_out(Loop.objects.for_api().get(pk=loop.pk))


# Interviews and scorecards --------------------------------------------------------------------


def interview_out(interview: Interview) -> dict:
    return {
        "id": interview.pk,
        "title": interview.title,
        "candidate": interview.candidate_id,
        "interviewer": interview.interviewer.get_username(),
        "level": interview.level.slug,
        "status": interview.status,
        "planned_minutes": interview.planned_minutes,
        "scheduled_at": interview.scheduled_at,
        "started_at": interview.started_at,
        "submitted_at": interview.submitted_at,
        "created_at": interview.created_at,
        "updated_at": interview.updated_at,
    }


class InterviewFilters(Schema):
    status: InterviewStatusName | None = None
    level: str | None = Field(None, description="A level's slug")
    candidate: Id | None = None
    interviewer: str | None = Field(None, description="A username")
    date_from: date | None = Field(
        None, description="Dated (scheduled, else started, else created) on or after this day"
    )
    date_to: date | None = Field(None, description="... on or before this day")
    updated_since: Moment | None = Field(None, description="Changed at or after (ISO 8601)")


def _interviews(request, filters: InterviewFilters):
    qs = Interview.objects.visible_to(request.user).with_date()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.level:
        qs = qs.filter(level__slug=filters.level)
    if filters.candidate:
        qs = qs.filter(candidate_id=filters.candidate)
    if filters.interviewer:
        qs = qs.filter(interviewer__username=filters.interviewer)
    if filters.date_from:
        qs = qs.on_or_after(filters.date_from)
    if filters.date_to:
        qs = qs.on_or_before(filters.date_to)
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return qs


@router.get("/interviews", response={200: Page[InterviewOut], **ERRORS}, summary="List interviews")
def interview_list(request, filters: Query[InterviewFilters], paging: Query[PageParams]):
    """Your interviews; every interview for hiring managers (the interviews page's rule).
    No scores: those are in the scorecards."""
    require(request, "interviews.read_interviews")
    qs = _interviews(request, filters).select_related("level", "interviewer")
    return page(qs, paging, interview_out)


@router.get(
    "/interviews/{int:pk}",
    response={200: InterviewOut, 404: Problem, **ERRORS},
    summary="One interview",
)
def interview_detail(request, pk: int):
    require(request, "interviews.read_interviews")
    qs = Interview.objects.visible_to(request.user).select_related("level", "interviewer")
    return interview_out(get_object_or_404(qs, pk=pk))


def co_sheet_out(co: reports.CoSheet) -> dict:
    sheet = co.sheet
    assert isinstance(sheet, CoScorer)
    return {
        "scorer": _person(sheet.user),
        "role": sheet.role,
        "recommendation": sheet.recommendation,
        "summary": sheet.summary,
        "submitted_at": sheet.submitted_at,
        "mean": co.overall.as_float,
        "items": [
            {
                "position": line.item.position,
                "question": line.item.question_id,
                "score": line.score,
                "skipped": line.skipped,
                "notes": line.notes,
            }
            for line in co.lines
        ],
    }


def _scorecard_sheets(interview: Interview, card) -> list:
    """The scorecard page's co-scorer sheets: the submitted ones (``with_co_sheets``)."""
    return [
        reports.build_co_sheet(s, card.items) for s in interview.co_scorers.all() if s.is_submitted
    ]


def scorecard_out(interview: Interview, card=None, *, sheets=None) -> dict:
    """``sheets``: the co-scorer sheets the viewer may see (the debrief's); else the scorecard
    page's, for a scorecard its reader may open (their own, or a hiring manager)."""
    card = card or reports.build_scorecard(interview)
    if sheets is None:
        sheets = _scorecard_sheets(interview, card)
    return {
        "id": interview.pk,
        "title": interview.title,
        "candidate": interview.candidate_id,
        "interviewer": interview.interviewer.get_username(),
        "level": interview.level.slug,
        "submitted_at": interview.submitted_at,
        "recommendation": interview.recommendation,
        "summary": interview.summary,
        "mean": card.overall.as_float,
        "scored": card.overall.count,
        "skipped": card.skipped,
        "unscored": card.unscored,
        "topics": [
            {
                "slug": t.slug,
                "name": t.name,
                "questions": t.questions,
                "scored": t.mean.count,
                "mean": t.mean.as_float,
            }
            for t in card.topics
        ],
        "items": [
            {
                "position": item.position,
                "question": item.question_id,
                "text": item.text,
                "kind": item.kind,
                "difficulty": item.difficulty,
                "topics": [slug for slug, _name in item.topics],
                "score": item.score,
                "skipped": item.skipped,
                "notes": item.notes,
            }
            for item in card.items
        ],
        "co_scorers": [co_sheet_out(co) for co in sheets],
        "version": interview.version,
        "updated_at": interview.updated_at,
    }


def _audit_reads(user, interviews) -> None:
    """Each scorecard read recorded, as the scorecard page does (one INSERT for the page)."""
    name = user.get_username()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=user,
            actor_name=name,
            verb=Verb.READ,
            target_type="interview",
            target_id=i.pk,
            target_label=f"the scorecard “{i.title}” (API)"[:300],
            candidate_id=i.candidate_id,
        )
        for i in interviews
    )


@router.get("/scorecards", response={200: Page[ScorecardOut], **ERRORS}, summary="List scorecards")
def scorecard_list(request, filters: Query[InterviewFilters], paging: Query[PageParams]):
    """Submitted scorecards you may read: your own; every one for hiring managers. (Another
    interviewer's scores for a candidate you interviewed: ``/candidates/{id}/scorecards``.)"""
    require(request, "interviews.read_candidates")
    qs = _interviews(request, filters).filter(status=InterviewStatus.SUBMITTED)
    qs = qs.with_items().with_co_sheets()
    result = page(qs, paging, lambda i: i)
    _audit_reads(request.user, result["items"])
    result["items"] = [scorecard_out(i) for i in result["items"]]
    return result


@router.get(
    "/scorecards/{int:pk}",
    response={200: ScorecardOut, 404: Problem, **ERRORS},
    summary="One scorecard",
)
def scorecard_detail(request, pk: int):
    require(request, "interviews.read_candidates")
    qs = Interview.objects.visible_to(request.user).with_items().with_co_sheets()
    interview = get_object_or_404(qs, pk=pk, status=InterviewStatus.SUBMITTED)
    _audit_reads(request.user, [interview])
    return scorecard_out(interview)
