"""The API's typed shapes (pydantic, through django-ninja): the OpenAPI schema is generated
from these same classes, so the documentation cannot drift from what is answered."""

from datetime import UTC, date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints

from config import limits
from interviews.models import LoopStatus, Recommendation, Status
from questionbank.models import Kind
from questionbank.models import Status as QuestionStatus

T = TypeVar("T")

KindName = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
QuestionStatusName = Literal[tuple(QuestionStatus.values)]  # type: ignore[valid-type]
InterviewStatusName = Literal[tuple(Status.values)]  # type: ignore[valid-type]
LoopStatusName = Literal[tuple(LoopStatus.values)]  # type: ignore[valid-type]
RecommendationName = Literal[tuple(Recommendation.values)]  # type: ignore[valid-type]
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


def bounded(max_length: int, *, min_length: int = 0):
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length)]


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
    text: bounded(limits.QUESTION_TEXT, min_length=1)  # type: ignore[valid-type]
    kind: KindName = "conceptual"
    difficulty: int = Field(3, ge=1, le=5)
    levels: list[Slug] = Field(min_length=1, max_length=20, description="Level slugs")
    topics: list[Slug] = Field(min_length=1, max_length=50, description="Topic slugs")
    guidance: bounded(limits.GUIDANCE) = ""  # type: ignore[valid-type]
    follow_ups: bounded(limits.GUIDANCE) = ""  # type: ignore[valid-type]
    red_flags: bounded(limits.GUIDANCE) = ""  # type: ignore[valid-type]
    estimated_minutes: int | None = Field(None, ge=1, le=120)


class QuestionPatch(Schema):
    """Only the fields sent change."""

    text: bounded(limits.QUESTION_TEXT, min_length=1) | None = None  # type: ignore[valid-type]
    kind: KindName | None = None
    difficulty: int | None = Field(None, ge=1, le=5)
    status: QuestionStatusName | None = None
    levels: list[Slug] | None = Field(None, min_length=1, max_length=20)
    topics: list[Slug] | None = Field(None, min_length=1, max_length=50)
    guidance: bounded(limits.GUIDANCE) | None = None  # type: ignore[valid-type]
    follow_ups: bounded(limits.GUIDANCE) | None = None  # type: ignore[valid-type]
    red_flags: bounded(limits.GUIDANCE) | None = None  # type: ignore[valid-type]
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
    name: bounded(limits.NAME, min_length=1)  # type: ignore[valid-type]
    email: bounded(limits.EMAIL) = ""  # type: ignore[valid-type]
    level: Slug
    notes: bounded(limits.CANDIDATE_NOTES) = ""  # type: ignore[valid-type]
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


class LoopOut(Schema):
    id: int
    candidate: int
    hiring_manager: str | None
    status: LoopStatusName
    created_at: datetime
    closed_at: datetime | None
    updated_at: datetime
    stages: list[StageOut]


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


class DebriefOut(Schema):
    candidate: int
    unlocked: bool = Field(description="You may see the other interviewers' scorecards")
    entries: list[DebriefEntryOut]


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


class DateRange(Schema):
    after: date | None = None
    before: date | None = None
