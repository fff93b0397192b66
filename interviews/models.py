from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from config import limits
from config.limits import bounded_text, length_constraint
from questionbank.models import SCORE_MAX, SCORE_MIN, HasGuidance, Kind, Level, Question, Score

VIEW_ALL_PERMISSION = "interviews.read_all"  # a named rule of people/rules.py


def can_view_all(user) -> bool:
    """Hiring managers (and superusers) read every candidate and scorecard."""
    return user.is_authenticated and user.has_perm(VIEW_ALL_PERMISSION)


class CandidateQuerySet(models.QuerySet["Candidate"]):
    def active(self):
        """Not archived: what candidate lists and pickers offer."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def with_email(self, email: str):
        """Candidates with this e-mail, whatever its case (none for an empty e-mail)."""
        email = email.strip()
        if not email:
            return self.none()
        return self.annotate(email_lower=Lower("email")).filter(email_lower=email.lower())

    def past_retention(self, *, days: int | None = None, now=None):
        """Candidates to erase under the retention rule, ``days`` being
        settings.RETENTION_DAYS unless given. Nothing of theirs is still in progress (no draft
        or live interview), and:

        - a candidate with a loop: every loop of theirs is closed, the last more than ``days``
          ago;
        - a candidate with no loop: their last activity (the latest interview's submission,
          else its creation; the candidate's own creation when they have none) is older than
          ``days``."""
        days = settings.RETENTION_DAYS if days is None else days
        cutoff = (now or timezone.now()) - timedelta(days=days)
        loops = Loop.objects.filter(candidate=OuterRef("pk"))
        return (
            self.exclude(interviews__status__in=[InterviewStatus.DRAFT, InterviewStatus.LIVE])
            .annotate(
                has_loop=Exists(loops),
                has_open_loop=Exists(loops.filter(status=LoopStatus.OPEN)),
                loop_closed_at=Subquery(
                    loops.filter(closed_at__isnull=False)
                    .order_by("-closed_at")
                    .values("closed_at")[:1]
                ),
                last_activity=Coalesce(
                    Max(Coalesce("interviews__submitted_at", "interviews__created_at")),
                    "created_at",
                ),
            )
            .filter(
                Q(has_loop=False, last_activity__lt=cutoff)
                | Q(has_loop=True, has_open_loop=False, loop_closed_at__lt=cutoff)
            )
        )

    def for_dashboard(self):
        return self.select_related("level").order_by("-created_at")

    def with_interview_counts(self):
        """``interview_count`` and ``submitted_count``: their interviews, in the same query."""
        return self.annotate(
            interview_count=Count("interviews"),
            submitted_count=Count(
                "interviews", filter=Q(interviews__status=InterviewStatus.SUBMITTED)
            ),
        )

    def search(self, text: str):
        """Every word in the name or the e-mail."""
        qs = self
        for word in text.split():
            qs = qs.filter(Q(name__icontains=word) | Q(email__icontains=word))
        return qs

    def for_candidate_list(self, *, archived: bool = False, q: str = ""):
        """The candidates page (and the dashboard's list): active or archived ones, searched,
        newest first, each with its level and interview counts, in one query."""
        qs = self.archived() if archived else self.active()
        return qs.for_dashboard().with_interview_counts().search(q)

    def likely_duplicates_of(self, candidate: "Candidate"):
        """Other candidates with the same name or e-mail (any case): the merge page's
        suggestions, with their level."""
        same_email = Q(email__iexact=candidate.email) & ~Q(email="")
        return (
            self.exclude(pk=candidate.pk)
            .filter(Q(name__iexact=candidate.name) | same_email)
            .select_related("level")
            .order_by("name", "id")
        )

    def for_debrief(self):
        """The candidate with their interviews (questions loaded) and loops (stages loaded):
        everything the debrief and the rules about it read, in a fixed number of queries."""
        return self.select_related("level", "created_by").prefetch_related(
            Prefetch(
                "interviews",
                queryset=Interview.objects.with_items().order_by("created_at", "id"),
            ),
            Prefetch(
                "interviews__co_scorers",
                queryset=CoScorer.objects.select_related("user").prefetch_related("lines"),
            ),
            Prefetch(
                "loops",
                queryset=Loop.objects.select_related("decided_by").order_by("-created_at", "-id"),
            ),
            Prefetch(
                "loops__stages",
                queryset=LoopStage.objects.select_related("interviewer").order_by("position"),
            ),
        )

    def visible_to(self, user):
        """Hiring managers read every candidate; an interviewer those whose loop assigns them,
        whom they interviewed or whose interview they co-score."""
        if can_view_all(user):
            return self
        return self.filter(
            Exists(LoopStage.objects.filter(loop__candidate=OuterRef("pk"), interviewer=user))
            | Exists(Interview.objects.filter(candidate=OuterRef("pk"), interviewer=user))
            | Exists(CoScorer.objects.filter(interview__candidate=OuterRef("pk"), user=user))
        )


class Candidate(models.Model):
    name = models.CharField(max_length=limits.NAME)
    email = models.EmailField(max_length=limits.EMAIL, blank=True)
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="candidates", verbose_name="target level"
    )
    notes = bounded_text(limits.CANDIDATE_NOTES, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Archived candidates are hidden from lists and pickers; their history is kept",
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="candidate_name_not_empty"),
            length_constraint("notes", limits.CANDIDATE_NOTES, model="candidate"),
        ]
        indexes = [models.Index(Lower("email"), name="candidate_email_lower")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("interviews:candidate", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class InterviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    LIVE = "live", "Live"
    SUBMITTED = "submitted", "Submitted"


class Recommendation(models.TextChoices):
    """No neutral option: the interviewer must lean one way."""

    STRONG_NO_HIRE = "strong_no_hire", "Strong no hire"
    NO_HIRE = "no_hire", "No hire"
    HIRE = "hire", "Hire"
    STRONG_HIRE = "strong_hire", "Strong hire"


# The recommendations that lean towards hiring (measured against the loops' decisions).
HIRE_RECOMMENDATIONS = frozenset({Recommendation.HIRE, Recommendation.STRONG_HIRE})


class KitQuerySet(models.QuerySet["Kit"]):
    def visible_to(self, user):
        return self.filter(Q(owner=user) | Q(shared=True))

    def with_counts(self):
        return self.select_related("owner", "level").annotate(question_count=Count("items"))


class Kit(models.Model):
    """A named, reusable, ordered set of questions for a level: an interview template."""

    name = models.CharField(max_length=limits.NAME)
    description = bounded_text(limits.KIT_DESCRIPTION, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kits"
    )
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="kits")
    shared = models.BooleanField(default=False, help_text="Everyone can use a shared kit")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KitQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="kit_name_not_empty"),
            models.UniqueConstraint(fields=["owner", "name"], name="kit_unique_name_per_owner"),
            length_constraint("description", limits.KIT_DESCRIPTION, model="kit"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("interviews:kit", args=[self.pk])


class KitQuestion(models.Model):
    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="kit_items")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["kit", "question"], name="kitquestion_unique_question"),
            models.UniqueConstraint(fields=["kit", "position"], name="kitquestion_unique_position"),
        ]

    def __str__(self):
        return f"{self.kit}: {self.position}"


# The orders of the interviews page: key in the URL -> (label, ordering).
INTERVIEW_SORTS = {
    "-date": ("Newest first", ("-date", "-id")),
    "date": ("Oldest first", ("date", "id")),
    "candidate": ("Candidate A to Z", ("candidate__name", "-date", "-id")),
    "-candidate": ("Candidate Z to A", ("-candidate__name", "-date", "-id")),
    "status": ("Status", ("status", "-date", "-id")),
    "title": ("Title", ("title", "-date", "-id")),
}


class InterviewQuerySet(models.QuerySet["Interview"]):
    def owned_by(self, user):
        """What a user may change: only their own interviews."""
        return self.filter(interviewer=user)

    def visible_to(self, user):
        """What a user may read: their own, or everything for hiring managers."""
        return self if can_view_all(user) else self.owned_by(user)

    def for_dashboard(self):
        return self.select_related("candidate", "level").annotate(
            question_count=Count("items"),
            scored_count=Count("items", filter=Q(items__score__isnull=False)),
        )

    def drafts_for_dashboard(self):
        """The dashboard's drafts: last changed first, with their counts."""
        return (
            self.filter(status=InterviewStatus.DRAFT).for_dashboard().order_by("-updated_at", "-id")
        )

    def live_for_dashboard(self):
        """The dashboard's interviews in progress: last started first, with their counts."""
        return (
            self.filter(status=InterviewStatus.LIVE).for_dashboard().order_by("-started_at", "-id")
        )

    def submitted_for_dashboard(self):
        """The dashboard's scorecards: last submitted first, with their counts."""
        return (
            self.filter(status=InterviewStatus.SUBMITTED)
            .for_dashboard()
            .order_by("-submitted_at", "-id")
        )

    def recently_submitted(self):
        """Everyone's scorecards, last submitted first, with who wrote them (the hiring
        managers' dashboard)."""
        return (
            self.filter(status=InterviewStatus.SUBMITTED)
            .select_related("candidate", "level", "interviewer")
            .order_by("-submitted_at", "-id")
        )

    def upcoming_outside_loops(self, user):
        """The user's scheduled interviews that are not the stages ``upcoming_for`` lists."""
        return (
            self.owned_by(user)
            .upcoming()
            .exclude(stage__in=LoopStage.objects.upcoming_for(user).values("pk"))
        )

    def counts(self) -> dict[str, int]:
        """``{"total": n, "submitted": m}`` over these interviews: one query."""
        return self.aggregate(
            total=Count("pk"), submitted=Count("pk", filter=Q(status=InterviewStatus.SUBMITTED))
        )

    def with_candidate(self):
        """The interview with its candidate and level: a draft's pages, the calendar file."""
        return self.select_related("candidate", "level")

    def scheduled(self):
        return self.filter(scheduled_at__isnull=False)

    def with_date(self):
        """``date``: when the interview is planned, else when it started, else was created."""
        return self.annotate(date=Coalesce("scheduled_at", "started_at", "created_at"))

    def for_list(self):
        """The interviews page: who, for whom, at which level, how many questions, when."""
        return (
            self.select_related("candidate", "level", "interviewer")
            .with_date()
            .annotate(question_count=Count("items"))
        )

    def search(self, text: str):
        """Every word in the title, the candidate's name or the candidate's e-mail."""
        qs = self
        for word in text.split():
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(candidate__name__icontains=word)
                | Q(candidate__email__icontains=word)
            )
        return qs

    def on_or_after(self, day):
        """Dated (see ``with_date``) on or after this day, in the current time zone."""
        return self.filter(date__date__gte=day)

    def on_or_before(self, day):
        return self.filter(date__date__lte=day)

    def sorted_by(self, key: str):
        """One of ``INTERVIEW_SORTS`` (needs ``with_date``); an unknown key is a ValueError."""
        if key not in INTERVIEW_SORTS:
            raise ValueError(f"Unknown order {key!r}")
        return self.order_by(*INTERVIEW_SORTS[key][1])

    def upcoming(self, now=None):
        """Scheduled from now on and not yet submitted, soonest first."""
        now = now or timezone.now()
        return (
            self.filter(scheduled_at__gte=now)
            .exclude(status=InterviewStatus.SUBMITTED)
            .select_related("candidate", "level")
            .order_by("scheduled_at", "id")
        )

    def with_items(self):
        """The interview with its questions (snapshots) in order: composer, live, scorecard."""
        return self.select_related(
            "candidate", "candidate__level", "level", "interviewer"
        ).prefetch_related(
            Prefetch(
                "items",
                queryset=InterviewQuestion.objects.select_related("question").order_by("position"),
            )
        )

    def with_co_sheets(self):
        """The interview's co-scorers' sheets (user and lines loaded): the scorecard's
        co-scorer sheets in a fixed number of queries."""
        return self.prefetch_related(
            Prefetch(
                "co_scorers",
                queryset=CoScorer.objects.select_related("user").prefetch_related("lines"),
            )
        )


class Interview(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="interviews")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interviews"
    )
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="interviews")
    kit = models.ForeignKey(
        Kit, on_delete=models.SET_NULL, null=True, blank=True, related_name="interviews"
    )
    title = models.CharField(max_length=limits.NAME)
    planned_minutes = models.PositiveSmallIntegerField(default=45)
    status = models.CharField(max_length=10, choices=InterviewStatus, default=InterviewStatus.DRAFT)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    recommendation = models.CharField(max_length=20, choices=Recommendation, blank=True, default="")
    summary = bounded_text(limits.SUMMARY, blank=True)
    scheduled_at = models.DateTimeField(
        "date and time", null=True, blank=True, help_text="When the interview takes place"
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)", null=True, blank=True, help_text="How long the meeting lasts"
    )
    schedule_sequence = models.PositiveIntegerField(
        default=0,
        help_text="Raised on every change of the schedule: the calendar file's SEQUENCE",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=0, help_text="Raised on every write to the scorecard; a stale amend is refused"
    )

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_all_interviews", "Can read every candidate and scorecard")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InterviewStatus.values), name="interview_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=[*Recommendation.values, ""]),
                name="interview_recommendation_valid",
            ),
            models.CheckConstraint(
                condition=Q(planned_minutes__gte=5) & Q(planned_minutes__lte=480),
                name="interview_planned_minutes_5_to_480",
            ),
            models.CheckConstraint(
                condition=~Q(status=InterviewStatus.SUBMITTED)
                | (Q(submitted_at__isnull=False) & ~Q(recommendation="") & ~Q(summary="")),
                name="interview_submitted_has_recommendation_and_summary",
            ),
            models.CheckConstraint(
                condition=Q(status=InterviewStatus.DRAFT) | Q(started_at__isnull=False),
                name="interview_started_has_start_time",
            ),
            length_constraint("summary", limits.SUMMARY, model="interview"),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | (Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480)),
                name="interview_duration_5_to_480",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(scheduled_at__isnull=False),
                name="interview_duration_needs_date",
            ),
        ]
        indexes = [
            models.Index(fields=["interviewer", "status"], name="interview_owner_status"),
            models.Index(fields=["interviewer", "scheduled_at"], name="interview_owner_scheduled"),
        ]

    def __str__(self):
        return f"{self.title} ({self.candidate})"

    def get_absolute_url(self):
        if self.status == InterviewStatus.DRAFT:
            return reverse("interviews:compose", args=[self.pk])
        if self.status == InterviewStatus.LIVE:
            return reverse("interviews:live", args=[self.pk])
        return reverse("interviews:scorecard", args=[self.pk])

    @property
    def is_draft(self):
        return self.status == InterviewStatus.DRAFT

    @property
    def ends_at(self):
        """The end of the meeting: its duration, else the planned minutes, after the start."""
        if self.scheduled_at is None:
            return None
        return self.scheduled_at + timedelta(minutes=self.duration_minutes or self.planned_minutes)

    @property
    def is_live(self):
        return self.status == InterviewStatus.LIVE

    @property
    def is_submitted(self):
        return self.status == InterviewStatus.SUBMITTED

    def start(self) -> None:
        """Draft -> live, recording the time; starting a live interview again changes nothing."""
        if self.status == InterviewStatus.SUBMITTED:
            raise ValueError("A submitted interview cannot be started again.")
        if self.status == InterviewStatus.DRAFT:
            self.status = InterviewStatus.LIVE
            self.started_at = timezone.now()
            self.save(update_fields=["status", "started_at", "updated_at"])

    def submit(self, *, recommendation: str, summary: str) -> None:
        """Live -> submitted with the interviewer's recommendation and summary, recording the
        time and raising the scorecard's version. What a scorecard needs is checked first by
        the service (``services.check_scorecard``)."""
        if self.status != InterviewStatus.LIVE:
            raise ValueError("Only a live interview can be submitted.")
        self.recommendation = recommendation
        self.summary = summary.strip()
        self.status = InterviewStatus.SUBMITTED
        self.submitted_at = timezone.now()
        self.version += 1
        self.save(
            update_fields=[
                "recommendation",
                "summary",
                "status",
                "submitted_at",
                "version",
                "updated_at",
            ]
        )

    def elapsed_seconds(self, now=None) -> int:
        if not self.started_at:
            return 0
        end = self.submitted_at or now or timezone.now()
        return max(0, int((end - self.started_at).total_seconds()))


