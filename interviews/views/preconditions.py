"""The composer's one write path: a precondition decorator and the two ways a write ends.

Every composer write (add, remove, move, reorder, auto-compose, save as a kit) is a POST on
the user's own draft. ``composer_write`` does what each of them needs first, the shape of
"Django views the right way"'s ``premium_required``: it loads the interview (404 unless the user
may run it: ``people.rules.runnable_or_404``), resolves the return address (the posted ``next``
when it is this composer), asks the services whether the interview may be composed, and hands
the interview and the address to the view. A ``ValidationError`` (from that check, the view's
form or a service) becomes the refusal: the interview fragment with the reason (htmx) or the
composer page, both 422; an interview that is no longer a draft sends a plain POST back to it
with the reason as a message. A write that succeeds ends in ``written``.
"""

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import trigger_client_event

from interviews import services
from interviews.forms.errors import error_text
from interviews.models import Interview
from people.rules import runnable_or_404

from .compose_page import compose_page, composer_url, interview_fragment

CHANGED = "interviewChanged"

ComposerView = Callable[..., HttpResponse]


def see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def next_url(request: HttpRequest, interview: Interview) -> str:
    """Where a composer write returns: the posted ``next`` if it is this composer, else its
    default state."""
    default = reverse("interviews:compose", args=[interview.pk])
    wanted = request.POST.get("next", "")
    if (
        wanted
        and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and urlsplit(wanted).path == default
    ):
        return wanted
    return composer_url(interview)


def composer_write(view: ComposerView) -> Callable[..., HttpResponse]:
    """Run ``view(request, interview, next_url)`` on the user's own draft; a ValidationError
    raised on the way is the refusal (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, pk: int) -> HttpResponse:
        interview = runnable_or_404(
            request.user, Interview.objects.select_related("candidate", "level"), pk
        )
        back = next_url(request, interview)
        try:
            services.check_composable(interview=interview)
            return view(request, interview, back)
        except ValidationError as error:
            return refused(request, interview, back, error_text(error))

    return wrapper


def written(request, interview: Interview, next_url: str, announce: str) -> HttpResponse:
    """A composer write succeeded: the new list (htmx) or back to the composer."""
    if not request.htmx:
        return see_other(next_url)
    response = interview_fragment(
        request, interview, next_url, partial="write-response", announce=announce
    )
    return trigger_client_event(response, CHANGED)


def refused(request, interview: Interview, next_url: str, error: str) -> HttpResponse:
    """A composer write was refused: nothing changed; say why."""
    if not request.htmx:
        if not interview.is_draft:
            messages.error(request, error)
            return see_other(interview.get_absolute_url())
        return compose_page(request, interview, next_url=next_url, status=422, error=error)
    return interview_fragment(request, interview, next_url, status=422, error=error)
