"""Writes across interview models: small typed functions, each inside a transaction.

Every function checks that the interview is in a state that allows the change and raises
``ValidationError`` with a message for the user otherwise; nothing is written then.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Field, Max, Model
from django.template.defaultfilters import pluralize
from django.utils import timezone

from config import limits
from people.models import AuditEvent, Verb
from people.roles import Role, group_names
from people.services import audit_event, audit_record
from questionbank.models import SCORE_MAX, SCORE_MIN, Level, Question, Score, Topic, rubrics_by_kind
from webhooks.models import Event
from webhooks.payloads import (
    candidate_erased_payload,
    scorecard_amended_payload,
    scorecard_payload,
)
from webhooks.services import deliveries_forget_candidate, emit

from .measuring import scores_changed
from .models import (
    Amendment,
    Candidate,
    CoScore,
    CoScorer,
    ErasureReason,
    ErasureRecord,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Kit,
    Loop,
    LoopStage,
    LoopStatus,
    Recommendation,
)

POSITION_SHIFT = 1_000_000


class StaleNotes(ValidationError):
    """A notes save based on an older version than the server's: refused, nothing written."""

    def __init__(self, item: InterviewQuestion | CoScore):
        self.item = item
        super().__init__(
            "These notes were changed elsewhere (another tab or device) after you loaded them. "
            "Your text was not saved over the newer notes: copy it, reload, and merge.",
            code="stale",
        )


def _lock(interview: Interview) -> Interview:
    """Re-read the interview under a row lock so concurrent requests serialize."""
    return (
        Interview.objects.select_for_update(of=("self",))
        .select_related("interviewer")
        .get(pk=interview.pk)
    )


def _require_status(interview: Interview, *allowed: str, action: str) -> None:
    if interview.status not in allowed:
        raise ValidationError(
            f"Cannot {action}: this interview is {interview.get_status_display().lower()}.",
            code="status",
        )


def check_composable(*, interview: Interview) -> None:
    """Is this a draft: only a draft's questions are composed (added, removed, moved, replaced,
    or saved as a kit from the composer). The composer asks before any write, the writes again
    under the row lock."""
    if not interview.is_draft:
        raise ValidationError(
            f"This interview is {interview.get_status_display().lower()}: "
            "its questions can no longer be composed.",
            code="status",
        )


class StaleScorecard(ValidationError):
    """An amend based on an older version of the scorecard: refused, nothing written."""

    def __init__(self, interview: Interview):
        self.interview = interview
        super().__init__(
            "This scorecard was changed elsewhere (another tab or device) after you opened it. "
            "Nothing was saved: the form now shows the newer values; make your changes again.",
            code="stale",
        )