class ItemState(models.TextChoices):
    """Where a question of a sheet stands: the interviewer's (``InterviewQuestion``) or a
    co-scorer's (``CoScore``). Templates compare with the values ("open", "scored",
    "skipped") or read ``is_open``."""

    OPEN = "open", "Open"
    SCORED = "scored", "Scored"
    SKIPPED = "skipped", "Skipped"


def score_constraints(model: str) -> list[models.BaseConstraint]:
    """A scored line's rules (the interviewer's question and a co-scorer's line alike): a
    score on the scale or none, and a skipped question has no score."""
    return [
        models.CheckConstraint(
            condition=Q(score__isnull=True) | (Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX)),
            name=f"{model}_score_1_to_4",
        ),
        models.CheckConstraint(
            condition=~(Q(skipped=True) & Q(score__isnull=False)),
            name=f"{model}_skipped_has_no_score",
        ),
    ]


class ScoredLine:
    """What a line with ``score`` (on the scale, or None) and ``skipped`` says about itself."""

    score: int | None
    skipped: bool

    @property
    def state(self) -> ItemState:
        if self.skipped:
            return ItemState.SKIPPED
        if self.score is not None:
            return ItemState.SCORED
        return ItemState.OPEN

    @property
    def is_open(self) -> bool:
        return self.state == ItemState.OPEN

    @property
    def score_label(self) -> str:
        return Score(self.score).label if self.score else ""


