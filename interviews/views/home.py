"""The dashboard and the list of candidates."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from people.roles import Role
from people.rules import require

from ..models import Candidate, CoScorer, Interview, Kit, LoopStage, can_view_all

DASHBOARD_LIMIT = 10
CANDIDATES_PER_PAGE = 25


@require_GET
@login_required
def dashboard(request):
    user = request.user
    if not user.has_perm("people.has_role"):
        return _no_access(request)
    mine = Interview.objects.owned_by(user)
    context = {
        "nav": "dashboard",
        # Assigned loop stages not submitted yet (with their calendar file once scheduled)...
        "stages": list(LoopStage.objects.upcoming_for(user)[:DASHBOARD_LIMIT]),
        "drafts": list(mine.drafts_for_dashboard()[:DASHBOARD_LIMIT]),
        "live": list(mine.live_for_dashboard()[:DASHBOARD_LIMIT]),
        "submitted": list(mine.submitted_for_dashboard()[:DASHBOARD_LIMIT]),
        # ... and the user's other scheduled interviews.
        "upcoming": list(Interview.objects.upcoming_outside_loops(user)[:DASHBOARD_LIMIT]),
        # Interviews the user co-scores and has not submitted a sheet for.
        "co_scoring": list(CoScorer.objects.pending_for(user)[:DASHBOARD_LIMIT]),
        "candidates": list(
            Candidate.objects.visible_to(user).for_candidate_list()[:DASHBOARD_LIMIT]
        ),
        "kits": list(Kit.objects.visible_to(user).with_counts()[:DASHBOARD_LIMIT]),
        "sees_all": can_view_all(user),
        "limit": DASHBOARD_LIMIT,
    }
    if context["sees_all"]:
        context["everyone_submitted"] = list(
            Interview.objects.recently_submitted()[:DASHBOARD_LIMIT]
        )
    return render(request, "interviews/dashboard.html", context)


def _no_access(request):
    """A user with no role: one page saying so, and whom to ask."""
    admins = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ADMIN)
        .order_by("username")
        .distinct()
    )
    return render(request, "people/no_access.html", {"admins": list(admins)})


@require_GET
@require("interviews.read_candidates")
@vary_on_headers("HX-Request")
def candidate_list(request):
    q = request.GET.get("q", "").strip()
    archived = request.GET.get("archived") == "1"
    candidates = Candidate.objects.visible_to(request.user).for_candidate_list(
        archived=archived, q=q
    )
    page = Paginator(candidates, CANDIDATES_PER_PAGE).get_page(request.GET.get("page"))
    template = "interviews/candidate_list.html"
    if request.htmx:
        template += "#candidate-results"
    context = {"nav": "candidates", "page": page, "q": q, "archived": archived}
    return render(request, template, context)