def _check_length(field: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise ValidationError(
            {field: f"This text has {len(text):,} characters; at most {limit:,} are kept."},
            code="max_length",
        )


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
    created_by: User | None,
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
    audit_record(actor=created_by, verb=Verb.CREATE, target=candidate, candidate=candidate)
    return candidate


def _lock_candidates(*candidates: Candidate) -> list[Candidate]:
    """Re-read candidates under row locks, in primary-key order (no deadlock between two merges)."""
    pks = [c.pk for c in candidates]
    locked = Candidate.objects.select_for_update().filter(pk__in=pks).order_by("pk").in_bulk()
    if len(locked) != len(set(pks)):
        raise ValidationError("That candidate no longer exists.", code="missing")
    return [locked[pk] for pk in pks]


@transaction.atomic
def candidate_set_archived(
    *, candidate: Candidate, archived: bool, actor: User | None = None
) -> Candidate:
    """Archive (hide from lists and pickers, keep everything) or bring a candidate back."""
    (candidate,) = _lock_candidates(candidate)
    if archived == (candidate.archived_at is not None):
        return candidate
    candidate.archived_at = timezone.now() if archived else None
    candidate.save(update_fields=["archived_at", "updated_at"])
    verb = Verb.ARCHIVE if archived else Verb.UNARCHIVE
    audit_record(actor=actor, verb=verb, target=candidate, candidate=candidate)
    return candidate


def _merge_loops(*, keep: Candidate, duplicate: Candidate) -> None:
    """The duplicate's loops become ``keep``'s. Both may have an open loop (one per candidate):
    then the duplicate's open stages join ``keep``'s open loop after its own, and the emptied
    loop goes."""
    keep_open = Loop.objects.select_for_update().open().filter(candidate=keep).first()
    duplicate_open = Loop.objects.select_for_update().open().filter(candidate=duplicate).first()
    if keep_open is not None and duplicate_open is not None:
        last = keep_open.stages.aggregate(m=Max("position"))["m"] or 0
        duplicate_open.stages.update(loop=keep_open, position=F("position") + last)
        duplicate_open.delete()
    Loop.objects.filter(candidate=duplicate).update(candidate=keep)


@transaction.atomic
def candidate_merge(
    *, keep: Candidate, duplicate: Candidate, actor: User | None = None
) -> Candidate:
    """Move the duplicate's interviews, loops (with their stages), audit trail and notes to
    ``keep``, then delete the duplicate.

    ``keep`` also takes the duplicate's e-mail when it has none. Nothing else changes."""
    if keep.pk == duplicate.pk:
        raise ValidationError("A candidate cannot be merged into itself.", code="same")
    keep, duplicate = _lock_candidates(keep, duplicate)
    Interview.objects.filter(candidate=duplicate).update(candidate=keep)
    _merge_loops(keep=keep, duplicate=duplicate)
    # The trail follows the person (rows unchanged otherwise: who, what, when stay).
    AuditEvent.objects.filter(candidate=duplicate).update(candidate=keep)
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
    audit_record(
        actor=actor,
        verb=Verb.MERGE,
        target=keep,
        candidate=keep,
        summary=f"{duplicate.name} (#{duplicate.pk})",
    )
    duplicate.delete()
    scores_changed()  # the duplicate's interviews are now the kept candidate's
    return keep


@transaction.atomic
def interview_create(
    *,
    interviewer: User,
    candidate: Candidate,
    level: Level,
    planned_minutes: int,
    title: str = "",
    kit: Kit | None = None,
    stage: LoopStage | None = None,
    scheduled_at: datetime | None = None,
    duration_minutes: int | None = None,
) -> Interview:
    """A draft; with ``stage``, the interview of that loop stage (one per stage)."""
    if stage is not None:
        stage = LoopStage.objects.select_for_update().select_related("loop").get(pk=stage.pk)
        if stage.interview_id is not None:
            raise ValidationError("This stage already has its interview.", code="stage_taken")
        if stage.loop.candidate_id != candidate.pk:
            raise ValidationError("This stage belongs to another candidate's loop.")
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
    if stage is not None:
        stage.interview = interview
        stage.save(update_fields=["interview"])
        Loop.objects.filter(pk=stage.loop_id).update(updated_at=timezone.now())
    if kit is not None:
        items = kit.items.select_related("question").prefetch_related("question__topics")
        _append_questions(interview, [item.question for item in items], planned=True)
    audit_record(
        actor=interviewer,
        verb=Verb.CREATE,
        target=interview,
        target_label=interview.title,
        candidate=candidate,
    )
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
    _require_status(interview, InterviewStatus.DRAFT, action="edit the details")
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
    _require_status(interview, InterviewStatus.DRAFT, action="discard")
    interview.items.all().delete()
    interview.delete()


def _append_questions(
    interview: Interview,
    questions: Sequence[Question],
    *,
    planned: bool,
    reasons: Sequence[str] | None = None,
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
    _require_status(interview, InterviewStatus.DRAFT, InterviewStatus.LIVE, action="add a question")
    if not question.is_active:
        raise ValidationError(
            "This question is retired and can no longer be added.", code="retired"
        )
    if interview.items.filter(question=question).exists():
        raise ValidationError("This question is already in the interview.", code="duplicate")
    if not confirm_repeat and question.pk in InterviewQuestion.objects.asked_question_ids(
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
    check_composable(interview=interview)
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
    check_composable(interview=interview)
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
    check_composable(interview=interview)
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
    check_composable(interview=interview)
    interview.items.all().delete()
    by_pk = Question.objects.prefetch_related("topics").in_bulk([q.pk for q in questions])
    ordered = [by_pk[q.pk] for q in questions]
    return _append_questions(interview, ordered, planned=True, reasons=list(reasons))


@transaction.atomic
def interview_start(*, interview: Interview) -> Interview:
    interview = _lock(interview)
    _require_status(interview, InterviewStatus.DRAFT, InterviewStatus.LIVE, action="start")
    if not interview.items.exists():
        raise ValidationError("Add at least one question before starting.", code="empty")
    interview.start()
    return interview


def check_score(*, score: int | None, skipped: bool) -> None:
    """A line's score (the interviewer's or a co-scorer's) is on the scale, or None; a
    skipped question has none."""
    if score is not None and score not in Score.values:
        scale = ", ".join(f"{s} ({Score(s).label})" for s in Score.values[:-1])
        raise ValidationError(
            f"A score is {scale} or {SCORE_MAX} ({SCORE_MAX.label}).", code="score"
        )
    if skipped and score is not None:
        raise ValidationError("A skipped question has no score.", code="score")


def score_change_summary(*, score: int | None, skipped: bool) -> str:
    """What a score change says in the audit trail (either sheet)."""
    return "skipped" if skipped else (f"score {score}" if score else "score cleared")


def item_score(
    *, item: InterviewQuestion, score: int | None = None, skipped: bool = False
) -> InterviewQuestion:
    """Score 1..4, skip, or clear (score None, skipped False) a question of a live interview.

    The hottest write of a live interview, so one statement with its audit row: an UPDATE
    guarded by the interview being live, which on PostgreSQL takes a share lock on the
    interview's row (``FOR SHARE``): it waits for a submission in progress and then sees it,
    and a submission waits for it, as the row lock of the other services serializes them.
    SQLite runs one writer at a time. Only when nothing was written does it read why.
    """
    check_score(score=score, skipped=skipped)
    now = timezone.now()
    interview = item.interview
    what = score_change_summary(score=score, skipped=skipped)
    audit = audit_event(
        actor=interview.interviewer,
        verb=Verb.SCORE,
        target=interview,
        target_label=interview.title,
        candidate_id=interview.candidate_id,
        summary=f"Question {item.position}: {what}",
    )
    written = _update_while_live(item, audit=audit, score=score, skipped=skipped, updated_at=now)
    if not written:
        interview = Interview.objects.get(pk=item.interview_id)
        _require_status(interview, InterviewStatus.LIVE, action="score")
        raise InterviewQuestion.DoesNotExist("That question is no longer in the interview.")
    item.score, item.skipped, item.updated_at = score, skipped, now
    return item


def _column(name: str) -> Field[Any, Any]:
    """A concrete field of ``InterviewQuestion`` (what a raw UPDATE writes)."""
    return cast("Field[Any, Any]", InterviewQuestion._meta.get_field(name))


def _update_while_live(item: InterviewQuestion, *, audit: AuditEvent, **fields: object) -> bool:
    """Write ``fields`` on the question if its interview is live, and ``audit`` with it.

    A score never stands without its row in the audit trail. On PostgreSQL both are one
    statement (the UPDATE in a data-modifying WITH, the INSERT of the audit row selecting from
    what it wrote), atomic on its own: no BEGIN and COMMIT of their own around it. Elsewhere
    two statements in one transaction (no savepoint: inside a caller's transaction they simply
    join it; nothing is raised inside the block, which would break a caller's transaction).
    """
    items, interviews, q = InterviewQuestion._meta, Interview._meta, connection.ops.quote_name
    columns = [q(_column(name).column) for name in fields]
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    update = (
        f"UPDATE {q(items.db_table)} SET {', '.join(f'{c} = %s' for c in columns)} "
        f"WHERE id = %s AND interview_id = %s AND EXISTS (SELECT 1 FROM {q(interviews.db_table)} "
        f"WHERE id = %s AND status = %s{lock})"
    )
    values = [_column(name).get_db_prep_save(v, connection) for name, v in fields.items()]
    params = [*values, item.pk, item.interview_id, item.interview_id, InterviewStatus.LIVE.value]
    if connection.vendor == "postgresql":
        audit_fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
        casts = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in audit_fields)
        row = [f.get_db_prep_save(f.pre_save(audit, True), connection) for f in audit_fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH written AS ({update} RETURNING 1) "
                f"INSERT INTO {q(AuditEvent._meta.db_table)} "
                f"({', '.join(q(f.column) for f in audit_fields)}) SELECT {casts} FROM written",
                [*params, *row],
            )
            return bool(cursor.rowcount == 1)
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(update, params)
            written = bool(cursor.rowcount == 1)
        if written:
            audit.save(force_insert=True)
    return written


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
                InterviewStatus.LIVE.value,
            ],
        )
        if cursor.rowcount == 1:
            item.notes, item.notes_version, item.updated_at = notes, base_version + 1, now
            return item
    return _save_notes_locked(item=item, notes=notes, base_version=base_version)