class InterviewQuestionQuerySet(models.QuerySet["InterviewQuestion"]):
    def asked_before(self, candidate: Candidate, *, exclude: "Interview | None" = None):
        """Questions this candidate was already asked in another (live or submitted)
        interview, or that another interview of the same loop plans (drafts too)."""
        asked = Q(
            interview__candidate=candidate,
            interview__status__in=[InterviewStatus.LIVE, InterviewStatus.SUBMITTED],
        )
        if exclude is not None and exclude.pk:
            asked |= Q(interview__stage__loop__stages__interview=exclude)
        qs = self.filter(asked)
        if exclude is not None:
            qs = qs.exclude(interview=exclude)
        return qs

    def asked_question_ids(
        self, candidate: Candidate, *, exclude: "Interview | None" = None
    ) -> set[int]:
        """The bank questions of ``asked_before``: one query."""
        return set(
            self.asked_before(candidate, exclude=exclude).values_list("question_id", flat=True)
        )


class InterviewQuestion(ScoredLine, HasGuidance, models.Model):
    """A bank question in an interview, with a snapshot of what the interviewer saw."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="interview_items")
    position = models.PositiveIntegerField()
    # Snapshot, taken when added: later edits to the bank never change a past interview.
    text = bounded_text(limits.QUESTION_TEXT)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    difficulty = models.PositiveSmallIntegerField()
    anchors = models.JSONField(default=dict, help_text='{"1": "Poor ...", ..., "4": "..."}')
    guidance = bounded_text(limits.GUIDANCE, blank=True)
    follow_ups = bounded_text(limits.GUIDANCE, blank=True)
    red_flags = bounded_text(limits.GUIDANCE, blank=True)
    topics = models.JSONField(default=list, help_text="[[slug, name], ...] at the time of adding")
    estimated_minutes = models.PositiveSmallIntegerField(default=5)
    # Scoring.
    score = models.PositiveSmallIntegerField(choices=Score.choices, null=True, blank=True)
    skipped = models.BooleanField(default=False)
    notes = bounded_text(limits.NOTES, blank=True)
    notes_version = models.PositiveIntegerField(
        default=0, help_text="Raised on every notes save; a save based on an older one is refused"
    )
    seconds_spent = models.PositiveIntegerField(default=0)
    planned = models.BooleanField(default=True, help_text="False when added during the interview")
    reason = models.CharField(
        max_length=limits.REASON, blank=True, help_text="Why auto-compose chose it"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterviewQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "question"], name="interviewquestion_unique_question"
            ),
            models.UniqueConstraint(
                fields=["interview", "position"], name="interviewquestion_unique_position"
            ),
            *score_constraints("interviewquestion"),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1) & Q(difficulty__lte=5),
                name="interviewquestion_difficulty_1_to_5",
            ),
            length_constraint("notes", limits.NOTES, model="interviewquestion"),
        ]

    def __str__(self):
        return f"{self.position}. {self.text[:60]}"

    def rubric(self) -> list[tuple[int, str, str]]:
        return [(s, Score(s).label, self.anchors.get(str(s), "")) for s in Score.values]

    def topic_names(self) -> list[str]:
        return [name for _slug, name in self.topics]

    @classmethod
    def snapshot_of(cls, question: Question, rubrics) -> dict:
        return {
            "question": question,
            "text": question.text,
            "kind": question.kind,
            "difficulty": question.difficulty,
            "anchors": {str(k): v for k, v in question.anchors(rubrics).items()},
            "guidance": question.guidance,
            "follow_ups": question.follow_ups,
            "red_flags": question.red_flags,
            "topics": [[t.slug, t.name] for t in question.topics.all()],
            "estimated_minutes": question.estimated_minutes,
        }


class Amendment(models.Model):
    """A change to a submitted scorecard: who, when, what changed."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="amendments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reason = bounded_text(limits.AMEND_REASON)
    changes = models.JSONField(
        default=list, help_text='[{"field": ..., "question": ..., "old": ..., "new": ...}]'
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_reason_not_empty"),
            length_constraint("reason", limits.AMEND_REASON, model="amendment"),
        ]

    def __str__(self):
        return f"Amendment of {self.interview} by {self.user} at {self.created_at:%Y-%m-%d %H:%M}"


