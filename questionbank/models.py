from typing import NamedTuple

from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Lower, Replace, Trim
from django.urls import reverse

from config import limits
from config.constraints import OneQueryChecks
from config.limits import bounded_text, length_constraint


def normalize_text(text: str) -> str:
    """Question text up to case and white space: the key of the uniqueness rule."""
    return " ".join(text.split()).casefold()


def normalized_text_expression(field: str = "text"):
    """The same normalization in SQL, portable across SQLite and PostgreSQL.

    Tabs and line breaks become spaces, then runs of spaces are folded by halving
    (six passes fold any run of up to 64), then trimmed and lower-cased.
    """
    text: models.TextField[str, str] = models.TextField()
    expr: F | Replace = F(field)
    for ch in ("\r", "\n", "\t"):
        expr = Replace(expr, Value(ch, text), Value(" ", text), output_field=text)
    for _ in range(6):
        expr = Replace(expr, Value("  ", text), Value(" ", text), output_field=text)
    return Lower(Trim(expr, output_field=text), output_field=text)


def split_lines(text: str) -> list[str]:
    """A multi-line field as its list of points (one per line, bullets stripped)."""
    points = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•*").strip()
        if line:
            points.append(line)
    return points


class GuidanceLines(NamedTuple):
    """A question's answer guidance as lists of points: what the live page, the bank's
    guidance block and the reports show."""

    key_points: list[str]
    follow_ups: list[str]
    red_flags: list[str]


class HasGuidance:
    """The one accessor for answer guidance split into lines, for the bank's questions and
    the interviews' snapshots of them (both have ``guidance``, ``follow_ups``, ``red_flags``:
    one point per line)."""

    guidance: str
    follow_ups: str
    red_flags: str

    def guidance_lines(self) -> GuidanceLines:
        return GuidanceLines(
            key_points=split_lines(self.guidance),
            follow_ups=split_lines(self.follow_ups),
            red_flags=split_lines(self.red_flags),
        )


class Kind(models.TextChoices):
    CONCEPTUAL = "conceptual", "Conceptual"
    CODING = "coding", "Coding"
    SYSTEM_DESIGN = "system_design", "System design"
    BEHAVIORAL = "behavioral", "Behavioral"
    SCENARIO = "scenario", "Scenario"


DEFAULT_MINUTES = {
    Kind.CONCEPTUAL: 5,
    Kind.CODING: 20,
    Kind.SYSTEM_DESIGN: 25,
    Kind.BEHAVIORAL: 8,
    Kind.SCENARIO: 10,
}


class Score(models.IntegerChoices):
    """The one anchored 4-point scale every question is scored on."""

    POOR = 1, "Poor"
    MIXED = 2, "Mixed"
    GOOD = 3, "Good"
    EXCELLENT = 4, "Excellent"


# The scale's ends: what a constraint, a form or a chart's axis reads (never 1 and 4 by hand).
SCORE_MIN = Score.POOR
SCORE_MAX = Score.EXCELLENT


def score_name(score: Score) -> str:
    """A score with its label, "3 Good": the anchors' field names, axes, exports."""
    return f"{score.value} {score.label}"


# The one scoring rule every question's anchors follow (fixtures/guidance/README.md explains it).
# Key points count when stated correctly, unprompted or after one neutral prompt.
SCORING_RULE = {
    Score.EXCELLENT: "Good, plus at least one follow-up answered with the expected mechanism or "
    "number.",
    Score.GOOD: "At least two thirds of the key points (2 of 3, 3 of 4, 4 of 5 or 6), no "
    "substantive error, no red flag.",
    Score.MIXED: "At least half of the key points but not Good, or an otherwise Good answer with "
    "one substantive error. A red flag caps the score here.",
    Score.POOR: "Fewer than half of the key points, or two or more substantive errors (a red flag "
    "counts as one).",
}


class LevelManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Level(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="Order of levels, lowest first")
    description = bounded_text(limits.LEVEL_DESCRIPTION, blank=True)

    objects = LevelManager()

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class TopicQuerySet(models.QuerySet):
    def for_level(self, level):
        return self.filter(
            questions__levels=level, questions__status=QuestionStatus.ACTIVE
        ).distinct()

    def with_question_counts(self, level=None):
        """Each topic with ``question_count``: its active questions at the level (a Level, a
        level's slug, or None for all levels), counted in the same query."""
        condition = Q(questions__status=QuestionStatus.ACTIVE)
        if isinstance(level, str):
            condition &= Q(questions__levels__slug=level)
        elif level is not None:
            condition &= Q(questions__levels=level)
        # Explicit order: Meta.ordering does not apply to a query that groups (by the count).
        return self.annotate(
            question_count=Count("questions", filter=condition, distinct=True)
        ).order_by("position", "name")

    def for_choices(self, level=None, *, keep: str = ""):
        """The topics to offer at a level, each with its count: those with active questions
        there, plus the one already chosen (``keep``, a slug) so a choice stays valid."""
        return self.with_question_counts(level).filter(Q(question_count__gt=0) | Q(slug=keep))


_TopicManagerBase = models.Manager.from_queryset(TopicQuerySet)


class TopicManager(_TopicManagerBase):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    section = models.CharField(
        max_length=120, blank=True, help_text="The guide's part or heading this topic sits under"
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = TopicManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class QuestionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class KindRubric(models.Model):
    """Default anchors of the 4-point scale for one kind of question."""

    kind = models.CharField(max_length=20, choices=Kind, unique=True)
    poor = bounded_text(limits.ANCHOR, score_name(Score.POOR))
    mixed = bounded_text(limits.ANCHOR, score_name(Score.MIXED))
    good = bounded_text(limits.ANCHOR, score_name(Score.GOOD))
    excellent = bounded_text(limits.ANCHOR, score_name(Score.EXCELLENT))

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="kindrubric_kind_valid"),
        ]

    def __str__(self):
        return f"Rubric for {self.get_kind_display().lower()} questions"

    def anchors(self) -> dict[int, str]:
        return {
            Score.POOR: self.poor,
            Score.MIXED: self.mixed,
            Score.GOOD: self.good,
            Score.EXCELLENT: self.excellent,
        }


class QuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=QuestionStatus.ACTIVE)

    def for_level(self, level):
        return self.filter(levels=level)

    def search(self, text: str):
        for word in text.split():
            self = self.filter(text__icontains=word)
        return self

    def filtered(self, *, level=None, topic=None, difficulty=None, kind=None, q=""):
        qs = self
        if level:
            qs = qs.filter(levels=level)
        if topic:
            qs = qs.filter(topics=topic)
        if difficulty:
            qs = qs.filter(difficulty=difficulty)
        if kind:
            qs = qs.filter(kind=kind)
        if q:
            qs = qs.search(q)
        return qs

    def with_tags(self):
        """Levels and topics prefetched: the list pages' bundle."""
        return self.prefetch_related(
            models.Prefetch("levels", queryset=Level.objects.order_by("rank")),
            models.Prefetch("topics", queryset=Topic.objects.order_by("position")),
        )

    def for_bank(self):
        return self.active().with_tags().order_by("difficulty", "source_line", "id")


