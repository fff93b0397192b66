"""The API's typed shapes (pydantic, through django-ninja): the OpenAPI schema is generated
from these same classes, so the documentation cannot drift from what is answered."""

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Generic, Literal, TypeVar

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints

from config import limits
from interviews.models import CoScorerRole, Decision, InterviewStatus, LoopStatus, Recommendation
from questionbank.models import Kind, QuestionStatus

T = TypeVar("T")

# The enums' values as Literal types, built from the models' choices at run time; mypy cannot
# read a Literal built at run time, so to it they are the values' type, str.
if TYPE_CHECKING:
    KindName = str
    QuestionStatusName = str
    InterviewStatusName = str
    LoopStatusName = str
    RecommendationName = str
    DecisionName = str
    CoScorerRoleName = str
else:
    KindName = Literal[tuple(Kind.values)]
    QuestionStatusName = Literal[tuple(QuestionStatus.values)]
    InterviewStatusName = Literal[tuple(InterviewStatus.values)]
    LoopStatusName = Literal[tuple(LoopStatus.values)]
    RecommendationName = Literal[tuple(Recommendation.values)]
    DecisionName = Literal[tuple(Decision.values)]
    CoScorerRoleName = Literal[tuple(CoScorerRole.values)]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=120)]


def _in_utc(value: datetime) -> datetime:
    """A moment with any offset pydantic accepts (even -23:59), as UTC, which every database
    stores; a naive one is read as UTC. Out of the representable range: invalid."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("Out of the range of dates the API keeps") from error


# A moment in a query (``updated_since``): ISO 8601, with an offset or in UTC.
Moment = Annotated[datetime, AfterValidator(_in_utc)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def bounded(max_length: int, *, min_length: int = 0) -> StringConstraints:
    """A text field's length bounds: ``Annotated[str, bounded(limits.NAME, min_length=1)]``."""
    return StringConstraints(min_length=min_length, max_length=max_length)


class Page(Schema, Generic[T]):
    """One page of a list, in a stable order (by id). ``next_offset`` is null on the last page."""

    count: int = Field(description="How many items match, over all pages")
    limit: int
    offset: int
    next_offset: int | None
    items: list[T]


# The bank -------------------------------------------------------------------------------------


class LevelOut(Schema):
    id: int
    slug: str
    name: str
    rank: int
    description: str


class TopicOut(Schema):
    id: int
    slug: str
    name: str
    section: str
    position: int


class QuestionOut(Schema):
    id: int
    text: str
    kind: KindName
    difficulty: int = Field(ge=1, le=5)
    status: QuestionStatusName
    levels: list[str] = Field(description="Level slugs")
    topics: list[str] = Field(description="Topic slugs")
    guidance: str = Field(description="Key points, one per line")
    follow_ups: str
    red_flags: str
    reading: str
    estimated_minutes: int
    anchors: dict[str, str] = Field(
        description='What is observed at each score "1".."4": the question\'s own anchor, '
        "else its kind's default"
    )
    created_at: datetime
    updated_at: datetime


class QuestionIn(Schema):
    text: Annotated[str, bounded(limits.QUESTION_TEXT, min_length=1)]
    kind: KindName = "conceptual"
    difficulty: int = Field(3, ge=1, le=5)
    levels: list[Slug] = Field(min_length=1, max_length=20, description="Level slugs")
    topics: list[Slug] = Field(min_length=1, max_length=50, description="Topic slugs")
    guidance: Annotated[str, bounded(limits.GUIDANCE)] = ""
    follow_ups: Annotated[str, bounded(limits.GUIDANCE)] = ""
    red_flags: Annotated[str, bounded(limits.GUIDANCE)] = ""
    estimated_minutes: int | None = Field(None, ge=1, le=120)


