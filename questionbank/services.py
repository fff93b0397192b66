"""Writes to the question bank that span models, each inside a transaction."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction

from people.models import Verb
from people.services import audit_record

from .counts import bank_changed
from .guide import (
    ANCHOR_LEVELS,
    Guidance,
    GuideError,
    ParsedGuide,
    ParsedQuestion,
    decode,
    load_guidance,
    parse_guide,
)
from .models import DEFAULT_MINUTES, Kind, Level, Question, Topic, normalize_text


def _check_tags(levels: Iterable[Level], topics: Iterable[Topic]) -> None:
    errors: dict[str, str] = {}
    if not list(levels):
        errors["levels"] = "A question needs at least one level."
    if not list(topics):
        errors["topics"] = "A question needs at least one topic."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def question_create(
    *,
    text: str,
    levels: Iterable[Level],
    topics: Iterable[Topic],
    actor: AbstractBaseUser | None = None,
    **fields: Any,
) -> Question:
    """A new question with its levels and topics; at least one of each, or nothing is written.
    With an ``actor`` (a curator through the API), the audit trail records who added it."""
    levels, topics = list(levels), list(topics)
    _check_tags(levels, topics)
    question = Question(text=text.strip(), **fields)
    if "estimated_minutes" not in fields:
        question.estimated_minutes = _default_minutes(question.kind)
    question.full_clean()
    question.save()
    question.levels.set(levels)
    question.topics.set(topics)
    if actor is not None:
        audit_record(actor=actor, verb=Verb.CREATE, target=question)
    return question


def _default_minutes(kind: str) -> int:
    """The kind's usual minutes; 5 for a kind that ``full_clean`` then refuses."""
    return DEFAULT_MINUTES[Kind(kind)] if kind in Kind.values else 5


# The fields of a question a curator changes (the admin's form, the API).
EDITABLE_FIELDS = frozenset(
    {
        "text",
        "kind",
        "difficulty",
        "guidance",
        "follow_ups",
        "red_flags",
        "reading",
        "estimated_minutes",
        "status",
        "anchor_poor",
        "anchor_mixed",
        "anchor_good",
        "anchor_excellent",
    }
)


@transaction.atomic
def question_update(
    *,
    question: Question,
    actor: AbstractBaseUser,
    levels: Iterable[Level] | None = None,
    topics: Iterable[Topic] | None = None,
    **fields: Any,
) -> Question:
    """Change some fields (and/or the levels and topics) of a question under a row lock;
    every rule of the model checked, nothing written when one fails. Recorded in the audit
    trail with the names of the fields changed (nothing recorded when nothing changed)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    question = Question.objects.select_for_update().get(pk=question.pk)
    if "text" in fields:
        fields["text"] = fields["text"].strip()
    changed = sorted(name for name, value in fields.items() if getattr(question, name) != value)
    for name in changed:
        setattr(question, name, fields[name])
    if changed:
        question.full_clean()
        question.save()
    if levels is not None or topics is not None:
        levels = list(question.levels.all()) if levels is None else list(levels)
        topics = list(question.topics.all()) if topics is None else list(topics)
        _check_tags(levels, topics)
        if {x.pk for x in levels} != set(question.levels.values_list("pk", flat=True)):
            question.levels.set(levels)
            changed.append("levels")
        if {x.pk for x in topics} != set(question.topics.values_list("pk", flat=True)):
            question.topics.set(topics)
            changed.append("topics")
        if changed and changed[-1] in ("levels", "topics") and not set(changed) & set(fields):
            # Only the tags changed: updated_at still tells an incremental sync.
            question.save(update_fields=["updated_at"])
    if changed:
        audit_record(
            actor=actor, verb=Verb.UPDATE, target=question, summary="changed " + ", ".join(changed)
        )
    return question


@transaction.atomic
def question_set_tags(
    *, question: Question, levels: Iterable[Level], topics: Iterable[Topic]
) -> Question:
    levels, topics = list(levels), list(topics)
    _check_tags(levels, topics)
    question.levels.set(levels)
    question.topics.set(topics)
    return question


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    questions_created: int = 0
    questions_changed: int = 0

    @property
    def lines(self) -> list[str]:
        return [*self.created, *self.changed]

    def summary(self, dry_run: bool = False) -> str:
        verb = "Would create" if dry_run else "Created"
        return (
            f"{verb} {self.questions_created} questions, changed {self.questions_changed}, "
            f"{self.unchanged} unchanged ({len(self.created)} objects created, "
            f"{len(self.changed)} changed in all)."
        )


def guide_import_file(
    *, path: Path, guidance_dir: Path | None = None, dry_run: bool = False
) -> ImportReport:
    """Parse a guide file (and its guidance) and import it; a malformed file writes nothing."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GuideError(f"cannot read {path}: {exc.strerror}") from exc
    guide = parse_guide(decode(data, path.name), source=path.name)
    guidance = load_guidance(guidance_dir if guidance_dir is not None else path.parent / "guidance")
    return guide_import(guide=guide, guidance=guidance, source=path.name, dry_run=dry_run)


