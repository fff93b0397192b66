"""Writes across interview models: small typed functions, each inside a transaction.

Every function checks that the interview is in a state that allows the change and raises
``ValidationError`` with a message for the user otherwise; nothing is written then.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from questionbank.models import Level, Question, rubrics_by_kind

from .models import (
    Amendment,
    Candidate,
    Interview,
    InterviewQuestion,
    Kit,
    KitQuestion,
    Recommendation,
    Status,
)

POSITION_SHIFT = 1_000_000


class StaleNotes(ValidationError):
    """A notes save based on an older version than the server's: refused, nothing written."""

    def __init__(self, item: InterviewQuestion):
        self.item = item
        super().__init__(
            "These notes were changed elsewhere (another tab or device) after you loaded them. "
            "Your text was not saved over the newer notes: copy it, reload, and merge.",
            code="stale",
        )


def _lock(interview: Interview) -> Interview:
    """Re-read the interview under a row lock so concurrent requests serialize."""
    return Interview.objects.select_for_update().get(pk=interview.pk)


def _require_status(interview: Interview, *allowed: str, action: str) -> None:
    if interview.status not in allowed:
        raise ValidationError(
            f"Cannot {action}: this interview is {interview.get_status_display().lower()}.",
            code="status",
        )


def asked_question_ids(candidate: Candidate, *, exclude: Interview | None = None) -> set[int]:
    """Bank questions this candidate was already asked in another (live or submitted) interview."""
    qs = InterviewQuestion.objects.filter(
        interview__candidate=candidate, interview__status__in=[Status.LIVE, Status.SUBMITTED]
    )
    if exclude is not None:
        qs = qs.exclude(interview=exclude)
    return set(qs.values_list("question_id", flat=True))


def _duplicate_email_error(existing: Sequence[Candidate]) -> ValidationError:
    names = ", ".join(f"{c.name} ({c.level.name})" for c in existing)
    return ValidationError(
        {
            "email": ValidationError(
                f"A candidate with this e-mail already exists: {names}. "
                "Use the existing candidate, or confirm that this is another person.",
                code="duplicate_email",
            )
        }
    )


@transaction.atomic
def candidate_create(
    *,
    name: str,
    level: Level,
    created_by,
    email: str = "",
    notes: str = "",
    allow_duplicate_email: bool = False,
) -> Candidate:
    """A new candidate; refused when the e-mail is already a candidate's (any case) unless
    ``allow_duplicate_email``."""
    email = email.strip()
    if not allow_duplicate_email:
        existing = list(Candidate.objects.with_email(email).select_related("level"))
        if existing:
            raise _duplicate_email_error(existing)
    candidate = Candidate(
        name=name.strip(), email=email, level=level, notes=notes, created_by=created_by
    )
    candidate.full_clean()
    candidate.save()
    return candidate


def _lock_candidates(*candidates: Candidate) -> list[Candidate]:
    """Re-read candidates under row locks, in primary-key order (no deadlock between two merges)."""
    pks = [c.pk for c in candidates]
    locked = Candidate.objects.select_for_update().filter(pk__in=pks).order_by("pk").in_bulk()
    if len(locked) != len(set(pks)):
        raise ValidationError("That candidate no longer exists.", code="missing")
    return [locked[pk] for pk in pks]


@transaction.atomic
def candidate_set_archived(*, candidate: Candidate, archived: bool) -> Candidate:
    """Archive (hide from lists and pickers, keep everything) or bring a candidate back."""
    (candidate,) = _lock_candidates(candidate)
    if archived and candidate.archived_at is None:
        candidate.archived_at = timezone.now()
        candidate.save(update_fields=["archived_at"])
    elif not archived and candidate.archived_at is not None:
        candidate.archived_at = None
        candidate.save(update_fields=["archived_at"])
    return candidate