@transaction.atomic
def _save_notes_locked(
    *, item: InterviewQuestion, notes: str, base_version: int
) -> InterviewQuestion:
    interview = _lock(item.interview)
    _require_status(interview, InterviewStatus.LIVE, action="save notes")
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
    _require_status(interview, InterviewStatus.LIVE, action="record time")
    seconds = max(0, min(int(seconds), 3600))
    item = InterviewQuestion.objects.select_for_update().get(pk=item.pk)
    item.seconds_spent += seconds
    item.save(update_fields=["seconds_spent", "updated_at"])
    return item


@transaction.atomic
def interview_add_times(*, interview: Interview, seconds: dict[int, int]) -> None:
    """Add seconds spent to several questions at once (``{item id: seconds}``, each 0 to
    3600 a call as ``item_add_time``): one lock and one update, for imports and simulations."""
    interview = _lock(interview)
    _require_status(interview, InterviewStatus.LIVE, action="record time")
    items = interview.items.in_bulk(list(seconds))
    if len(items) != len(seconds):
        raise ValidationError("That question is not in this interview.", code="missing")
    for pk, value in seconds.items():
        items[pk].seconds_spent += max(0, min(int(value), 3600))
    InterviewQuestion.objects.bulk_update(items.values(), ["seconds_spent"])


