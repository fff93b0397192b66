"""What a score sheet's views share: the interviewer's sheet (views.live) and a co-scorer's
(views.coscore) score, save notes and submit through the same shapes, differing only by the
service they call, the URLs they use and where they send a sheet that takes no more writes.

Each view loads its sheet, then hands these helpers a ``Sheet``: how to render the live page
again (re-read) and where to go when the sheet is closed.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event
from django_htmx.middleware import HtmxDetails

from interviews import services
from interviews.forms.errors import add_service_errors, all_errors, error_text
from interviews.forms.live import NotesForm, ScoreForm, SubmitForm
from interviews.models import Interview, InterviewQuestion
from interviews.pace import pace_of

logger = logging.getLogger(__name__)
TEMPLATE = "interviews/live.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails  # set by django_htmx.middleware.HtmxMiddleware


@dataclass(frozen=True)
class SheetUrls:
    """Where the live page's links and forms go: the interviewer's sheet or a co-scorer's
    (``items`` + item id + ``score/``, ``notes/``, ``time/``). ``store_key`` names the sheet in
    the browser's notes backup; ``time``: whether the page records time per question."""

    live: str
    submit: str
    items: str
    store_key: str
    time: bool

    def at(self, position: int | None) -> str:
        """The live page with question ``position`` in focus."""
        return f"{self.live}?q={position}" if position else self.live


@dataclass(frozen=True)
class Sheet:
    """One sheet as the shared views need it. ``render(request, fragment=, status=, **context)``
    re-reads the sheet and renders the live page or a fragment of it; ``closed(request)`` is the
    redirect for a sheet that takes no more writes (submitted, or not live)."""

    urls: SheetUrls
    render: Callable[..., HttpResponse]
    closed: Callable[[HtmxHttpRequest], HttpResponse]


# Small shapes -------------------------------------------------------------------------------


def redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Go to ``url``: a full page load for htmx (HX-Redirect), 303 See Other otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url, status=303)


def expected_conflict(
    request: HttpRequest, response: HttpResponse, item: InterviewQuestion
) -> HttpResponse:
    """A 409 from autosave is the notes' concurrency check working (another tab saved first),
    not a fault: log it at INFO here, so Django's request logger does not add a WARNING."""
    logger.info(
        "Notes conflict: %s on interview %s question %s (another tab or device saved first)",
        request.path,
        item.interview_id,
        item.pk,
        extra={"status_code": 409, "request": request},
    )
    response._has_been_logged = True  # type: ignore[attr-defined]  # read by django.utils.log.log_response
    return response


# Score, notes, submit -----------------------------------------------------------------------


def score_response(
    request: HtmxHttpRequest,
    sheet: Sheet,
    *,
    item: InterviewQuestion,
    is_open: bool,
    save: Callable[..., object],
    rubric: Callable[[], HttpResponse],
) -> HttpResponse:
    """Score 1..4, skip or clear ``item`` with ``save(score=, skipped=)``; htmx gets the rubric
    (``rubric()``: the fragment with the list entry and the progress out of band)."""
    form = ScoreForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            save(**form.action())
        except ValidationError as exc:
            error = error_text(exc)
    else:
        error = all_errors(form)
    if error:
        if not is_open and not request.htmx:
            return sheet.closed(request)
        fragment = "rubric" if request.htmx else ""
        return sheet.render(
            request, item_pk=item.pk, fragment=fragment, status=422, score_error=error
        )
    if not request.htmx:
        return HttpResponseRedirect(sheet.urls.at(item.position), status=303)
    return rubric()


def notes_response(
    request: HtmxHttpRequest,
    sheet: Sheet,
    *,
    item: InterviewQuestion,
    version: int,
    save: Callable[[str, int], int],
) -> HttpResponse:
    """Save the notes written on top of ``version`` with ``save(text, base_version)``, which
    returns the new version; newer notes saved elsewhere (StaleNotes) are a 409.

    htmx gets the ``notes-result`` fragment (the version to write on next) and a ``notesSaved``
    event, which live.js reads to know the text is safe on the server."""
    form = NotesForm(request.POST)
    fragment = "notes-result" if request.htmx else ""
    kept = " Your text is kept here, not saved."

    def again(status: int, **context: Any) -> HttpResponse:
        return sheet.render(request, item_pk=item.pk, fragment=fragment, status=status, **context)

    if not form.is_valid():
        notes = request.POST.get("notes", "")
        return again(422, notes_error=all_errors(form), notes_text=notes, notes_version=version)
    text = form.cleaned_data["notes"].replace("\r\n", "\n")
    base_version = form.cleaned_data["version"]
    try:
        saved = save(text, base_version)
    except services.StaleNotes as exc:
        response = again(
            409,
            notes_conflict=f"{error_text(exc)}{kept}",
            notes_text=text,
            newer_notes=exc.item.notes,
            # JS keeps the version its text was based on; a plain form shows the newer notes
            # below the box, so saving again is a deliberate merge.
            notes_version=base_version if request.htmx else exc.item.notes_version,
        )
        return expected_conflict(request, response, item)
    except ValidationError as exc:
        if not request.htmx:
            return sheet.closed(request)
        notes_error = f"{error_text(exc)}{kept}"
        return again(422, notes_error=notes_error, notes_text=text, notes_version=base_version)
    if not request.htmx:
        messages.success(request, "Notes saved.")
        return HttpResponseRedirect(sheet.urls.at(item.position), status=303)
    context = {"item": item, "interview": item.interview, "notes_version": saved}
    response = render(request, f"{TEMPLATE}#notes-result", context)
    return trigger_client_event(response, "notesSaved", {"item": item.pk, "version": saved})


def submit_page(
    request: HtmxHttpRequest,
    *,
    interview: Interview,
    items: list[InterviewQuestion],
    urls: SheetUrls,
    submit: Callable[..., object],
    done: tuple[str, str],
    **extra: Any,
) -> HttpResponse:
    """A sheet's recommendation, summary, and a decision about unscored questions, submitted
    with ``submit(recommendation=, summary=, allow_unscored=)``; then ``done``: the message
    and the page to go to."""
    open_items = [item for item in items if item.is_open]
    status = 200
    if request.method == "POST":
        form = SubmitForm(request.POST, open_count=len(open_items))
        if form.is_valid():
            try:
                submit(
                    recommendation=form.cleaned_data["recommendation"],
                    summary=form.cleaned_data["summary"],
                    allow_unscored=form.cleaned_data.get("allow_unscored", False),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, done[0])
                return redirect(request, done[1])
        status = 422
    else:
        form = SubmitForm(open_count=len(open_items))
    template = "interviews/submit.html"
    if request.htmx:
        template += "#submit-form"
    context = {
        "interview": interview,
        "items": items,
        "open_items": open_items,
        "form": form,
        "pace": pace_of(interview, items),
        "urls": urls,
        **extra,
    }
    return render(request, template, context, status=status)
