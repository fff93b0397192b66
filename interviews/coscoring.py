"""Co-scoring and the loop's decision: writes across models, each inside a transaction.

A co-scorer (a panel member or a shadow) scores the questions of someone else's interview on
their own sheet (``CoScorer`` with one ``CoScore`` line per question), with their own notes,
and submits their own scorecard. The interviewer or a hiring manager adds and removes them.
The sheet's lines follow the interviewer's items: scoring or noting a question creates its line.

A co-scorer scores while the interview is live and, since they may finish after the
interviewer, after it is submitted too, until they submit their own sheet. Every function
refuses with ``ValidationError`` (a message for the user) and writes nothing when the state does
not allow the change; every write leaves its row in the audit trail.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config import limits
from people.models import Verb
from people.roles import Role, group_names
from people.services import audit_record
from webhooks.models import Event
from webhooks.payloads import co_scorer_scorecard_payload, loop_decision_payload
from webhooks.services import emit

from .measuring import scores_changed
from .models import (
    CoScore,
    CoScorer,
    CoScorerRole,
    Decision,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Loop,
)
from .services import StaleNotes, check_score, check_scorecard, score_change_summary


def _lock_interview(interview: Interview) -> Interview:
    return (
        Interview.objects.select_for_update(of=("self",))
        .select_related("interviewer")
        .get(pk=interview.pk)
    )


def _lock_sheet(sheet: CoScorer) -> CoScorer:
    """The sheet under a row lock, with its interview and user (read, not locked)."""
    try:
        return (
            CoScorer.objects.select_for_update(of=("self",))
            .select_related("interview__candidate", "interview__level", "user")
            .get(pk=sheet.pk)
        )
    except CoScorer.DoesNotExist:
        raise ValidationError("This co-scorer's sheet no longer exists.", code="missing") from None


def may_manage_co_scorers(actor: User | None, interview: Interview) -> bool:
    """The interview's interviewer, or a hiring manager (the rule ``manage_co_scorers``)."""
    return actor is not None and actor.has_perm("interviews.manage_co_scorers", interview)


def _require_manager(actor: User | None, interview: Interview) -> None:
    if not may_manage_co_scorers(actor, interview):
        raise ValidationError(
            "Only the interview's interviewer or a hiring manager adds or removes co-scorers.",
            code="not_allowed",
        )


@transaction.atomic
def coscorer_add(
    *, interview: Interview, user: User, actor: User, role: str = CoScorerRole.PANEL
) -> CoScorer:
    """Add ``user`` as a co-scorer of a draft or live interview, with an empty sheet."""
    interview = _lock_interview(interview)
    _require_manager(actor, interview)
    if interview.status not in (InterviewStatus.DRAFT, InterviewStatus.LIVE):
        raise ValidationError("Co-scorers join before the interview is submitted.", code="status")
    if role not in CoScorerRole.values:
        raise ValidationError({"role": "Choose panel member or shadow."}, code="role")
    if user is None or not user.is_active or Role.INTERVIEWER not in group_names(user):
        raise ValidationError(
            {"user": "A co-scorer must hold the interviewer role."}, code="not_interviewer"
        )
    if user.pk == interview.interviewer_id:
        raise ValidationError(
            {"user": "The interviewer already scores this interview on their own sheet."},
            code="interviewer",
        )
    if CoScorer.objects.filter(interview=interview, user=user).exists():
        raise ValidationError(
            {"user": f"{user.get_username()} already co-scores this interview."}, code="duplicate"
        )
    sheet = CoScorer.objects.create(interview=interview, user=user, role=role, added_by=actor)
    CoScore.objects.bulk_create(
        CoScore(sheet=sheet, item_id=pk) for pk in interview.items.values_list("pk", flat=True)
    )
    audit_record(
        actor=actor,
        verb=Verb.ADD_CO_SCORER,
        target=interview,
        target_label=interview.title,
        candidate_id=interview.candidate_id,
        summary=f"{user.get_username()} ({CoScorerRole(role).label.lower()})",
    )
    return sheet


@transaction.atomic
def coscorer_remove(*, sheet: CoScorer, actor: User | None) -> None:
    """Remove a co-scorer who has not scored, noted or submitted anything yet."""
    interview = _lock_interview(sheet.interview)
    sheet = _lock_sheet(sheet)
    _require_manager(actor, interview)
    if (
        sheet.is_submitted
        or sheet.lines.filter(Q(score__isnull=False) | Q(skipped=True) | ~Q(notes="")).exists()
    ):
        raise ValidationError(
            f"{sheet.user.get_username()} has started scoring: their sheet stays.",
            code="started",
        )
    username = sheet.user.get_username()
    sheet.delete()
    audit_record(
        actor=actor,
        verb=Verb.REMOVE_CO_SCORER,
        target=interview,
        target_label=interview.title,
        candidate_id=interview.candidate_id,
        summary=username,
    )


def _require_open_sheet(sheet: CoScorer, *, action: str) -> None:
    if sheet.is_submitted:
        raise ValidationError(f"Cannot {action}: you have submitted this sheet.", code="submitted")
    status = sheet.interview.status
    if status not in (InterviewStatus.LIVE, InterviewStatus.SUBMITTED):
        raise ValidationError(
            f"Cannot {action}: this interview has not started yet.", code="status"
        )


def _line(sheet: CoScorer, item: InterviewQuestion, *, lock: bool = True) -> CoScore:
    if item.interview_id != sheet.interview_id:
        raise ValidationError("That question is not in this interview.", code="missing")
    qs = CoScore.objects.select_for_update() if lock else CoScore.objects
    line = qs.filter(sheet=sheet, item=item).first()
    if line is None:
        line = CoScore.objects.create(sheet=sheet, item=item)
    line.item = item
    return line