def check_scorecard(
    *, recommendation: str, summary: str, open_count: int, allow_unscored: bool
) -> None:
    """What a scorecard needs, the interviewer's or a co-scorer's: a recommendation, a summary
    within its limit, and every question scored or skipped unless ``allow_unscored``. Raises a
    ValidationError naming each field that falls short."""
    errors = {}
    if recommendation not in Recommendation.values:
        errors["recommendation"] = (
            "Choose a recommendation: strong no hire, no hire, hire or strong hire."
        )
    if not summary.strip():
        errors["summary"] = "Write a summary of the interview."
    elif len(summary.strip()) > limits.SUMMARY:
        errors["summary"] = f"At most {limits.SUMMARY:,} characters are kept."
    if open_count and not allow_unscored:
        n = open_count
        errors["allow_unscored"] = (
            f"{n} question{pluralize(n)} {pluralize(n, 'has,have')} no score and "
            f"{pluralize(n, 'was,were')} not skipped. Score or skip {pluralize(n, 'it,them')}, "
            f"or confirm that you leave {pluralize(n, 'it,them')} unscored."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def interview_submit(
    *, interview: Interview, recommendation: str, summary: str, allow_unscored: bool = False
) -> Interview:
    interview = _lock(interview)
    _require_status(interview, InterviewStatus.LIVE, action="submit")
    open_count = interview.items.filter(score__isnull=True, skipped=False).count()
    check_scorecard(
        recommendation=recommendation,
        summary=summary,
        open_count=open_count,
        allow_unscored=allow_unscored,
    )
    interview.submit(recommendation=recommendation, summary=summary)
    audit_record(
        actor=interview.interviewer,
        verb=Verb.SUBMIT,
        target=interview,
        target_label=interview.title,
        candidate_id=interview.candidate_id,
        summary=f"Recommendation: {interview.get_recommendation_display()}",
    )
    emit(Event.SCORECARD_SUBMITTED, scorecard_payload(interview))
    scores_changed()
    return interview


# One change of an amendment, as ``Amendment.changes`` keeps it.
Change = dict[str, object]


def _amend_card(
    interview: Interview, *, recommendation: str | None, summary: str | None
) -> list[Change]:
    """Set the recommendation and summary on the (locked) interview, not saved: the changes."""
    changes: list[Change] = []
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
    return changes


def _amend_items(
    interview: Interview, *, scores: dict[int, int | None], notes: dict[int, str]
) -> list[Change]:
    """Write the questions' new scores and notes: the changes."""
    changes: list[Change] = []
    items = {item.pk: item for item in interview.items.all()}
    for pk, score in scores.items():
        item = items.get(pk)
        if item is None:
            raise ValidationError("That question is not in this interview.")
        if score is not None and score not in Score.values:
            raise ValidationError(f"A score is {SCORE_MIN} to {SCORE_MAX}.")
        if score != item.score:
            changes.append(
                {"field": "score", "question": item.position, "old": item.score, "new": score}
            )
            item.score = score
            item.skipped = item.skipped and score is None
            item.save(update_fields=["score", "skipped", "updated_at"])
    for pk, text in notes.items():
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
    return changes


@transaction.atomic
def interview_amend(
    *,
    interview: Interview,
    user: User,
    reason: str,
    recommendation: str | None = None,
    summary: str | None = None,
    scores: dict[int, int | None] | None = None,
    notes: dict[int, str] | None = None,
    base_version: int | None = None,
) -> Amendment | None:
    """Change a submitted scorecard, recording who, when and every change. None if no change.

    ``base_version`` is the scorecard's version the change was made on (the amend form's);
    if the scorecard changed since, StaleScorecard and nothing is written."""
    interview = _lock(interview)
    _require_status(interview, InterviewStatus.SUBMITTED, action="amend")
    if base_version is not None and base_version != interview.version:
        raise StaleScorecard(interview)
    if not reason.strip():
        raise ValidationError({"reason": "Say why you amend the scorecard."})
    _check_length("reason", reason, limits.AMEND_REASON)
    if summary is not None:
        _check_length("summary", summary, limits.SUMMARY)
    for text in (notes or {}).values():
        _check_length("notes", text, limits.NOTES)
    changes = _amend_card(interview, recommendation=recommendation, summary=summary)
    changes += _amend_items(interview, scores=scores or {}, notes=notes or {})
    if not changes:
        return None
    interview.version += 1
    interview.save()
    amendment = Amendment.objects.create(
        interview=interview, user=user, reason=reason.strip(), changes=changes
    )
    audit_record(
        actor=user,
        verb=Verb.AMEND,
        target=interview,
        target_label=interview.title,
        candidate_id=interview.candidate_id,
        summary=f"{len(changes)} change(s): {reason.strip()}",
    )
    emit(Event.SCORECARD_AMENDED, scorecard_amended_payload(interview, amendment))
    scores_changed()
    return amendment


# Loops --------------------------------------------------------------------------------------


def _require_interviewer(user: User | None) -> None:
    if user is None or not user.is_active or Role.INTERVIEWER not in group_names(user):
        raise ValidationError(
            {"interviewer": "Choose someone with the interviewer role."}, code="not_interviewer"
        )


def _require_open(loop: Loop) -> None:
    if loop.status != LoopStatus.OPEN:
        raise ValidationError("This loop is closed.", code="closed")


@transaction.atomic
def loop_open(*, candidate: Candidate, hiring_manager: User | None) -> Loop:
    """A candidate's new loop, managed by ``hiring_manager``; one open loop per candidate."""
    if Loop.objects.open().filter(candidate=candidate).exists():
        raise ValidationError(
            f"{candidate.name} already has an open loop: add stages to it.", code="open_loop"
        )
    loop = Loop.objects.create(candidate=candidate, hiring_manager=hiring_manager)
    audit_record(actor=hiring_manager, verb=Verb.OPEN_LOOP, target=loop, candidate=candidate)
    return loop


@transaction.atomic
def stage_add(
    *,
    loop: Loop,
    name: str,
    interviewer: User,
    actor: User | None,
    focus_topics: Iterable[Topic] = (),
    planned_minutes: int = 45,
    scheduled_at: datetime | None = None,
) -> LoopStage:
    loop = Loop.objects.select_for_update().get(pk=loop.pk)
    _require_open(loop)
    _require_interviewer(interviewer)
    position = (loop.stages.aggregate(m=Max("position"))["m"] or 0) + 1
    stage = LoopStage(
        loop=loop,
        name=name.strip(),
        position=position,
        interviewer=interviewer,
        planned_minutes=planned_minutes,
        scheduled_at=scheduled_at,
    )
    stage.full_clean()
    stage.save()
    stage.focus_topics.set(list(focus_topics))
    loop.save(update_fields=["updated_at"])  # an incremental sync (API) sees the new stage
    audit_record(
        actor=actor,
        verb=Verb.ASSIGN,
        target=stage,
        candidate=loop.candidate,
        summary=f"{stage.name} assigned to {interviewer.get_username()}",
    )
    return stage


def _lock_stage(stage: LoopStage) -> LoopStage:
    stage = LoopStage.objects.select_for_update().select_related("loop__candidate").get(pk=stage.pk)
    _require_open(stage.loop)
    if stage.interview_id is not None:
        interview = Interview.objects.get(pk=stage.interview_id)
        if not interview.is_draft:
            raise ValidationError(
                "This stage's interview has started: it stays with its interviewer.",
                code="started",
            )
        stage.interview = interview
    return stage


@transaction.atomic
def stage_reassign(*, stage: LoopStage, interviewer: User, actor: User) -> LoopStage:
    """Give the stage to another interviewer. A draft the previous one composed leaves the
    stage (it stays theirs to reuse or discard); a started interview cannot be reassigned."""
    stage = _lock_stage(stage)
    _require_interviewer(interviewer)
    before = stage.interviewer.get_username() if stage.interviewer else "nobody"
    stage.interviewer = interviewer
    stage.interview = None
    stage.save(update_fields=["interviewer", "interview"])
    Loop.objects.filter(pk=stage.loop_id).update(updated_at=timezone.now())
    audit_record(
        actor=actor,
        verb=Verb.ASSIGN,
        target=stage,
        candidate=stage.loop.candidate,
        summary=f"{stage.name}: {before} → {interviewer.get_username()}",
    )
    return stage


@transaction.atomic
def stage_hand_back(*, stage: LoopStage, actor: User) -> LoopStage:
    """The assigned interviewer gives the stage back to the hiring manager (unassigned)."""
    stage = _lock_stage(stage)
    if stage.interviewer_id != actor.pk:
        raise ValidationError("Only the stage's interviewer can hand it back.", code="not_yours")
    stage.interviewer = None
    stage.interview = None
    stage.save(update_fields=["interviewer", "interview"])
    Loop.objects.filter(pk=stage.loop_id).update(updated_at=timezone.now())
    audit_record(
        actor=actor,
        verb=Verb.HAND_BACK,
        target=stage,
        candidate=stage.loop.candidate,
        summary=f"{stage.name} handed back by {actor.get_username()}",
    )
    return stage


@transaction.atomic
def loop_close(*, loop: Loop, actor: User) -> Loop:
    loop = Loop.objects.select_for_update().get(pk=loop.pk)
    _require_open(loop)
    loop.close()
    audit_record(actor=actor, verb=Verb.CLOSE_LOOP, target=loop, candidate=loop.candidate)
    return loop


@transaction.atomic
def stage_create_interview(
    *, stage: LoopStage, interviewer: User, kit: Kit | None = None, title: str = ""
) -> Interview:
    """The stage's draft interview, by its assigned interviewer."""
    stage = LoopStage.objects.select_related("loop__candidate__level").get(pk=stage.pk)
    _require_open(stage.loop)
    if stage.interviewer_id != interviewer.pk:
        raise ValidationError("This stage is assigned to someone else.", code="not_yours")
    candidate = stage.loop.candidate
    return interview_create(
        interviewer=interviewer,
        candidate=candidate,
        level=candidate.level,
        planned_minutes=stage.planned_minutes,
        title=title or f"{stage.name}: {candidate.name}",
        kit=kit,
        stage=stage,
    )


def stage_for_new_interview(*, candidate: Candidate, interviewer: User) -> LoopStage:
    """Where a new interview of ``candidate`` by ``interviewer`` goes: their first assigned
    stage without an interview in the open loop, or (for the loop's hiring manager) a new stage
    assigned to themselves. Anyone else: ValidationError."""
    loop = Loop.objects.open().filter(candidate=candidate).first()
    if loop is None:
        raise ValidationError(
            f"{candidate.name} has no open loop: a hiring manager opens one and assigns you.",
            code="no_loop",
        )
    stage = (
        loop.stages.filter(interviewer=interviewer, interview__isnull=True)
        .order_by("position")
        .first()
    )
    if stage is not None:
        return stage
    if loop.hiring_manager_id == interviewer.pk:
        return stage_add(loop=loop, name="Interview", interviewer=interviewer, actor=interviewer)
    raise ValidationError(
        f"No stage of {candidate.name}'s loop is assigned to you.", code="not_assigned"
    )


ERASED = "(erased)"


@transaction.atomic
def candidate_erase(
    *, candidate: Candidate, by: User | None = None, reason: str = ErasureReason.REQUEST
) -> ErasureRecord:
    """Erase a candidate and everything about them: their loops and stages, their interviews
    with the question snapshots, scores and notes, the amendments, the co-scorers' sheets, the
    text the admin's log keeps about any of these (the log rows stay, reading "(erased)") and
    the text of their audit rows (who, what, when stay). Only anonymous counts are kept, in an
    ErasureRecord. `by` is the person who erased (None for the retention command)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    interviews = list(candidate.interviews.values_list("pk", "status"))
    interview_ids = [pk for pk, _ in interviews]
    item_ids = list(
        InterviewQuestion.objects.filter(interview__in=interview_ids).values_list("pk", flat=True)
    )
    amendment_ids = list(
        Amendment.objects.filter(interview__in=interview_ids).values_list("pk", flat=True)
    )
    sheet_ids = list(
        CoScorer.objects.filter(interview__in=interview_ids).values_list("pk", flat=True)
    )
    loop_ids = list(candidate.loops.values_list("pk", flat=True))
    stage_ids = list(LoopStage.objects.filter(loop__in=loop_ids).values_list("pk", flat=True))
    record = ErasureRecord.objects.create(
        erased_by=by,
        reason=reason,
        interviews=len(interviews),
        submitted_interviews=sum(
            1 for _, status in interviews if status == InterviewStatus.SUBMITTED
        ),
        questions=len(item_ids),
        amendments=len(amendment_ids),
    )
    _scrub_admin_log(
        {
            Candidate: [candidate.pk],
            Interview: interview_ids,
            InterviewQuestion: item_ids,
            Amendment: amendment_ids,
            CoScorer: sheet_ids,
            Loop: loop_ids,
            LoopStage: stage_ids,
        }
    )
    AuditEvent.objects.filter(candidate=candidate).erase_text()
    audit_record(
        actor=by,
        verb=Verb.ERASE,
        target=candidate,
        target_label=f"candidate #{candidate.pk}",
        summary=ErasureReason(reason).label,
    )
    candidate_id = candidate.pk
    # The delete cascades to loops, stages, interviews, their questions and amendments, and
    # the co-scorers' sheets with their lines.
    candidate.delete()
    # Webhook deliveries about them lose their data; receivers hear of the erasure (by id only).
    deliveries_forget_candidate(candidate_id=candidate_id)
    emit(
        Event.CANDIDATE_ERASED,
        candidate_erased_payload(candidate_id=candidate_id, erased_at=record.erased_at),
    )
    scores_changed()
    return record


def _scrub_admin_log(objects: dict[type[Model], list[int]]) -> None:
    """Blank what the admin's log says about these objects; the rows (who, when) remain."""
    objects = {model: ids for model, ids in objects.items() if ids}
    content_types = ContentType.objects.get_for_models(*objects)  # one query, then cached
    for model, ids in objects.items():
        LogEntry.objects.filter(
            content_type=content_types[model],
            object_id__in=[str(pk) for pk in ids],
        ).update(object_repr=ERASED, change_message="")
