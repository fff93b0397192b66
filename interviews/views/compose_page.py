"""The composer's page and its fragments: what every composer view renders.

The composer is one page, ``compose.html``, with inline fragments named after the element
they replace: ``bank`` (search results), ``interview`` (the ordered questions and totals),
``autocompose`` and ``save-kit`` (their forms). The views are in ``compose.py`` and
``kits.py``; the write path they share (the owned draft, the return address, a refusal's
response) in ``preconditions.py``.
"""

import copy
from collections import Counter
from urllib.parse import urlencode, urlsplit

from django.db.models import Exists, OuterRef, Value
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse

from interviews import charts
from interviews.autocompose import technical_wanted
from interviews.forms.compose import AutoComposeForm, SaveKitForm
from interviews.models import Interview, InterviewQuestion, LoopStage
from questionbank.counts import topic_counts
from questionbank.models import Kind, Question, Topic
from questionbank.views import bank_page

BANK_FILTERS = ("q", "level", "topic", "difficulty", "kind")
BEHAVIORAL = "behavio"  # behavioral, behavioural: as auto-compose reads topic slugs
# The bank panel's two ways of listing questions, the default first; the choice is kept in
# the session under BANK_VIEW_KEY.
BANK_VIEWS = ("compact", "detailed")
BANK_VIEW_KEY = "compose_bank_view"


def composer_url(interview: Interview) -> str:
    """The composer with the bank filtered to the interview's level: the starting state."""
    return (
        reverse("interviews:compose", args=[interview.pk])
        + "?"
        + urlencode({"level": interview.level.slug})
    )


def _summary(items: list[InterviewQuestion], planned_minutes: int) -> dict:
    """Live totals of a composition: count, minutes, ramp, topic coverage, kinds."""
    minutes = sum(item.estimated_minutes for item in items)
    difficulties = [item.difficulty for item in items]
    topic_minutes: dict[str, int] = {}
    topic_counts: Counter = Counter()
    for item in items:
        for _slug, name in item.topics or [["", "No topic"]]:
            topic_minutes[name] = topic_minutes.get(name, 0) + item.estimated_minutes
            topic_counts[name] += 1
    topics = sorted(topic_minutes.items(), key=lambda row: (-row[1], row[0]))
    kind_counts = Counter(item.kind for item in items)
    kinds = [(label, kind_counts[value]) for value, label in Kind.choices if kind_counts[value]]
    return {
        "count": len(items),
        "minutes": minutes,
        "planned": planned_minutes,
        "over": max(minutes - planned_minutes, 0),
        "left": max(planned_minutes - minutes, 0),
        "ramp": charts.difficulty_ramp(difficulties),
        "ramp_shape": charts.ramp_shape(difficulties),
        "topics": charts.horizontal_bars(topics, width=280),
        "topic_rows": [(name, topic_counts[name], value) for name, value in topics],
        "kinds": kinds,
        "has_behavioral": bool(kind_counts[Kind.BEHAVIORAL]),
    }


def interview_context(interview: Interview, asked: set[int]) -> dict:
    items = list(interview.items.all())
    return {
        "interview": interview,
        "items": items,
        "in_interview": {item.question_id for item in items},
        "asked": asked,
        "summary": _summary(items, interview.planned_minutes),
    }


def bank_context(request, interview: Interview, asked: set[int]) -> dict:
    show_asked = request.GET.get("show_asked") == "1"
    queryset = Question.objects.for_bank()
    if asked and not show_asked:
        queryset = queryset.exclude(pk__in=asked)
    form, page, query = bank_page(request, queryset, prefix_id="bank")
    compose_url = reverse("interviews:compose", args=[interview.pk])
    page_query = request.GET.urlencode()
    view_urls = {}
    for name in BANK_VIEWS:
        params = request.GET.copy()
        params["view"] = name
        view_urls[name] = f"{compose_url}?{params.urlencode()}"
    return {
        "form": form,
        "page": page,
        "query": query,
        "show_asked": show_asked,
        "compose_url": compose_url,
        "bank_url": f"{compose_url}?{page_query}" if page_query else compose_url,
        "compact": _bank_view(request) == "compact",
        "view_urls": view_urls,
    }