# Co-scoring ---------------------------------------------------------------------------------


class CoScorerRole(models.TextChoices):
    PANEL = "panel", "Panel member"
    SHADOW = "shadow", "Shadow"


class CoScorerQuerySet(models.QuerySet["CoScorer"]):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def pending_for(self, user):
        """The user's sheets not submitted yet, with their interview and candidate (the
        dashboard): soonest interview first."""
        return (
            self.filter(user=user, submitted_at__isnull=True)
            .select_related("interview__candidate")
            .order_by("interview__scheduled_at", "-added_at")
        )


class CoScorer(models.Model):
    """A second rater on an interview: their own sheet of scores and notes, and their own
    scorecard. The interview's interviewer keeps the first sheet (on ``InterviewQuestion``)."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="co_scorers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="co_scoring"
    )
    role = models.CharField(max_length=10, choices=CoScorerRole, default=CoScorerRole.PANEL)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    recommendation = models.CharField(max_length=20, choices=Recommendation, blank=True, default="")
    summary = bounded_text(limits.SUMMARY, blank=True)
    version = models.PositiveIntegerField(
        default=0, help_text="Raised on every write to the sheet; a stale write is refused"
    )

    objects = CoScorerQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "user"], name="coscorer_one_sheet_per_user"
            ),
            models.CheckConstraint(
                condition=Q(role__in=CoScorerRole.values), name="coscorer_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=[*Recommendation.values, ""]),
                name="coscorer_recommendation_valid",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | (~Q(recommendation="") & ~Q(summary="")),
                name="coscorer_submitted_has_recommendation",
            ),
            length_constraint("summary", limits.SUMMARY, model="coscorer"),
        ]

    def __str__(self):
        return f"{self.user} co-scoring {self.interview}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def submit(self, *, recommendation: str, summary: str) -> None:
        """The co-scorer's own scorecard: recommendation, summary and the time, raising the
        sheet's version. What a scorecard needs is checked first (``services.check_scorecard``)."""
        if self.is_submitted:
            raise ValueError("This sheet is already submitted.")
        self.recommendation = recommendation
        self.summary = summary.strip()
        self.submitted_at = timezone.now()
        self.version += 1
        self.save(update_fields=["recommendation", "summary", "submitted_at", "version"])