@transaction.atomic
def candidate_merge(*, keep: Candidate, duplicate: Candidate) -> Candidate:
    """Move the duplicate's interviews and notes to ``keep``, then delete the duplicate.

    ``keep`` also takes the duplicate's e-mail when it has none. Nothing else changes."""
    if keep.pk == duplicate.pk:
        raise ValidationError("A candidate cannot be merged into itself.", code="same")
    keep, duplicate = _lock_candidates(keep, duplicate)
    Interview.objects.filter(candidate=duplicate).update(candidate=keep)
    fields = []
    if duplicate.notes.strip():
        added = f"Merged from {duplicate.name} ({duplicate.pk}):\n{duplicate.notes.strip()}"
        keep.notes = f"{keep.notes.rstrip()}\n\n{added}" if keep.notes.strip() else added
        fields.append("notes")
    if not keep.email and duplicate.email:
        keep.email = duplicate.email
        fields.append("email")
    if fields:
        keep.save(update_fields=fields)
    duplicate.delete()
    return keep


@transaction.atomic
def interview_create(
    *,
    interviewer,
    candidate: Candidate,
    level: Level,
    planned_minutes: int,
    title: str = "",
    kit: Kit | None = None,
    scheduled_at: datetime | None = None,
    duration_minutes: int | None = None,
) -> Interview:
    interview = Interview(
        candidate=candidate,
        interviewer=interviewer,
        level=level,
        planned_minutes=planned_minutes,
        title=title.strip() or f"{level.name} interview with {candidate.name}",
        kit=kit,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
    )
    _check_schedule(interview)
    interview.full_clean()
    interview.save()
    if kit is not None:
        items = kit.items.select_related("question").prefetch_related("question__topics")
        _append_questions(interview, [item.question for item in items], planned=True)
    return interview


def _check_schedule(interview: Interview) -> None:
    if interview.scheduled_at is not None and timezone.is_naive(interview.scheduled_at):
        raise ValueError("scheduled_at must be timezone-aware")
    if interview.duration_minutes is not None and interview.scheduled_at is None:
        raise ValidationError(
            {"duration_minutes": "Give the date and time too, or leave the duration empty."},
            code="duration_without_date",
        )


@transaction.atomic
def interview_update_details(
    *,
    interview: Interview,
    title: str,
    planned_minutes: int,
    level: Level,
    scheduled_at: datetime | None = None,
    duration_minutes: int | None = None,
) -> Interview:
    """Change a draft's details. A change of date, time or duration raises the schedule's
    sequence, so a calendar file downloaded again replaces the event."""
    interview = _lock(interview)
    _require_status(interview, Status.DRAFT, action="edit the details")
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Enter a title."}, code="title")
    schedule_changed = (interview.scheduled_at, interview.duration_minutes) != (
        scheduled_at,
        duration_minutes,
    )
    interview.title = title
    interview.planned_minutes = planned_minutes
    interview.level = level
    interview.scheduled_at = scheduled_at
    interview.duration_minutes = duration_minutes
    _check_schedule(interview)
    if schedule_changed:
        interview.schedule_sequence += 1
    interview.full_clean()
    interview.save()
    return interview


@transaction.atomic
def interview_discard(*, interview: Interview) -> None:
    """Delete a draft and its questions; its candidate, kit and other interviews stay."""
    interview = _lock(interview)
    _require_status(interview, Status.DRAFT, action="discard")
    interview.items.all().delete()
    interview.delete()


def _append_questions(
    interview: Interview, questions: Sequence[Question], *, planned: bool, reasons=None
) -> list[InterviewQuestion]:
    rubrics = rubrics_by_kind()
    start = (interview.items.aggregate(m=Max("position"))["m"] or 0) + 1
    reasons = reasons or [""] * len(questions)
    return InterviewQuestion.objects.bulk_create(
        InterviewQuestion(
            interview=interview,
            position=start + i,
            planned=planned,
            reason=reason[:300],
            **InterviewQuestion.snapshot_of(question, rubrics),
        )
        for i, (question, reason) in enumerate(zip(questions, reasons, strict=True))
    )


@transaction.atomic
def interview_add_question(
    *,
    interview: Interview,
    question: Question,
    confirm_repeat: bool = False,
    reason: str = "",
) -> InterviewQuestion:
    """Add a bank question at the end. Drafts plan it; a live interview adds it unplanned."""
    interview = _lock(interview)
    _require_status(interview, Status.DRAFT, Status.LIVE, action="add a question")
    if not question.is_active:
        raise ValidationError(
            "This question is retired and can no longer be added.", code="retired"
        )
    if interview.items.filter(question=question).exists():
        raise ValidationError("This question is already in the interview.", code="duplicate")
    if not confirm_repeat and question.pk in asked_question_ids(
        interview.candidate, exclude=interview
    ):
        raise ValidationError(
            f"{interview.candidate.name} was already asked this question in another interview. "
            "Confirm to add it anyway.",
            code="repeat",
        )
    question = Question.objects.prefetch_related("topics").get(pk=question.pk)
    (item,) = _append_questions(interview, [question], planned=interview.is_draft, reasons=[reason])
    return item