def _bank_view(request) -> str:
    """How the bank panel lists questions: ``?view=`` when given (and remembered in the
    session for next time), else the remembered choice, else the compact list."""
    wanted = request.GET.get("view")
    if wanted in BANK_VIEWS:
        if request.session.get(BANK_VIEW_KEY) != wanted:
            request.session[BANK_VIEW_KEY] = wanted
        return wanted
    remembered = request.session.get(BANK_VIEW_KEY)
    return remembered if remembered in BANK_VIEWS else BANK_VIEWS[0]


def _topics_with_defaults(level, interview=None):
    """All topics, each with its number of active questions at this level (those without any
    last), marked whether it is a default for auto-compose at this level (the level's topics,
    those with active questions, plus behavioral) and whether it is a focus topic of the
    interview's loop stage. The counts are cached (questionbank/counts.py)."""
    counts = topic_counts(level)
    in_focus = LoopStage.focus_topics.through.objects.filter(
        topic=OuterRef("pk"), loopstage__interview=interview
    )
    topics = list(
        Topic.objects.annotate(
            is_focus=Exists(in_focus) if interview is not None else Value(False)
        ).order_by("position", "name")
    )
    for topic in topics:
        topic.question_count = counts.get(topic.pk, 0)
        topic.is_default = topic.question_count > 0 or BEHAVIORAL in topic.slug.casefold()
    # The level's topics first; those without a question there last, still choosable.
    return sorted(topics, key=lambda topic: topic.question_count == 0)


def autocompose_form(interview: Interview, item_count: int, data=None, initial=None):
    """Topics default to the loop stage's focus topics, else the level's (plus behavioral)."""
    topics = _topics_with_defaults(interview.level, interview)
    focus = [t.slug for t in topics if t.is_focus]
    return AutoComposeForm(
        data,
        initial=initial,
        topics=topics,
        default_slugs=focus or [t.slug for t in topics if t.is_default],
        seed=interview.pk,
        item_count=item_count,
        mixes_technical=technical_wanted(
            level=interview.level.slug, planned_minutes=interview.planned_minutes
        ),
    )


def with_get(request, params: QueryDict):
    """The request as if its query string were ``params`` (to rebuild the bank after a POST)."""
    shadow = copy.copy(request)
    shadow.GET = params
    return shadow


def _params_of(url: str) -> QueryDict:
    return QueryDict(urlsplit(url).query)


def compose_page(
    request, interview: Interview, *, next_url: str | None = None, status: int = 200, **extra
):
    """The whole composer page; after a POST, its bank is the one ``next_url`` names."""
    interview = Interview.objects.with_items().get(pk=interview.pk)
    asked = InterviewQuestion.objects.asked_question_ids(interview.candidate, exclude=interview)
    bank_request = request if next_url is None else with_get(request, _params_of(next_url))
    context = {
        **interview_context(interview, asked),
        **bank_context(bank_request, interview, asked),
        "next_url": next_url or request.get_full_path(),
        "nav": "compose",
        **extra,
    }
    context.setdefault(
        "autocompose_form", autocompose_form(interview, item_count=len(context["items"]))
    )
    context.setdefault("kit_form", SaveKitForm())
    return render(request, "interviews/compose.html", context, status=status)


def interview_fragment(
    request, interview: Interview, next_url: str, *, status=200, partial="interview", **extra
):
    interview = Interview.objects.with_items().get(pk=interview.pk)
    asked = InterviewQuestion.objects.asked_question_ids(interview.candidate, exclude=interview)
    context = {**interview_context(interview, asked), "next_url": next_url, **extra}
    return render(request, f"interviews/compose.html#{partial}", context, status=status)
