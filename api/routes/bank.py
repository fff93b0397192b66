"""The bank: levels, topics, questions (read: any role; create and change: curators)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from questionbank import services
from questionbank.models import Level, Question, Topic, rubrics_by_kind

from ..pagination import PageParams, page
from ..rules import require
from ..schemas import (
    KindName,
    LevelOut,
    Moment,
    Page,
    Problem,
    QuestionIn,
    QuestionOut,
    QuestionPatch,
    QuestionStatusName,
    TopicOut,
)

router = Router(tags=["bank"])
ERRORS = {401: Problem, 403: Problem, 429: Problem}


def question_out(question: Question, rubrics) -> dict:
    return {
        **{f: getattr(question, f) for f in QuestionOut.model_fields if hasattr(question, f)},
        "levels": [level.slug for level in question.levels.all()],
        "topics": [topic.slug for topic in question.topics.all()],
        "anchors": {str(k): v for k, v in question.anchors(rubrics).items()},
    }


class QuestionFilters(Schema):
    level: str | None = Field(None, description="A level's slug")
    topic: str | None = Field(None, description="A topic's slug")
    difficulty: int | None = Field(None, ge=1, le=5)
    kind: KindName | None = None
    status: QuestionStatusName | None = None
    q: str | None = Field(None, max_length=200, description="Words in the text")
    updated_since: Moment | None = Field(None, description="Changed at or after (ISO 8601)")


@router.get("/levels", response={200: list[LevelOut], **ERRORS}, summary="List the levels")
def level_list(request):
    require(request, "questionbank.read_bank")
    return list(Level.objects.order_by("rank"))


@router.get("/topics", response={200: list[TopicOut], **ERRORS}, summary="List the topics")
def topic_list(request):
    require(request, "questionbank.read_bank")
    return list(Topic.objects.order_by("position", "name"))


@router.get("/questions", response={200: Page[QuestionOut], **ERRORS}, summary="List questions")
def question_list(request, filters: Query[QuestionFilters], paging: Query[PageParams]):
    require(request, "questionbank.read_bank")
    qs = Question.objects.with_tags()
    if filters.level:
        qs = qs.filter(levels__slug=filters.level)
    if filters.topic:
        qs = qs.filter(topics__slug=filters.topic)
    qs = qs.filtered(difficulty=filters.difficulty, kind=filters.kind, q=filters.q or "")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    rubrics = rubrics_by_kind()
    return page(qs, paging, lambda q: question_out(q, rubrics))


@router.get(
    "/questions/{int:pk}",
    response={200: QuestionOut, 404: Problem, **ERRORS},
    summary="One question",
)
def question_detail(request, pk: int):
    require(request, "questionbank.read_bank")
    question = get_object_or_404(Question.objects.with_tags(), pk=pk)
    return question_out(question, rubrics_by_kind())


def _tags(model, slugs: list[str] | None, field: str):
    """The levels or topics named by ``slugs`` (None: unchanged); an unknown slug is a 422."""
    if slugs is None:
        return None
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise ValidationError({field: f"Unknown {field}: {', '.join(missing)}"})
    return [found[s] for s in dict.fromkeys(slugs)]


@router.post(
    "/questions",
    response={201: QuestionOut, 422: Problem, **ERRORS},
    summary="Add a question (curators)",
)
def question_create(request, payload: QuestionIn):
    require(request, "questionbank.edit_bank")
    data = payload.model_dump(exclude={"levels", "topics"})
    if data["estimated_minutes"] is None:
        del data["estimated_minutes"]
    question = services.question_create(
        levels=_tags(Level, payload.levels, "levels"),
        topics=_tags(Topic, payload.topics, "topics"),
        actor=request.user,
        **data,
    )
    question = Question.objects.with_tags().get(pk=question.pk)
    return Status(201, question_out(question, rubrics_by_kind()))


@router.patch(
    "/questions/{int:pk}",
    response={200: QuestionOut, 404: Problem, 422: Problem, **ERRORS},
    summary="Change a question (curators)",
)
def question_update(request, pk: int, payload: QuestionPatch):
    require(request, "questionbank.edit_bank")
    question = get_object_or_404(Question, pk=pk)
    data = payload.model_dump(exclude_unset=True, exclude={"levels", "topics"})
    nulls = [name for name, value in data.items() if value is None]
    if nulls:
        raise ValidationError(dict.fromkeys(nulls, "May not be null."))
    services.question_update(
        question=question,
        actor=request.user,
        levels=_tags(Level, payload.levels, "levels"),
        topics=_tags(Topic, payload.topics, "topics"),
        **data,
    )
    question = Question.objects.with_tags().get(pk=pk)
    return question_out(question, rubrics_by_kind())