class QuestionPatch(Schema):
    """Only the fields sent change."""

    text: Annotated[str, bounded(limits.QUESTION_TEXT, min_length=1)] | None = None
    kind: KindName | None = None
    difficulty: int | None = Field(None, ge=1, le=5)
    status: QuestionStatusName | None = None
    levels: list[Slug] | None = Field(None, min_length=1, max_length=20)
    topics: list[Slug] | None = Field(None, min_length=1, max_length=50)
    guidance: Annotated[str, bounded(limits.GUIDANCE)] | None = None
    follow_ups: Annotated[str, bounded(limits.GUIDANCE)] | None = None
    red_flags: Annotated[str, bounded(limits.GUIDANCE)] | None = None
    estimated_minutes: int | None = Field(None, ge=1, le=120)


# Hiring ---------------------------------------------------------------------------------------


class CandidateOut(Schema):
    id: int
    name: str
    email: str
    level: str = Field(description="The target level's slug")
    notes: str
    archived: bool
    created_at: datetime
    updated_at: datetime


class CandidateIn(Schema):
    name: Annotated[str, bounded(limits.NAME, min_length=1)]
    email: Annotated[str, bounded(limits.EMAIL)] = ""
    level: Slug
    notes: Annotated[str, bounded(limits.CANDIDATE_NOTES)] = ""
    allow_duplicate_email: bool = Field(
        False, description="Add the candidate even when the e-mail is already a candidate's"
    )


class StageOut(Schema):
    id: int
    name: str
    position: int
    interviewer: str | None = Field(description="Username; null when handed back")
    focus_topics: list[str]
    planned_minutes: int
    scheduled_at: datetime | None
    interview: int | None = Field(description="The stage's interview id, once composed")


class PersonRef(Schema):
    id: int
    name: str = Field(description="The full name, else the username")


class LoopOut(Schema):
    id: int
    candidate: int
    hiring_manager: str | None
    status: LoopStatusName
    created_at: datetime
    closed_at: datetime | None
    updated_at: datetime
    decision: DecisionName | None = Field(
        description="The hiring manager's decision; null until recorded (read only here)"
    )
    decided_on: date | None
    decided_by: PersonRef | None
    decision_note: str
    stages: list[StageOut]


class DecisionIn(Schema):
    decision: DecisionName
    decided_on: date | None = Field(None, description="The day decided; today when left out")
    note: Annotated[str, bounded(limits.AMEND_REASON)] = Field(
        "", description="What the decision rests on"
    )


class LoopIn(Schema):
    candidate: Id = Field(description="The candidate's id")


class InterviewOut(Schema):
    id: int
    title: str
    candidate: int
    interviewer: str
    level: str
    status: InterviewStatusName
    planned_minutes: int
    scheduled_at: datetime | None
    started_at: datetime | None
    submitted_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TopicMean(Schema):
    slug: str
    name: str
    questions: int
    scored: int
    mean: float | None


class ScoredItem(Schema):
    position: int
    question: int = Field(description="The bank question's id")
    text: str
    kind: KindName
    difficulty: int
    topics: list[str]
    score: int | None = Field(description="1 Poor .. 4 Excellent; null when not scored")
    skipped: bool
    notes: str


class CoSheetLineOut(Schema):
    position: int
    question: int = Field(description="The bank question's id")
    score: int | None = Field(description="1 Poor .. 4 Excellent; null when not scored")
    skipped: bool
    notes: str


class CoSheetOut(Schema):
    """A co-scorer's submitted sheet on the interview (shown by the independence rule)."""

    scorer: PersonRef
    role: CoScorerRoleName
    recommendation: RecommendationName
    summary: str
    submitted_at: datetime
    mean: float | None = Field(description="The mean of the questions scored on this sheet")
    items: list[CoSheetLineOut]


class ScorecardOut(Schema):
    id: int = Field(description="The interview's id")
    title: str
    candidate: int
    interviewer: str
    level: str
    submitted_at: datetime
    recommendation: RecommendationName
    summary: str
    mean: float | None = Field(description="The mean of the scored questions")
    scored: int
    skipped: int
    unscored: int
    topics: list[TopicMean]
    items: list[ScoredItem]
    co_scorers: list[CoSheetOut] = Field(description="The co-scorers' submitted sheets")
    version: int
    updated_at: datetime