def guide_import(
    *, guide: ParsedGuide, guidance: dict[str, Guidance], source: str, dry_run: bool = False
) -> ImportReport:
    known = {q.key for q in guide.questions}
    strays = [key for key in guidance if key not in known]
    if strays:
        raise GuideError(f"guidance names a question that is not in the guide: {strays[0]!r}")
    report = ImportReport()
    with transaction.atomic():
        levels = _import_levels(guide, report)
        topics = _import_topics(guide, report)
        existing = {
            normalize_text(q.text): q for q in Question.objects.prefetch_related("levels", "topics")
        }
        new: list[tuple[Question, list[Level], list[Topic]]] = []
        for parsed in guide.questions:
            _import_question(
                parsed, guidance.get(parsed.key), source, existing, levels, topics, report, new
            )
        _create_questions(new)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_levels(guide: ParsedGuide, report: ImportReport) -> dict[str, Level]:
    out: dict[str, Level] = {}
    for parsed in guide.levels:
        values = {"name": parsed.name, "rank": parsed.rank, "description": parsed.description}
        level, created = Level.objects.get_or_create(slug=parsed.slug, defaults=values)
        if created:
            report.created.append(f"create level {level.name}")
        else:
            _update(level, values, f"level {level.name}", report)
        out[parsed.slug] = level
    return out


def _import_topics(guide: ParsedGuide, report: ImportReport) -> dict[str, Topic]:
    out: dict[str, Topic] = {}
    for parsed in guide.topics:
        values = {"name": parsed.name, "section": parsed.section, "position": parsed.position}
        topic, created = Topic.objects.get_or_create(slug=parsed.slug, defaults=values)
        if created:
            report.created.append(f"create topic {topic.name}")
        else:
            _update(topic, values, f"topic {topic.name}", report)
        out[parsed.slug] = topic
    return out


def _update(
    obj: models.Model, values: Mapping[str, object], label: str, report: ImportReport
) -> bool:
    diffs = [
        f"{name}: {getattr(obj, name)!r} -> {value!r}"
        for name, value in values.items()
        if getattr(obj, name) != value
    ]
    if diffs:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        report.changed.append(f"change {label}: " + "; ".join(diffs))
    return bool(diffs)


def _create_questions(new: list[tuple[Question, list[Level], list[Topic]]]) -> None:
    """New questions in three statements: the rows, then their levels and topics."""
    created = Question.objects.bulk_create([question for question, _, _ in new])
    Question.levels.through.objects.bulk_create(
        Question.levels.through(question_id=q.pk, level_id=level.pk)
        for q, (_, want_levels, _) in zip(created, new, strict=True)
        for level in want_levels
    )
    Question.topics.through.objects.bulk_create(
        Question.topics.through(question_id=q.pk, topic_id=topic.pk)
        for q, (_, _, want_topics) in zip(created, new, strict=True)
        for topic in want_topics
    )
    bank_changed()  # bulk inserts send no signal


def _import_question(
    parsed: ParsedQuestion,
    guidance: Guidance | None,
    source: str,
    existing: dict[str, Question],
    levels: dict[str, Level],
    topics: dict[str, Topic],
    report: ImportReport,
    new: list[tuple[Question, list[Level], list[Topic]]],
) -> None:
    values: dict[str, object] = {
        "kind": parsed.kind,
        "difficulty": parsed.difficulty,
        "source": source,
        "source_line": parsed.line,
        "estimated_minutes": guidance.minutes if guidance else DEFAULT_MINUTES[parsed.kind],
        "guidance": "\n".join(guidance.key_points) if guidance else "",
        "follow_ups": "\n".join(guidance.follow_ups) if guidance else "",
        "red_flags": "\n".join(guidance.red_flags) if guidance else "",
        "reading": guidance.reading if guidance else "",
        **{
            f"anchor_{level}": guidance.anchors.get(level, "") if guidance else ""
            for level in ANCHOR_LEVELS
        },
    }
    want_levels = [levels[s] for s in parsed.level_slugs]
    want_topics = [topics[s] for s in parsed.topic_slugs]
    question = existing.get(parsed.key)
    label = f"question (line {parsed.line}) {parsed.text[:60]!r}"
    if question is None:
        question = Question(text=parsed.text, **values)
        new.append((question, want_levels, want_topics))
        existing[parsed.key] = question
        report.created.append(f"create {label}")
        report.questions_created += 1
        return
    changed = _update(question, values, label, report)
    # Tags are added, never removed: a curator's extra topic or level survives a re-import.
    missing_levels = [lv for lv in want_levels if lv not in question.levels.all()]
    missing_topics = [t for t in want_topics if t not in question.topics.all()]
    if missing_levels or missing_topics:
        question.levels.add(*missing_levels)
        question.topics.add(*missing_topics)
        added = ", ".join(str(x) for x in [*missing_levels, *missing_topics])
        report.changed.append(f"change {label}: add {added}")
        changed = True
    if changed:
        report.questions_changed += 1
    else:
        report.unchanged += 1