class Question(HasGuidance, OneQueryChecks, models.Model):
    text = bounded_text(limits.QUESTION_TEXT)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CONCEPTUAL)
    difficulty = models.PositiveSmallIntegerField(default=3, help_text="1 easiest .. 5 hardest")
    levels = models.ManyToManyField(Level, related_name="questions")
    topics = models.ManyToManyField(Topic, related_name="questions")
    guidance = bounded_text(
        limits.GUIDANCE, blank=True, help_text="Key points a strong answer covers, one per line"
    )
    follow_ups = bounded_text(
        limits.GUIDANCE,
        "follow-up probes",
        blank=True,
        help_text="Probes that separate Good from Excellent, one per line",
    )
    red_flags = bounded_text(
        limits.GUIDANCE,
        blank=True,
        help_text="Misconceptions that mark a Poor or Mixed answer, one per line",
    )
    reading = bounded_text(
        limits.GUIDANCE,
        blank=True,
        help_text="Which reading of an ambiguous question the guidance takes",
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=5)
    status = models.CharField(max_length=10, choices=QuestionStatus, default=QuestionStatus.ACTIVE)
    # The question's own anchors: what is observed at each score. Empty: the kind's default.
    anchor_poor = bounded_text(limits.ANCHOR, "anchor: " + score_name(Score.POOR), blank=True)
    anchor_mixed = bounded_text(limits.ANCHOR, "anchor: " + score_name(Score.MIXED), blank=True)
    anchor_good = bounded_text(limits.ANCHOR, "anchor: " + score_name(Score.GOOD), blank=True)
    anchor_excellent = bounded_text(
        limits.ANCHOR, "anchor: " + score_name(Score.EXCELLENT), blank=True
    )
    source = models.CharField(
        max_length=limits.SOURCE,
        blank=True,
        help_text="Where the question came from, e.g. the guide's file",
    )
    source_line = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = [F("source_line").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__gte=1) & Q(difficulty__lte=5),
                name="question_difficulty_1_to_5",
                violation_error_message="Difficulty must be from 1 (easiest) to 5 (hardest).",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values),
                name="question_kind_valid",
                violation_error_message="Kind must be one of: " + ", ".join(Kind.values) + ".",
            ),
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="question_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(estimated_minutes__gte=1) & Q(estimated_minutes__lte=120),
                name="question_minutes_1_to_120",
                violation_error_message="Estimated minutes must be from 1 to 120.",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="question_text_not_empty"),
            length_constraint("text", limits.QUESTION_TEXT, model="question"),
            length_constraint("guidance", limits.GUIDANCE, model="question"),
            models.UniqueConstraint(
                normalized_text_expression(),
                name="question_text_unique_ci_ws",
                violation_error_message="A question with this text (ignoring case and spaces) "
                "already exists.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "difficulty"], name="question_status_difficulty"),
            models.Index(fields=["kind"], name="question_kind"),
            # The bank's order over active questions: a page of 25 is read in index order,
            # never sorted out of the whole bank.
            models.Index(
                fields=["difficulty", "source_line", "id"],
                condition=Q(status=QuestionStatus.ACTIVE),
                name="question_active_bank_order",
            ),
            # Active ids alone: counting a level's active questions never reads the (wide)
            # question rows.
            models.Index(
                fields=["id"], condition=Q(status=QuestionStatus.ACTIVE), name="question_active_id"
            ),
            # The default order (the admin's list): its page read in index order (PostgreSQL's
            # ascending index keeps nulls last, as the order wants).
            models.Index(fields=["source_line", "id"], name="question_source_order"),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:77] + "..."

    def get_absolute_url(self):
        return reverse("questionbank:detail", args=[self.pk])

    @property
    def is_active(self):
        return self.status == QuestionStatus.ACTIVE

    def key_points(self) -> list[str]:
        return self.guidance_lines().key_points

    def follow_up_list(self) -> list[str]:
        return self.guidance_lines().follow_ups

    def red_flag_list(self) -> list[str]:
        return self.guidance_lines().red_flags

    def anchors(self, rubrics: dict[str, "KindRubric"] | None = None) -> dict[int, str]:
        """The 4 anchors this question is scored on: its overrides, else its kind's defaults."""
        if rubrics is None:
            rubrics = rubrics_by_kind()
        default = rubrics.get(self.kind)
        base = default.anchors() if default else dict.fromkeys(Score.values, "")
        overrides = dict(zip(Score.values, self._own_anchor_texts(), strict=True))
        return {s: overrides[s].strip() or base[s] for s in Score.values}

    def _own_anchor_texts(self) -> list[str]:
        """The question's own anchor fields, in the scale's order."""
        return [self.anchor_poor, self.anchor_mixed, self.anchor_good, self.anchor_excellent]

    def own_anchors(self) -> list[tuple[int, str, str]]:
        """(score, label, anchor) rows of this question's own anchors, without the kind's
        defaults: what the bank and the composer show (no query)."""
        return [
            (s, Score(s).label, a.strip())
            for s, a in zip(Score.values, self._own_anchor_texts(), strict=True)
            if a.strip()
        ]

    def rubric(self, rubrics=None) -> list[tuple[int, str, str]]:
        """(score, label, anchor) rows for templates."""
        anchors = self.anchors(rubrics)
        return [(s, Score(s).label, anchors[s]) for s in Score.values]


def rubrics_by_kind() -> dict[str, KindRubric]:
    return {r.kind: r for r in KindRubric.objects.all()}