class CoScore(ScoredLine, models.Model):
    """One line of a co-scorer's sheet: their score and notes on one question of the interview."""

    sheet = models.ForeignKey(CoScorer, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(InterviewQuestion, on_delete=models.CASCADE, related_name="co_scores")
    score = models.PositiveSmallIntegerField(choices=Score.choices, null=True, blank=True)
    skipped = models.BooleanField(default=False)
    notes = bounded_text(limits.NOTES, blank=True)
    notes_version = models.PositiveIntegerField(
        default=0, help_text="Raised on every notes save; a save based on an older one is refused"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "item"], name="coscore_one_line_per_item"),
            *score_constraints("coscore"),
            length_constraint("notes", limits.NOTES, model="coscore"),
        ]

    def __str__(self):
        return f"{self.sheet.user} on {self.item}"


# Loops --------------------------------------------------------------------------------------


class LoopStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Decision(models.TextChoices):
    """The hiring manager's decision on a loop."""

    HIRE = "hire", "Hire"
    NO_HIRE = "no_hire", "No hire"


class LoopQuerySet(models.QuerySet["Loop"]):
    def open(self) -> "LoopQuerySet":
        return self.filter(status=LoopStatus.OPEN)

    def visible_to(self, user):
        """The ``can_view_loop`` rule as a query: hiring managers read every loop, an
        interviewer the loops with a stage assigned to them."""
        if can_view_all(user):
            return self
        return self.filter(Exists(LoopStage.objects.filter(loop=OuterRef("pk"), interviewer=user)))

    def for_api(self):
        """A loop with its stages (interviewer, focus topics) in a fixed number of queries."""
        return self.select_related("hiring_manager", "decided_by").prefetch_related(
            Prefetch(
                "stages",
                queryset=LoopStage.objects.select_related("interviewer")
                .prefetch_related("focus_topics")
                .order_by("position"),
            )
        )

    def for_list(self):
        """The loops page: open ones first, newest first, each with its candidate, manager
        and how many of its stages are done, in one query."""
        return (
            self.select_related("candidate", "candidate__level", "hiring_manager")
            .annotate(
                stage_count=Count("stages", distinct=True),
                done_count=Count(
                    "stages",
                    filter=Q(stages__interview__status=InterviewStatus.SUBMITTED),
                    distinct=True,
                ),
            )
            .order_by("status", "-created_at", "-id")
        )

    def for_decision(self):
        """The decision page: the loop with its candidate and who decided."""
        return self.select_related("candidate", "decided_by")

    def for_page(self):
        return self.select_related(
            "candidate", "candidate__level", "hiring_manager"
        ).prefetch_related(
            Prefetch(
                "stages",
                queryset=LoopStage.objects.select_related("interviewer", "interview")
                .prefetch_related("focus_topics")
                .order_by("position"),
            )
        )