@transaction.atomic
def interview_remove_question(*, interview: Interview, item_id: int) -> None:
    interview = _lock(interview)
    _require_status(interview, Status.DRAFT, action="remove a question")
    deleted, _ = interview.items.filter(pk=item_id).delete()
    if not deleted:
        raise ValidationError("That question is not in this interview.", code="missing")
    _renumber(interview, list(interview.items.order_by("position").values_list("pk", flat=True)))


def _renumber(interview: Interview, item_ids: Sequence[int]) -> None:
    """Positions 1..n in the given order, in two passes so the unique rule never trips."""
    items = interview.items.in_bulk(list(item_ids))
    ordered = [items[pk] for pk in item_ids]
    for offset, item in enumerate(ordered, 1):
        item.position = POSITION_SHIFT + offset
    InterviewQuestion.objects.bulk_update(ordered, ["position"])
    for offset, item in enumerate(ordered, 1):
        item.position = offset
    InterviewQuestion.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def interview_reorder(*, interview: Interview, item_ids: Sequence[int]) -> None:
    """The interview's questions in exactly this order: every one of its items, once."""
    interview = _lock(interview)
    _require_status(interview, Status.DRAFT, action="reorder questions")
    try:
        wanted = [int(pk) for pk in item_ids]
    except (TypeError, ValueError) as exc:
        raise ValidationError("The new order names something that is not a question.") from exc
    current = set(interview.items.values_list("pk", flat=True))
    if len(wanted) != len(set(wanted)) or set(wanted) != current:
        raise ValidationError(
            "The new order must name each question of this interview exactly once.",
            code="order",
        )
    _renumber(interview, wanted)


@transaction.atomic
def interview_move(*, interview: Interview, item_id: int, offset: int) -> None:
    """Move one question up (offset -1) or down (+1); at either end nothing changes."""
    interview = _lock(interview)
    _require_status(interview, Status.DRAFT, action="reorder questions")
    order = list(interview.items.order_by("position").values_list("pk", flat=True))
    if item_id not in order:
        raise ValidationError("That question is not in this interview.", code="missing")
    i = order.index(item_id)
    j = min(max(i + offset, 0), len(order) - 1)
    if i != j:
        order.insert(j, order.pop(i))
        _renumber(interview, order)


@transaction.atomic
def interview_replace_questions(
    *, interview: Interview, questions: Sequence[Question], reasons: Sequence[str]
) -> list[InterviewQuestion]:
    """Replace a draft's questions (auto-compose's result)."""
    interview = _lock(interview)
    _require_status(interview, Status.DRAFT, action="compose")
    interview.items.all().delete()
    by_pk = Question.objects.prefetch_related("topics").in_bulk([q.pk for q in questions])
    ordered = [by_pk[q.pk] for q in questions]
    return _append_questions(interview, ordered, planned=True, reasons=list(reasons))


@transaction.atomic
def interview_start(*, interview: Interview) -> Interview:
    interview = _lock(interview)
    _require_status(interview, Status.DRAFT, Status.LIVE, action="start")
    if not interview.items.exists():
        raise ValidationError("Add at least one question before starting.", code="empty")
    interview.start()
    return interview


