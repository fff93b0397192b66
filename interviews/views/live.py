"""The live interview: start, the live page (one question in focus), scoring, notes autosave,
time per question, unplanned questions, and the submission of the scorecard.

Only the interviewer who owns an interview runs it: every view fetches through
``Interview.objects.owned_by``, so anyone else (hiring managers included) gets a 404.
"""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, reswap, retarget

from interviews import services
from interviews.forms.errors import all_errors, error_text
from interviews.forms.live import AddUnplannedForm, TimeForm
from interviews.models import Interview, InterviewQuestion
from interviews.pace import pace_of
from people.roles import Role
from people.rules import require, runnable_or_404
from questionbank.models import Question

from .sheet import (
    TEMPLATE,
    Sheet,
    SheetUrls,
    notes_response,
    redirect,
    score_response,
    submit_page,
)

SEARCH_LIMIT = 10
SEARCH_MIN_LENGTH = 2


# Helpers ------------------------------------------------------------------------------------


def interviewer_urls(interview: Interview) -> SheetUrls:
    return SheetUrls(
        live=reverse("interviews:live", args=[interview.pk]),
        submit=reverse("interviews:submit", args=[interview.pk]),
        items=reverse("interviews:score", args=[interview.pk, 0]).removesuffix("0/score/"),
        store_key=str(interview.pk),
        time=True,
    )


def _sheet(interview: Interview) -> Sheet:
    """The interviewer's sheet for the views it shares with the co-scorer's (views.sheet)."""
    return Sheet(
        urls=interviewer_urls(interview),
        render=lambda request, **kw: _render_live(request, interview.pk, **kw),
        closed=lambda request: _not_live_redirect(request, interview),
    )


def _owned(request, pk: int, *, items: bool = False) -> Interview:
    qs = Interview.objects.all()
    if items:
        qs = qs.with_items()
    return runnable_or_404(request.user, qs, pk)


def _owned_item(request, pk: int, item_pk: int, *, siblings: bool = False):
    """The question ``item_pk`` of the caller's interview ``pk``, with its interview and
    interviewer, if ``can_run`` holds: the rule folded into the one read (the interview is the
    caller's, who holds the interviewer role), as the hot live writes (score, notes) cannot
    afford a query more. With ``siblings``, the same read brings all the interview's questions
    in order, sharing one interview: ``(item, items)``. Refused, it asks the rules as every
    view does: 403 for a user with no role, else 404, so nobody learns whose interview it is."""
    user = request.user
    rows = (
        InterviewQuestion.objects.select_related("interview__interviewer")
        .filter(interview__in=Interview.objects.owned_by(user).filter(pk=pk))
        .annotate(
            runner_is_interviewer=Exists(
                Group.objects.filter(user=user.pk, name=Role.INTERVIEWER.value)
            )
        )
    )
    if siblings:
        items = list(rows.order_by("position"))
        item = next((row for row in items if row.pk == item_pk), None)
        if item is not None:
            for row in items:
                row.interview = item.interview
    else:
        item = rows.filter(pk=item_pk).first()
    # runner_is_interviewer: the Exists annotation above.
    runner = item is not None and item.runner_is_interviewer  # type: ignore[attr-defined]
    if item is not None and (runner or (user.is_active and user.is_superuser)):
        return (item, items) if siblings else item
    if not user.has_perm("people.has_role"):
        raise PermissionDenied
    raise Http404("No such interview of yours.")


def _live_url(interview: Interview, position: int | None = None) -> str:
    url = reverse("interviews:live", args=[interview.pk])
    return f"{url}?q={position}" if position else url


def _not_live_redirect(request, interview: Interview):
    """A live-only page or action on a draft or submitted interview: say so and go where it is."""
    if interview.is_draft:
        messages.error(request, "This interview has not started yet: start it from the composer.")
        return redirect(request, reverse("interviews:compose", args=[interview.pk]))
    messages.error(
        request, "This interview is submitted: its scorecard changes only through an amend."
    )
    return redirect(request, reverse("interviews:scorecard", args=[interview.pk]))


