"""Finding interviews, a draft's details and discarding it, the calendar file."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from people.rules import require, runnable_or_404

from .. import calendar, services
from ..forms.errors import add_service_errors
from ..forms.manage import DiscardForm, InterviewDetailsForm, InterviewFilterForm
from ..models import Interview, can_view_all

INTERVIEWS_PER_PAGE = 25


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _composer_url(interview: Interview) -> str:
    """The composer as it opens: its bank filtered to the interview's (maybe new) level."""
    url = reverse("interviews:compose", args=[interview.pk])
    return f"{url}?{urlencode({'level': interview.level.slug})}"


def _done(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else _see_other(url)


@require_GET
@require("interviews.read_interviews")
@vary_on_headers("HX-Request")
def interview_list(request):
    """Every interview the user may read, filtered, searched, sorted and paged by the URL."""
    user = request.user
    sees_all = can_view_all(user)
    visible = Interview.objects.visible_to(user)
    form = InterviewFilterForm(request.GET or None, interviews=visible, sees_all=sees_all)
    page = Paginator(form.filter(visible.for_list()), INTERVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = "interviews/interview_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sees_all": sees_all,
        "nav": "interviews",
    }
    return render(request, template, context, status=200)


def owned_draft(action: str):
    """Load the user's own interview if ``can_run`` holds (404 for anyone else's); refuse with
    409 and a message, changing nothing, unless it is still a draft."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk: int):
            interview = runnable_or_404(request.user, Interview.objects.with_candidate(), pk)
            if not interview.is_draft:
                context = {
                    "interview": interview,
                    "message": f"This interview is {interview.get_status_display().lower()}: "
                    f"only a draft can be {action}.",
                }
                template = "interviews/not_draft.html"
                if request.htmx:  # in place of the form that asked
                    template += "#not-draft"
                return render(request, template, context, status=409)
            return view(request, interview)

        return wrapper

    return decorator


@require_http_methods(["GET", "POST"])
@require("people.has_role")  # + can_run: owned_draft
@vary_on_headers("HX-Request")
@owned_draft("edited")
def edit_details(request, interview: Interview):
    status = 200
    if request.method == "POST":
        form = InterviewDetailsForm(request.POST, interview=interview)
        if form.is_valid():
            try:
                interview = services.interview_update_details(
                    interview=interview, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Details saved.")
                return _done(request, _composer_url(interview))
        status = 422
    else:
        form = InterviewDetailsForm(interview=interview)
    template = "interviews/interview_edit.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#details-form"
    context = {"interview": interview, "form": form, "nav": "interviews"}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@require("people.has_role")  # + can_run: owned_draft
@owned_draft("discarded")
def discard(request, interview: Interview):
    status = 200
    if request.method == "POST":
        form = DiscardForm(request.POST)
        if form.is_valid():
            try:
                services.interview_discard(interview=interview)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Draft “{interview.title}” discarded.")
                return _done(request, reverse("interviews:interview_list"))
        status = 422
    else:
        form = DiscardForm()
    context = {
        "interview": interview,
        "form": form,
        "question_count": interview.items.count(),
        "nav": "interviews",
    }
    return render(request, "interviews/interview_discard.html", context, status=status)


@require_GET
@require("people.has_role")  # + can_run: runnable_or_404
def calendar_file(request, pk: int):
    """The interviewer's calendar file of their scheduled interview (``can_run``)."""
    interview = runnable_or_404(
        request.user,
        Interview.objects.with_candidate().scheduled(),
        pk,
    )
    url = request.build_absolute_uri(interview.get_absolute_url())
    body = calendar.interview_ics(interview, host=request.get_host(), url=url)
    disposition = content_disposition_header(True, calendar.ics_filename(interview))
    return HttpResponse(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": disposition},
    )