def item_score(
    *, item: InterviewQuestion, score: int | None = None, skipped: bool = False
) -> InterviewQuestion:
    """Score 1..4, skip, or clear (score None, skipped False) a question of a live interview.

    The hottest write of a live interview, so one statement: an UPDATE guarded by the
    interview being live, which on PostgreSQL takes a share lock on the interview's row
    (``FOR SHARE``): it waits for a submission in progress and then sees it, and a submission
    waits for it, as the row lock of the other services serializes them. SQLite runs one
    writer at a time. Only when nothing was written does it read why.
    """
    if score is not None and score not in (1, 2, 3, 4):
        raise ValidationError(
            "A score is 1 (Poor), 2 (Mixed), 3 (Good) or 4 (Excellent).", code="score"
        )
    if skipped and score is not None:
        raise ValidationError("A skipped question has no score.", code="score")
    now = timezone.now()
    if not _update_while_live(item, score=score, skipped=skipped, updated_at=now):
        interview = Interview.objects.get(pk=item.interview_id)
        _require_status(interview, Status.LIVE, action="score")
        raise InterviewQuestion.DoesNotExist("That question is no longer in the interview.")
    item.score, item.skipped, item.updated_at = score, skipped, now
    return item


def _update_while_live(item: InterviewQuestion, **fields) -> bool:
    """Write ``fields`` on the question if its interview is live, in one statement."""
    items, interviews, q = InterviewQuestion._meta, Interview._meta, connection.ops.quote_name
    columns = [q(items.get_field(name).column) for name in fields]
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    sql = (
        f"UPDATE {q(items.db_table)} SET {', '.join(f'{c} = %s' for c in columns)} "
        f"WHERE id = %s AND interview_id = %s AND EXISTS (SELECT 1 FROM {q(interviews.db_table)} "
        f"WHERE id = %s AND status = %s{lock})"
    )
    values = [items.get_field(name).get_db_prep_save(v, connection) for name, v in fields.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [*values, item.pk, item.interview_id, item.interview_id, Status.LIVE.value]
        )
        return cursor.rowcount == 1


def item_save_notes(*, item: InterviewQuestion, notes: str, base_version: int) -> InterviewQuestion:
    """Save notes written on top of ``base_version``; refuse (StaleNotes) if newer ones exist.

    Autosave is most of a live interview's requests, so the common case is one statement: an
    UPDATE guarded by the version, by the text being new and by the interview being live (a
    share lock on its row, as ``item_score``). Anything else (a stale version, a retry of a
    save that landed, an interview no longer live) is sorted out under the locks.
    """
    items, interviews, q = InterviewQuestion._meta, Interview._meta, connection.ops.quote_name
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(items.db_table)} SET notes = %s, notes_version = notes_version + 1, "
            f"updated_at = %s WHERE id = %s AND interview_id = %s AND notes_version = %s "
            f"AND notes <> %s AND EXISTS (SELECT 1 FROM {q(interviews.db_table)} "
            f"WHERE id = %s AND status = %s{lock})",
            [
                notes,
                items.get_field("updated_at").get_db_prep_save(now, connection),
                item.pk,
                item.interview_id,
                base_version,
                notes,
                item.interview_id,
                Status.LIVE.value,
            ],
        )
        if cursor.rowcount == 1:
            item.notes, item.notes_version, item.updated_at = notes, base_version + 1, now
            return item
    return _save_notes_locked(item=item, notes=notes, base_version=base_version)


@transaction.atomic
def _save_notes_locked(*, item: InterviewQuestion, notes: str, base_version: int):
    interview = _lock(item.interview)
    _require_status(interview, Status.LIVE, action="save notes")
    item = InterviewQuestion.objects.select_for_update().get(pk=item.pk)
    if item.notes == notes:
        return item  # a retry of a save that already landed
    if base_version != item.notes_version:
        raise StaleNotes(item)
    item.notes = notes
    item.notes_version += 1
    item.save(update_fields=["notes", "notes_version", "updated_at"])
    return item


@transaction.atomic
def item_add_time(*, item: InterviewQuestion, seconds: int) -> InterviewQuestion:
    interview = _lock(item.interview)
    _require_status(interview, Status.LIVE, action="record time")
    seconds = max(0, min(int(seconds), 3600))
    item = InterviewQuestion.objects.select_for_update().get(pk=item.pk)
    item.seconds_spent += seconds
    item.save(update_fields=["seconds_spent", "updated_at"])
    return item