def _focus_item(items, position=None, item_pk=None):
    """The question in focus: by id, else by position (?q=), else the first open one."""
    if item_pk is not None:
        for item in items:
            if item.pk == item_pk:
                return item
    if position is not None:
        try:
            wanted = int(position)
        except (TypeError, ValueError):
            wanted = None
        for item in items:
            if item.position == wanted:
                return item
    return next((item for item in items if item.is_open), items[0] if items else None)


def _search(interview: Interview, find: str, items) -> list[dict]:
    if len(find) < SEARCH_MIN_LENGTH:
        return []
    questions = list(
        Question.objects.active()
        .for_level(interview.level)
        .search(find)
        .prefetch_related("topics")
        .order_by("difficulty", "id")[:SEARCH_LIMIT]
    )
    if not questions:
        return []
    in_interview = {item.question_id for item in items}
    asked = InterviewQuestion.objects.asked_question_ids(interview.candidate, exclude=interview)
    return [
        {"question": q, "in_interview": q.pk in in_interview, "asked": q.pk in asked}
        for q in questions
    ]


def _live_context(
    interview: Interview, *, position=None, item_pk=None, find: str = "", items=None, **extra
) -> dict:
    """The live page's context; a co-scorer's sheet passes its ``items`` (their own scores and
    notes on the interview's questions) and ``urls``."""
    items = list(interview.items.all()) if items is None else items
    item = _focus_item(items, position=position, item_pk=item_pk)
    index = items.index(item) if item else 0
    context = {
        "interview": interview,
        "items": items,
        "item": item,
        "prev_item": items[index - 1] if item and index > 0 else None,
        "next_item": items[index + 1] if item and index + 1 < len(items) else None,
        "pace": pace_of(interview, items),
        "find": find,
        "results": _search(interview, find, items) if find else [],
        "searched": len(find) >= SEARCH_MIN_LENGTH,
        "search_min_length": SEARCH_MIN_LENGTH,
        "notes_text": item.notes if item else "",
        "notes_version": item.notes_version if item else 0,
        "urls": None,
    }
    if item:
        context |= item.guidance_lines()._asdict()
    context.update(extra)
    if context["urls"] is None:
        context["urls"] = interviewer_urls(interview)
        context["co_scorers_url"] = reverse("interviews:co_scorers", args=[interview.pk])
    return context


def _render_live(request, interview_pk: int, *, fragment: str = "", status: int = 200, **kw):
    """Re-read the interview with its questions and render the page or one of its fragments."""
    interview = _owned(request, interview_pk, items=True)
    template = f"{TEMPLATE}#{fragment}" if fragment else TEMPLATE
    return render(request, template, _live_context(interview, **kw), status=status)


# Start and the live page --------------------------------------------------------------------


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
def start(request, pk: int):
    """Draft -> live, recording the start time, then the live page."""
    interview = _owned(request, pk)
    try:
        services.interview_start(interview=interview)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        if interview.is_draft:
            return redirect(request, reverse("interviews:compose", args=[interview.pk]))
        return redirect(request, interview.get_absolute_url())
    return redirect(request, _live_url(interview))


@require_GET
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@vary_on_headers("HX-Request", "HX-Target")
def live(request, pk: int):
    interview = _owned(request, pk, items=True)
    if not interview.is_live:
        return _not_live_redirect(request, interview)
    find = request.GET.get("find", "").strip()[:100]
    context = _live_context(interview, position=request.GET.get("q"), find=find)
    template = TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        if request.htmx.target == "unplanned-results":
            template += "#unplanned-results"
        else:
            template += "#focus"
            context["nav_oob"] = True
    return render(request, template, context)


# Scoring, notes, time -----------------------------------------------------------------------