@transaction.atomic
def coscore_score(
    *, sheet: CoScorer, item: InterviewQuestion, score: int | None = None, skipped: bool = False
) -> CoScore:
    """Score 1..4, skip, or clear (None, not skipped) a question on the co-scorer's sheet."""
    check_score(score=score, skipped=skipped)
    sheet = _lock_sheet(sheet)
    _require_open_sheet(sheet, action="score")
    if item.interview_id != sheet.interview_id:
        raise ValidationError("That question is not in this interview.", code="missing")
    now = timezone.now()
    written = CoScore.objects.filter(sheet=sheet, item=item).update(
        score=score, skipped=skipped, updated_at=now
    )
    if written:
        line = CoScore(sheet=sheet, item=item, score=score, skipped=skipped, updated_at=now)
    else:  # a question added to the interview after the co-scorer joined
        line = CoScore.objects.create(sheet=sheet, item=item, score=score, skipped=skipped)
    CoScorer.objects.filter(pk=sheet.pk).update(version=sheet.version + 1)
    what = score_change_summary(score=score, skipped=skipped)
    audit_record(
        actor=sheet.user,
        verb=Verb.SCORE,
        target=sheet.interview,
        target_label=sheet.interview.title,
        candidate_id=sheet.interview.candidate_id,
        summary=f"Co-scorer sheet, question {item.position}: {what}",
    )
    return line


@transaction.atomic
def coscore_save_notes(
    *, sheet: CoScorer, item: InterviewQuestion, notes: str, base_version: int
) -> CoScore:
    """Save notes written on top of ``base_version``; StaleNotes if newer ones exist."""
    if len(notes) > limits.NOTES:
        raise ValidationError(
            f"These notes have {len(notes):,} characters; at most {limits.NOTES:,} are kept.",
            code="max_length",
        )
    sheet = _lock_sheet(sheet)
    _require_open_sheet(sheet, action="save notes")
    line = _line(sheet, item)
    if line.notes == notes:
        return line  # a retry of a save that already landed
    if base_version != line.notes_version:
        raise StaleNotes(line)
    line.notes = notes
    line.notes_version += 1
    line.save(update_fields=["notes", "notes_version", "updated_at"])
    CoScorer.objects.filter(pk=sheet.pk).update(version=sheet.version + 1)
    return line


@transaction.atomic
def coscorer_submit(
    *, sheet: CoScorer, recommendation: str, summary: str, allow_unscored: bool = False
) -> CoScorer:
    """The co-scorer's scorecard: a recommendation, a summary, every question scored or
    skipped (or ``allow_unscored``). Possible after the interview itself is submitted."""
    sheet = _lock_sheet(sheet)
    _require_open_sheet(sheet, action="submit")
    done = sheet.lines.filter(Q(score__isnull=False) | Q(skipped=True)).values("item_id")
    check_scorecard(
        recommendation=recommendation,
        summary=summary,
        open_count=InterviewQuestion.objects.filter(interview=sheet.interview_id)
        .exclude(pk__in=done)
        .count(),
        allow_unscored=allow_unscored,
    )
    sheet.submit(recommendation=recommendation, summary=summary)
    audit_record(
        actor=sheet.user,
        verb=Verb.SUBMIT,
        target=sheet.interview,
        target_label=sheet.interview.title,
        candidate_id=sheet.interview.candidate_id,
        summary=f"Co-scorer sheet. Recommendation: {sheet.get_recommendation_display()}",
    )
    emit(Event.SCORECARD_SUBMITTED, co_scorer_scorecard_payload(sheet))
    scores_changed()  # a measured sheet: agreement, calibration, question health
    return sheet


# The loop's decision -------------------------------------------------------------------------


@transaction.atomic
def loop_decide(
    *, loop: Loop, decision: str, actor: User, decided_on: date | None = None, note: str = ""
) -> Loop:
    """Record (or change) the hiring manager's decision on a loop: hire or no hire, on a day
    (today by default, never in the future), with a note. Emits ``loop.decision_recorded``."""
    loop = Loop.objects.select_for_update().select_related("candidate").get(pk=loop.pk)
    today = timezone.localdate()
    decided_on = decided_on or today
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = "Choose hire or no hire."
    if decided_on > today:
        errors["decided_on"] = "The decision cannot be dated in the future."
    note = note.strip()
    if len(note) > limits.AMEND_REASON:
        errors["note"] = f"At most {limits.AMEND_REASON:,} characters are kept."
    if errors:
        raise ValidationError(errors)
    before = loop.get_decision_display() if loop.decision else ""
    if (loop.decision, loop.decided_on, loop.decision_note) == (decision, decided_on, note):
        return loop
    loop.decision = decision
    loop.decided_on = decided_on
    loop.decided_by = actor
    loop.decision_note = note
    loop.save(update_fields=["decision", "decided_on", "decided_by", "decision_note"])
    label = Decision(decision).label
    audit_record(
        actor=actor,
        verb=Verb.DECIDE,
        target=loop,
        target_label=f"the loop of {loop.candidate.name}",
        candidate=loop.candidate,
        summary=f"{before} → {label}" if before else label,
    )
    emit(
        Event.LOOP_DECISION_RECORDED,
        loop_decision_payload(
            loop_id=loop.pk,
            candidate=loop.candidate,
            decision=decision,
            decided_by=actor,
            decided_at=timezone.now(),
            note=note,
            decided_on=decided_on,
        ),
    )
    scores_changed()  # the hire rates read the loops' decisions
    return loop
