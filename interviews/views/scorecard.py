"""Scorecard, amend, exports and the candidate's debrief page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from people.models import AuditEvent, Verb
from people.rules import require, runnable_or_404
from people.services import audit_record

from .. import exports, reports, services
from ..forms.coscore import DecisionForm
from ..forms.errors import add_service_errors
from ..forms.scorecard import AmendForm, EraseForm
from ..models import Candidate, Interview, InterviewStatus
from ..ratings import ratings


@require_GET
@login_required
@require("interviews.read_candidates")
def scorecard(request, pk: int):
    interview = get_object_or_404(Interview.objects.visible_to(request.user).with_items(), pk=pk)
    own = interview.interviewer_id == request.user.pk
    if own and not interview.is_submitted:
        return redirect(interview.get_absolute_url())
    context = {"interview": interview, "own": own}
    audit_record(
        actor=request.user,
        verb=Verb.READ,
        target=interview,
        target_label=f"the scorecard “{interview.title}”",
        candidate=interview.candidate,
    )
    if interview.is_submitted:
        amendments = list(interview.amendments.select_related("user"))
        context |= {
            "card": reports.build_scorecard(interview),
            "amendments": reports.amendment_rows(amendments),
            "exports": exports.SCORECARD_EXPORTS.values(),
        }
        sheets = list(interview.co_scorers.select_related("user").prefetch_related("lines"))
        context["co_sheets"] = [
            reports.build_co_sheet(s, context["card"].items) for s in sheets if s.is_submitted
        ]
        context["co_pending"] = [reports.display_name(s.user) for s in sheets if not s.is_submitted]
    return render(request, "interviews/scorecard.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@vary_on_headers("HX-Request")
def amend(request, pk: int):
    interview = runnable_or_404(request.user, Interview.objects.with_items(), pk)
    template = "interviews/amend.html"
    if request.htmx:
        template += "#amend-form"
    if not interview.is_submitted:
        # Only a submitted scorecard can be amended: say so, and where to go instead.
        context = {"interview": interview, "wrong_status": True}
        return render(request, template, context, status=409)
    status = 200
    notice = ""
    if request.method == "POST":
        form = AmendForm(request.POST, interview=interview)
        if form.is_valid():
            try:
                amendment = services.interview_amend(
                    interview=interview, user=request.user, **form.service_kwargs()
                )
            except services.StaleScorecard:
                return _stale(request, template, interview.pk, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 422
            else:
                if amendment is None:
                    notice = "Nothing changed, so no amendment was recorded."
                else:
                    count = len(amendment.changes)
                    messages.success(
                        request,
                        f"Scorecard amended: {count} change{'s' if count != 1 else ''} recorded.",
                    )
                    url = interview.get_absolute_url()
                    if request.htmx:
                        return HttpResponseClientRedirect(url)
                    return _see_other(url)
        else:
            status = 422
    else:
        form = AmendForm(interview=interview)
    context = {"interview": interview, "form": form, "notice": notice}
    return render(request, template, context, status=status)


def _stale(request, template: str, pk: int, stale_form: AmendForm):
    """409: the scorecard changed since this form was read. Nothing was saved; the form shows
    the newer values (and the newer version), the reason the user wrote is kept."""
    interview = Interview.objects.with_items().get(pk=pk)
    form = AmendForm(
        initial={"reason": stale_form.cleaned_data.get("reason", "")}, interview=interview
    )
    last = interview.amendments.select_related("user").last()
    context = {"interview": interview, "form": form, "stale": True, "last_amendment": last}
    return render(request, template, context, status=409)


def _see_other(url: str) -> HttpResponse:
    response = redirect(url)
    response.status_code = 303
    return response


@require_GET
@login_required
@require("interviews.read_candidates")
def export(request, pk: int, exporter: exports.Exporter):
    """The scorecard in one of ``exports.SCORECARD_EXPORTS`` (the URL matches only their keys)."""
    interview = get_object_or_404(
        Interview.objects.visible_to(request.user).with_items(),
        pk=pk,
        status=InterviewStatus.SUBMITTED,
    )
    card = reports.build_scorecard(interview)
    amendments = list(interview.amendments.select_related("user"))
    audit_record(
        actor=request.user,
        verb=Verb.EXPORT,
        target=interview,
        target_label=f"the scorecard “{interview.title}” as {exporter.key}",
        candidate=interview.candidate,
    )
    response = HttpResponse(exporter.render(card, amendments), content_type=exporter.content_type)
    response["Content-Disposition"] = exports.attachment(exporter.filename(interview))
    return response


TRAIL_LIMIT = 50


@require_GET
@login_required
def candidate(request, pk: int):
    person = get_object_or_404(Candidate.objects.for_debrief(), pk=pk)
    user = request.user
    if not user.has_perm("interviews.view_candidate_page", person):
        raise PermissionDenied
    debrief = reports.build_debrief(list(person.interviews.all()), user, candidate=person)
    audit_record(
        actor=user,
        verb=Verb.READ,
        target=person,
        target_label=f"the debrief of {person.name}",
        candidate=person,
    )
    if debrief.unlocked and not debrief.sees_all and debrief.others_revealed:
        # The first time the others' scores open to this interviewer: recorded once.
        unlocks = AuditEvent.objects.filter(actor=user, verb=Verb.UNLOCK, candidate=person)
        if not unlocks.exists():
            audit_record(actor=user, verb=Verb.UNLOCK, target=person, candidate=person)
    loop = next(iter(person.loops.all()), None)  # the newest
    context = {
        "candidate": person,
        "debrief": debrief,
        "loop": loop,
        "nav": "candidates",
        "may_manage": user.has_perm("interviews.manage_candidate", person),
        "may_erase": user.has_perm("interviews.erase"),
    }
    if debrief.unlocked and debrief.co_scored:
        rows = ratings(interviews=[e.interview.pk for e in debrief.entries])
        context["agreement"] = reports.candidate_agreement(rows)
    if loop is not None and user.has_perm("interviews.decide_loop"):
        context["decision_form"] = DecisionForm(loop=loop)
    if user.has_perm("interviews.see_audit_trail"):
        context["trail"] = list(AuditEvent.objects.trail_of(person)[:TRAIL_LIMIT])
    return render(request, "interviews/candidate.html", context)


@require_http_methods(["GET", "POST"])
@require("interviews.erase")
def candidate_erase(request, pk: int):
    """Erase a candidate and everything about them, after a confirmation (the ``can_erase``
    rule: hiring managers and admins)."""
    person = get_object_or_404(Candidate, pk=pk)
    if request.method == "POST":
        form = EraseForm(request.POST)
        if form.is_valid():
            services.candidate_erase(candidate=person, by=request.user)
            # No name in the message: it is kept in the session until shown.
            messages.success(request, "The candidate and everything about them were erased.")
            return _see_other(reverse("interviews:candidate_list"))
        status = 422
    else:
        form, status = EraseForm(), 200
    context = {
        "candidate": person,
        "form": form,
        "nav": "candidates",
        "counts": person.interviews.aggregate(
            interviews=Count("id", distinct=True), amendments=Count("amendments", distinct=True)
        ),
    }
    return render(request, "interviews/candidate_erase.html", context, status=status)
