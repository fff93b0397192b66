"""Archiving and merging candidates: the ``can_manage_candidate`` rule (hiring managers, and
the interviewer who added the candidate)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..forms.errors import add_service_errors
from ..forms.manage import MergeForm
from ..models import Candidate


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def manageable_candidate(view):
    """Load the candidate (404 if none); 403 with a reason for someone who may not manage them."""

    @wraps(view)
    def wrapper(request, pk: int):
        candidate = get_object_or_404(Candidate.objects.select_related("level"), pk=pk)
        if not request.user.has_perm("interviews.manage_candidate", candidate):
            context = {"candidate": candidate, "nav": "candidates"}
            return render(request, "interviews/candidate_refused.html", context, status=403)
        return view(request, candidate)

    return wrapper


@require_POST
@manageable_candidate
def archive(request, candidate: Candidate):
    archived = request.POST.get("archived") != "0"
    services.candidate_set_archived(candidate=candidate, archived=archived, actor=request.user)
    if archived:
        messages.success(
            request,
            f"{candidate.name} is archived: hidden from the candidate lists and pickers, "
            "with every interview kept.",
        )
    else:
        messages.success(request, f"{candidate.name} is back in the candidate lists.")
    return _see_other(candidate.get_absolute_url())


@require_http_methods(["GET", "POST"])
@manageable_candidate
def merge(request, candidate: Candidate):
    """Pick the duplicate (GET), see what moves, confirm (POST): one transaction."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = MergeForm(data, keep=candidate, user=request.user)
    status = 200
    duplicate = None
    if form.is_bound:
        if form.is_valid():
            duplicate = form.cleaned_data["duplicate"]
            if not request.user.has_perm("interviews.manage_candidate", duplicate):
                form.add_error(
                    "duplicate",
                    f"You may not merge {duplicate.name}: only whoever added them, or a "
                    "hiring manager, can.",
                )
                duplicate = None
        if not form.is_valid():
            status = 422
    if request.method == "POST" and duplicate is not None:
        if request.POST.get("confirm") != "yes":
            form.add_error(None, "Confirm the merge with the button below.")
            status = 422
        else:
            try:
                services.candidate_merge(keep=candidate, duplicate=duplicate, actor=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
                status = 422
            else:
                messages.success(
                    request,
                    f"{duplicate.name} (#{duplicate.pk}) merged into {candidate.name} "
                    f"(#{candidate.pk}): their interviews and notes are now here.",
                )
                return _see_other(candidate.get_absolute_url())
    context = {
        "candidate": candidate,
        "form": form,
        "duplicate": duplicate,
        "duplicate_counts": duplicate.interviews.counts() if duplicate else None,
        "suggested": list(
            Candidate.objects.visible_to(request.user).likely_duplicates_of(candidate)
        ),
        "merge_url": reverse("interviews:candidate_merge", args=[candidate.pk]),
        "nav": "candidates",
    }
    return render(request, "interviews/candidate_merge.html", context, status=status)