class Loop(models.Model):
    """A candidate's interview loop: the stages, each with its assigned interviewer."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="loops")
    hiring_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_loops",
        help_text="Empty for the loops made from interviews older than loops",
    )
    status = models.CharField(max_length=10, choices=LoopStatus, default=LoopStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision, blank=True, default="")
    decided_on = models.DateField(null=True, blank=True, help_text="The day the decision was made")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = bounded_text(limits.AMEND_REASON, blank=True)
    # Raised by every change of the loop or its stages: what an incremental sync asks.
    updated_at = models.DateTimeField(auto_now=True)

    objects = LoopQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LoopStatus.values), name="loop_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=LoopStatus.OPEN, closed_at__isnull=True)
                | Q(status=LoopStatus.CLOSED, closed_at__isnull=False),
                name="loop_closed_has_closed_at",
            ),
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status=LoopStatus.OPEN),
                name="loop_one_open_per_candidate",
                violation_error_message="This candidate already has an open loop.",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=[*Decision.values, ""]), name="loop_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_on__isnull=True)
                | (~Q(decision="") & Q(decided_on__isnull=False)),
                name="loop_decision_has_date",
            ),
            length_constraint("decision_note", limits.AMEND_REASON, model="loop"),
        ]

    def __str__(self):
        return f"Loop for {self.candidate}"

    def get_absolute_url(self):
        return reverse("interviews:loop", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == LoopStatus.OPEN

    def close(self) -> None:
        """Open -> closed, recording the time."""
        if not self.is_open:
            raise ValueError("This loop is already closed.")
        self.status = LoopStatus.CLOSED
        self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_at", "updated_at"])


class LoopStageQuerySet(models.QuerySet["LoopStage"]):
    def with_loop(self):
        """The stage with its loop and the loop's candidate (the stage's write views)."""
        return self.select_related("loop__candidate")

    def upcoming_for(self, user):
        """The user's assigned stages of open loops whose interview is not submitted yet."""
        return (
            self.filter(interviewer=user, loop__status=LoopStatus.OPEN)
            .exclude(interview__status=InterviewStatus.SUBMITTED)
            .select_related("loop__candidate", "interview")
            .order_by(models.F("scheduled_at").asc(nulls_last=True), "pk")
        )