@transaction.atomic
def interview_submit(
    *, interview: Interview, recommendation: str, summary: str, allow_unscored: bool = False
) -> Interview:
    interview = _lock(interview)
    _require_status(interview, Status.LIVE, action="submit")
    errors = {}
    if recommendation not in Recommendation.values:
        errors["recommendation"] = (
            "Choose a recommendation: strong no hire, no hire, hire or strong hire."
        )
    if not summary.strip():
        errors["summary"] = "Write a summary of the interview."
    open_count = interview.items.filter(score__isnull=True, skipped=False).count()
    if open_count and not allow_unscored:
        errors["allow_unscored"] = (
            f"{open_count} question(s) have no score and were not skipped. Score or skip them, "
            "or confirm that you leave them unscored."
        )
    if errors:
        raise ValidationError(errors)
    interview.recommendation = recommendation
    interview.summary = summary.strip()
    interview.status = Status.SUBMITTED
    interview.submitted_at = timezone.now()
    interview.save()
    return interview


@transaction.atomic
def interview_amend(
    *,
    interview: Interview,
    user,
    reason: str,
    recommendation: str | None = None,
    summary: str | None = None,
    scores: dict[int, int | None] | None = None,
    notes: dict[int, str] | None = None,
) -> Amendment | None:
    """Change a submitted scorecard, recording who, when and every change. None if no change."""
    interview = _lock(interview)
    _require_status(interview, Status.SUBMITTED, action="amend")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you amend the scorecard."})
    changes = []
    if recommendation is not None and recommendation != interview.recommendation:
        if recommendation not in Recommendation.values:
            raise ValidationError({"recommendation": "Choose a valid recommendation."})
        changes.append(
            {"field": "recommendation", "old": interview.recommendation, "new": recommendation}
        )
        interview.recommendation = recommendation
    if summary is not None and summary.strip() != interview.summary:
        if not summary.strip():
            raise ValidationError({"summary": "The summary cannot be empty."})
        changes.append({"field": "summary", "old": interview.summary, "new": summary.strip()})
        interview.summary = summary.strip()
    items = {item.pk: item for item in interview.items.all()}
    for pk, score in (scores or {}).items():
        item = items.get(pk)
        if item is None:
            raise ValidationError("That question is not in this interview.")
        if score is not None and score not in (1, 2, 3, 4):
            raise ValidationError("A score is 1 to 4.")
        if score != item.score:
            changes.append(
                {"field": "score", "question": item.position, "old": item.score, "new": score}
            )
            item.score = score
            item.skipped = item.skipped and score is None
            item.save(update_fields=["score", "skipped", "updated_at"])
    for pk, text in (notes or {}).items():
        item = items.get(pk)
        if item is None:
            raise ValidationError("That question is not in this interview.")
        if text != item.notes:
            changes.append(
                {"field": "notes", "question": item.position, "old": item.notes, "new": text}
            )
            item.notes = text
            item.notes_version += 1
            item.save(update_fields=["notes", "notes_version", "updated_at"])
    if not changes:
        return None
    interview.save()
    return Amendment.objects.create(
        interview=interview, user=user, reason=reason.strip(), changes=changes
    )


@transaction.atomic
def kit_save_from_interview(
    *, interview: Interview, owner, name: str, shared: bool = False, description: str = ""
) -> Kit:
    """A new kit with the interview's questions in order."""
    if not interview.items.exists():
        raise ValidationError("The interview has no questions to save as a kit.")
    if Kit.objects.filter(owner=owner, name=name.strip()).exists():
        raise ValidationError({"name": "You already have a kit with this name."})
    kit = Kit(
        name=name.strip(),
        owner=owner,
        level=interview.level,
        shared=shared,
        description=description,
    )
    kit.full_clean()
    kit.save()
    kit_set_questions(
        kit=kit,
        question_ids=list(
            interview.items.order_by("position").values_list("question_id", flat=True)
        ),
    )
    return kit


@transaction.atomic
def kit_set_questions(*, kit: Kit, question_ids: Iterable[int]) -> Kit:
    ids = [int(pk) for pk in question_ids]
    if len(ids) != len(set(ids)):
        raise ValidationError("A kit holds each question once.")
    found = set(Question.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if missing := [pk for pk in ids if pk not in found]:
        raise ValidationError(f"No question with id {missing[0]}.")
    kit.items.all().delete()
    KitQuestion.objects.bulk_create(
        KitQuestion(kit=kit, question_id=pk, position=i) for i, pk in enumerate(ids, 1)
    )
    return kit