class DebriefEntryOut(Schema):
    interview: int
    interviewer: str
    status: InterviewStatusName
    own: bool
    revealed: bool = Field(
        description="False while the independence rule hides this scorecard from you"
    )
    scorecard: ScorecardOut | None
    co_scorers: list[CoSheetOut] = Field(
        description="The co-scorers' submitted sheets you may see: your own, and the others' "
        "once the independence rule opens them"
    )


class DebriefOut(Schema):
    candidate: int
    unlocked: bool = Field(description="You may see the other interviewers' scorecards")
    entries: list[DebriefEntryOut]


# Measures -------------------------------------------------------------------------------------

FlagName = Literal["too-easy", "too-hard", "no-discrimination", "low-agreement", "over-time"]


class IntervalOut(Schema):
    low: float
    high: float


class AlphaOut(Schema):
    """Krippendorff's ordinal alpha over ``units`` co-scored units, with a bootstrap 95%
    interval; null, with the ``reason``, where it cannot be computed."""

    units: int
    alpha: float | None
    interval: IntervalOut | None
    flagged: bool = Field(description="Below the acceptable alpha with enough units")
    reason: str


class Snapshotted(Schema):
    computed_at: datetime = Field(description="When these figures were computed")
    stale: bool = Field(
        description="Newer scores exist and their figures are being computed; these are the "
        "latest kept"
    )


class TopicAlphaOut(AlphaOut):
    topic: str = Field(description="The topic's slug")
    name: str


class QuestionAlphaOut(AlphaOut):
    question: int = Field(description="The bank question's id")
    text: str


class PairAlphaOut(AlphaOut):
    raters: list[PersonRef] = Field(min_length=2, max_length=2)


class AgreementOut(Snapshotted):
    acceptable: float = Field(description="Alphas below this (with enough units) are flagged")
    min_units_to_flag: int
    overall: AlphaOut
    topics: list[TopicAlphaOut]
    questions: list[QuestionAlphaOut]
    pairs: list[PairAlphaOut]


class ProportionOut(Schema):
    k: int
    n: int
    value: float
    interval: IntervalOut


class InterviewerCalibrationOut(Schema):
    interviewer: PersonRef
    scored_items: int
    leniency: float | None = Field(
        description="Score points above (+) or below (-) the panel, the candidates and "
        "questions met held constant; null below the minimum of scored items (see reason)"
    )
    se: float | None
    interval: IntervalOut | None
    reason: str
    decided_loops: int
    recommended_hire: ProportionOut | None
    loops_hired: ProportionOut | None
    matched: ProportionOut | None
    hire_reason: str


class CalibrationOut(Snapshotted):
    min_scored_items: int
    min_decisions: int
    interviewers: list[InterviewerCalibrationOut]


class LevelMeanOut(Schema):
    level: str = Field(description="The level's slug")
    name: str
    n: int
    mean: float


class QuestionHealthOut(Schema):
    question: int = Field(description="The bank question's id")
    text: str
    topics: list[str]
    levels: list[str] = Field(description="The levels it was asked at (slugs)")
    times_asked: int
    scored: int
    mean_score: float | None
    mean_by_level: list[LevelMeanOut]
    tagged_difficulty: int
    difficulty: float | None = Field(description="Fitted difficulty, in score points")
    difficulty_se: float | None
    expected_difficulty: float | None = Field(description="What its tag predicts")
    discrimination: float | None
    discrimination_interval: IntervalOut | None
    discrimination_n: int
    skip_rate: float
    median_minutes: float | None
    estimated_minutes: int
    agreement: AlphaOut
    flags: list[FlagName]


class QuestionHealthPage(Snapshotted):
    count: int = Field(description="How many questions match, over all pages")
    limit: int
    offset: int
    next_offset: int | None
    items: list[QuestionHealthOut]


class ProblemError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemError] | None = None