@require_POST
@login_required
# has_role and can_run: folded into _owned_item
@vary_on_headers("HX-Request")
def score(request, pk: int, item_pk: int):
    """Score 1..4, skip or clear the question; htmx gets the rubric and the list entry back."""
    item, items = _owned_item(request, pk, item_pk, siblings=True)

    def rubric():
        # The interview and its questions as read with the question (this one now scored): no
        # query more to render them.
        context = _live_context(item.interview, items=items, item_pk=item.pk, score_oob=True)
        return render(request, f"{TEMPLATE}#rubric", context)

    return score_response(
        request,
        _sheet(item.interview),
        item=item,
        is_open=item.interview.is_live,
        save=partial(services.item_score, item=item),
        rubric=rubric,
    )


@require_POST
@login_required
# has_role and can_run: folded into _owned_item
@vary_on_headers("HX-Request")
def notes(request, pk: int, item_pk: int):
    """Save the notes written on top of ``version``; a newer save elsewhere is a 409."""
    item = _owned_item(request, pk, item_pk)

    def save(text: str, base_version: int) -> int:
        saved = services.item_save_notes(item=item, notes=text, base_version=base_version)
        return saved.notes_version

    return notes_response(
        request, _sheet(item.interview), item=item, version=item.notes_version, save=save
    )


@require_POST
@login_required
# has_role and can_run: folded into _owned_item
def record_time(request, pk: int, item_pk: int):
    """Add seconds spent on a question (sent by live.js with sendBeacon); 204, or 422."""
    item = _owned_item(request, pk, item_pk)
    form = TimeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(all_errors(form), status=422, content_type="text/plain")
    try:
        services.item_add_time(item=item, seconds=form.cleaned_data["seconds"])
    except ValidationError as exc:
        return HttpResponse(error_text(exc), status=422, content_type="text/plain")
    return HttpResponse(status=204)


# Unplanned questions ------------------------------------------------------------------------


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@vary_on_headers("HX-Request")
def add_unplanned(request, pk: int):
    """Add a bank question during the interview; a repeat for this candidate asks to confirm."""
    interview = _owned(request, pk)
    form = AddUnplannedForm(request.POST)
    find = request.POST.get("find", "").strip()[:100]
    error, confirm_question = "", None
    if interview.is_draft:
        return _not_live_redirect(request, interview)
    if not form.is_valid():
        error = all_errors(form)
    else:
        question = Question.objects.filter(pk=form.cleaned_data["question"]).first()
        if question is None:
            error = "That question does not exist in the bank."
        else:
            try:
                item = services.interview_add_question(
                    interview=interview,
                    question=question,
                    confirm_repeat=form.cleaned_data["confirm_repeat"],
                    reason="Added during the interview",
                )
            except ValidationError as exc:
                error = error_text(exc)
                if exc.code == "repeat":
                    confirm_question = question
    if error:
        if interview.is_submitted and not request.htmx:
            return _not_live_redirect(request, interview)
        extra: dict[str, Any] = {"add_error": error, "confirm_question": confirm_question}
        if not request.htmx:
            return _render_live(
                request, pk, position=request.POST.get("q"), find=find, status=422, **extra
            )
        response = _render_live(
            request, pk, find=find, fragment="unplanned-results", status=422, **extra
        )
        return reswap(retarget(response, "#unplanned-results"), "outerHTML")
    if not request.htmx:
        messages.success(request, f"Added as question {item.position}.")
        return HttpResponseRedirect(_live_url(interview, item.position), status=303)
    response = _render_live(
        request, pk, item_pk=item.pk, fragment="focus", nav_oob=True, added=item
    )
    return push_url(response, _live_url(interview, item.position))


# Submission ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@vary_on_headers("HX-Request")
def submit(request, pk: int):
    """Recommendation, summary, and a decision about unscored questions: the scorecard."""
    interview = _owned(request, pk, items=True)
    if not interview.is_live:
        return _not_live_redirect(request, interview)
    return submit_page(
        request,
        interview=interview,
        items=list(interview.items.all()),
        urls=interviewer_urls(interview),
        submit=partial(services.interview_submit, interview=interview),
        done=("Scorecard submitted.", reverse("interviews:scorecard", args=[interview.pk])),
    )