class LoopStage(models.Model):
    """One interview of a loop: what it covers, who runs it, when."""

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField()
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loop_stages",
        help_text="Empty when handed back and not yet reassigned",
    )
    focus_topics = models.ManyToManyField(
        "questionbank.Topic", blank=True, related_name="loop_stages"
    )
    planned_minutes = models.PositiveSmallIntegerField(default=45)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    interview = models.OneToOneField(
        Interview, on_delete=models.SET_NULL, null=True, blank=True, related_name="stage"
    )

    objects = LoopStageQuerySet.as_manager()

    class Meta:
        ordering = ["loop", "position"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="loopstage_name_not_empty"),
            models.UniqueConstraint(fields=["loop", "position"], name="loopstage_unique_position"),
            models.CheckConstraint(
                condition=Q(planned_minutes__gte=5) & Q(planned_minutes__lte=480),
                name="loopstage_planned_minutes_5_to_480",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.loop.candidate})"

    @property
    def started(self) -> bool:
        """Its interview has started: the stage can no longer change hands."""
        return self.interview is not None and not self.interview.is_draft


class ErasureReason(models.TextChoices):
    REQUEST = "request", "Erased on request"
    RETENTION = "retention", "Retention period over"


class ErasureRecord(models.Model):
    """What is left of an erased candidate: anonymous counts, never a name or a text."""

    erased_at = models.DateTimeField(default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the retention command",
    )
    reason = models.CharField(max_length=10, choices=ErasureReason)
    interviews = models.PositiveIntegerField(default=0)
    submitted_interviews = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    amendments = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-erased_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ErasureReason.values), name="erasurerecord_reason_valid"
            ),
        ]

    def __str__(self):
        return f"Erasure of {self.erased_at:%Y-%m-%d %H:%M} ({self.get_reason_display()})"
