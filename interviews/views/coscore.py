"""Co-scoring: the interviewer (or a hiring manager) adds and removes co-scorers; a co-scorer
scores on their own sheet with the live page's questions, anchors, guidance, keyboard map and
notes autosave (the live templates and live.js, pointed at the sheet's URLs), and submits it.

A co-scorer's sheet is reached only by its co-scorer (the rule ``co_score``): anyone else
gets a 404 that does not say whose sheet it is.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from people.roles import Role
from people.rules import require

from .. import coscoring
from ..forms.coscore import AddCoScorerForm
from ..forms.errors import error_text
from ..models import CoScore, CoScorer, Interview, InterviewQuestion
from .live import _live_context
from .sheet import (
    TEMPLATE,
    Sheet,
    SheetUrls,
    notes_response,
    redirect,
    score_response,
    submit_page,
)

# Managing co-scorers ------------------------------------------------------------------------


def _managed(request, pk: int) -> Interview:
    interview = get_object_or_404(
        Interview.objects.select_related("candidate", "interviewer", "level"), pk=pk
    )
    if not request.user.has_perm("interviews.manage_co_scorers", interview):
        raise Http404("No such interview of yours.")
    return interview


def _manage_context(interview: Interview, form=None, error: str = "") -> dict:
    sheets = list(interview.co_scorers.select_related("user", "added_by").prefetch_related("lines"))
    taken = {interview.interviewer_id, *(s.user_id for s in sheets)}
    choices = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.INTERVIEWER)
        .exclude(pk__in=taken)
        .order_by("username")
    )
    for sheet in sheets:
        # For the template only: has this co-scorer begun?
        sheet.started = sheet.is_submitted or any(  # type: ignore[attr-defined]
            line.score is not None or line.skipped or line.notes for line in sheet.lines.all()
        )
    return {
        "interview": interview,
        "sheets": sheets,
        "form": form or AddCoScorerForm(users=choices),
        "error": error,
        "open": not interview.is_submitted,
    }


@require_http_methods(["GET", "POST"])
@require("people.has_role")  # + manage_co_scorers: _managed
@vary_on_headers("HX-Request")
def co_scorers(request, pk: int):
    """The interview's co-scorers, and a form to add one."""
    interview = _managed(request, pk)
    template = "interviews/co_scorers.html"
    if request.htmx:
        template += "#co-scorers"
    if request.method == "GET":
        return render(request, template, _manage_context(interview))
    context = _manage_context(interview)
    form = AddCoScorerForm(request.POST, users=context["form"].fields["user"].queryset)
    if form.is_valid():
        try:
            sheet = coscoring.coscorer_add(
                interview=interview,
                user=form.cleaned_data["user"],
                actor=request.user,
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            context["error"] = error_text(exc)
        else:
            messages.success(request, f"{sheet.user.get_username()} co-scores this interview.")
            if not request.htmx:
                return HttpResponseRedirect(request.path, status=303)
            return render(request, template, _manage_context(interview))
    else:
        context["form"] = form
    return render(request, template, context, status=422)


@require_POST
@require("people.has_role")  # + manage_co_scorers: _managed
@vary_on_headers("HX-Request")
def co_scorer_remove(request, pk: int, sheet_pk: int):
    interview = _managed(request, pk)
    sheet = get_object_or_404(CoScorer, pk=sheet_pk, interview=interview)
    template = "interviews/co_scorers.html"
    if request.htmx:
        template += "#co-scorers"
    try:
        coscoring.coscorer_remove(sheet=sheet, actor=request.user)
    except ValidationError as exc:
        return render(
            request, template, _manage_context(interview, error=error_text(exc)), status=422
        )
    messages.success(request, f"{sheet.user.get_username()} no longer co-scores this interview.")
    if not request.htmx:
        url = reverse("interviews:co_scorers", args=[interview.pk])
        return HttpResponseRedirect(url, status=303)
    return render(request, template, _manage_context(interview))


# The co-scorer's sheet ----------------------------------------------------------------------


def sheet_urls(interview: Interview) -> SheetUrls:
    return SheetUrls(
        live=reverse("interviews:sheet", args=[interview.pk]),
        submit=reverse("interviews:sheet_submit", args=[interview.pk]),
        items=reverse("interviews:sheet_score", args=[interview.pk, 0]).removesuffix("0/score/"),
        store_key=f"{interview.pk}-co",
        time=False,
    )


def _my_sheet(request, pk: int) -> CoScorer:
    """The caller's sheet on interview ``pk``, with the interview and its questions."""
    sheet = (
        CoScorer.objects.select_related(
            "interview__candidate", "interview__level", "interview__interviewer"
        )
        .prefetch_related("lines", "interview__items", "interview__co_scorers")
        .filter(interview_id=pk, user=request.user)
        .first()
    )
    if sheet is None or not request.user.has_perm("interviews.co_score", sheet.interview):
        raise Http404("No such sheet of yours.")
    return sheet


def sheet_items(sheet: CoScorer, items) -> list[InterviewQuestion]:
    """The interview's questions carrying this sheet's scores and notes instead of the
    interviewer's (in memory only: never saved)."""
    lines = {line.item_id: line for line in sheet.lines.all()}
    for item in items:
        line = lines.get(item.pk) or CoScore()
        item.score, item.skipped = line.score, line.skipped
        item.notes, item.notes_version = line.notes, line.notes_version
    return items


def _sheet_context(sheet: CoScorer, **kw) -> dict:
    interview = sheet.interview
    items = sheet_items(sheet, list(interview.items.all()))
    return _live_context(interview, items=items, urls=sheet_urls(interview), co_sheet=sheet, **kw)


def _render_sheet(request, pk: int, *, fragment: str = "", status: int = 200, **kw):
    sheet = _my_sheet(request, pk)
    template = f"{TEMPLATE}#{fragment}" if fragment else TEMPLATE
    return render(request, template, _sheet_context(sheet, **kw), status=status)


def _closed_redirect(request, sheet: CoScorer):
    """The sheet is submitted, or the interview has not started: say so and go where it is."""
    if sheet.is_submitted:
        messages.info(request, "You have submitted your sheet: it is on the debrief.")
    else:
        messages.error(request, "This interview has not started yet: come back when it is live.")
    return redirect(request, sheet.interview.candidate.get_absolute_url())


def _sheet_open(sheet: CoScorer) -> bool:
    return not sheet.is_submitted and not sheet.interview.is_draft


@require_GET
@require("people.has_role")  # + co_score: _my_sheet
@vary_on_headers("HX-Request", "HX-Target")
def sheet(request, pk: int):
    """The co-scorer's live sheet: one question in focus, their own score and notes."""
    sheet = _my_sheet(request, pk)
    if not _sheet_open(sheet):
        return _closed_redirect(request, sheet)
    context = _sheet_context(sheet, position=request.GET.get("q"))
    template = TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#focus"
        context["nav_oob"] = True
    return render(request, template, context)


def _my_item(sheet: CoScorer, item_pk: int) -> InterviewQuestion:
    for item in sheet.interview.items.all():
        if item.pk == item_pk:
            return item
    raise Http404("No such question in this interview.")


def _sheet(sheet: CoScorer) -> Sheet:
    """The co-scorer's sheet for the views it shares with the interviewer's (views.sheet)."""
    return Sheet(
        urls=sheet_urls(sheet.interview),
        render=lambda request, **kw: _render_sheet(request, sheet.interview_id, **kw),
        closed=lambda request: _closed_redirect(request, sheet),
    )


@require_POST
@require("people.has_role")  # + co_score: _my_sheet
@vary_on_headers("HX-Request")
def sheet_score(request, pk: int, item_pk: int):
    sheet = _my_sheet(request, pk)
    item = _my_item(sheet, item_pk)

    def rubric():
        fresh = _my_sheet(request, pk)
        context = _sheet_context(fresh, item_pk=item.pk, score_oob=True)
        return render(request, f"{TEMPLATE}#rubric", context)

    return score_response(
        request,
        _sheet(sheet),
        item=item,
        is_open=_sheet_open(sheet),
        save=partial(coscoring.coscore_score, sheet=sheet, item=item),
        rubric=rubric,
    )


@require_POST
@require("people.has_role")  # + co_score: _my_sheet
@vary_on_headers("HX-Request")
def sheet_notes(request, pk: int, item_pk: int):
    """Save the co-scorer's notes written on top of ``version``; newer ones elsewhere: 409."""
    sheet = _my_sheet(request, pk)
    item = _my_item(sheet, item_pk)
    current = sheet_items(sheet, [item])[0].notes_version

    def save(text: str, base_version: int) -> int:
        line = coscoring.coscore_save_notes(
            sheet=sheet, item=item, notes=text, base_version=base_version
        )
        return line.notes_version

    return notes_response(request, _sheet(sheet), item=item, version=current, save=save)


@require_http_methods(["GET", "POST"])
@require("people.has_role")  # + co_score: _my_sheet
@vary_on_headers("HX-Request")
def sheet_submit(request, pk: int):
    """The co-scorer's recommendation, summary, and a decision about unscored questions."""
    sheet = _my_sheet(request, pk)
    if not _sheet_open(sheet):
        return _closed_redirect(request, sheet)
    interview = sheet.interview
    return submit_page(
        request,
        interview=interview,
        items=sheet_items(sheet, list(interview.items.all())),
        urls=sheet_urls(interview),
        submit=partial(coscoring.coscorer_submit, sheet=sheet),
        done=("Your sheet is submitted.", interview.candidate.get_absolute_url()),
        co_sheet=sheet,
    )
