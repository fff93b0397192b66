"""The dashboard and the list of candidates."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from people.roles import Role
from people.rules import require

from ..models import Candidate, CoScorer, Interview, InterviewStatus, Kit, LoopStage, can_view_all

DASHBOARD_LIMIT = 10
CANDIDATES_PER_PAGE = 25


def _with_interview_counts(qs):
    return qs.annotate(
        interview_count=Count("interviews"),
        submitted_count=Count("interviews", filter=Q(interviews__status=InterviewStatus.SUBMITTED)),
    )


@require_GET
@login_required
def dashboard(request):
    user = request.user
    if not user.has_perm("people.has_role"):
        return _no_access(request)
    mine = Interview.objects.owned_by(user).for_dashboard()
    context = {
        "nav": "dashboard",
        # Assigned loop stages not submitted yet (with their calendar file once scheduled)...
        "stages": list(LoopStage.objects.upcoming_for(user)[:DASHBOARD_LIMIT]),
        "drafts": list(
            mine.filter(status=InterviewStatus.DRAFT).order_by("-updated_at", "-id")[
                :DASHBOARD_LIMIT
            ]
        ),
        "live": list(
            mine.filter(status=InterviewStatus.LIVE).order_by("-started_at", "-id")[
                :DASHBOARD_LIMIT
            ]
        ),
        "submitted": list(
            mine.filter(status=InterviewStatus.SUBMITTED).order_by("-submitted_at", "-id")[
                :DASHBOARD_LIMIT
            ]
        ),
        # ... and the user's other scheduled interviews.
        "upcoming": list(
            Interview.objects.owned_by(user)
            .upcoming()
            .exclude(stage__in=LoopStage.objects.upcoming_for(user).values("pk"))[:DASHBOARD_LIMIT]
        ),
        # Interviews the user co-scores and has not submitted a sheet for.
        "co_scoring": list(
            CoScorer.objects.filter(user=user, submitted_at__isnull=True)
            .select_related("interview__candidate")
            .order_by("interview__scheduled_at", "-added_at")[:DASHBOARD_LIMIT]
        ),
        "candidates": list(
            _with_interview_counts(Candidate.objects.visible_to(user).active().for_dashboard())[
                :DASHBOARD_LIMIT
            ]
        ),
        "kits": list(Kit.objects.visible_to(user).with_counts()[:DASHBOARD_LIMIT]),
        "sees_all": can_view_all(user),
        "limit": DASHBOARD_LIMIT,
    }
    if context["sees_all"]:
        context["everyone_submitted"] = list(
            Interview.objects.filter(status=InterviewStatus.SUBMITTED)
            .select_related("candidate", "level", "interviewer")
            .order_by("-submitted_at", "-id")[:DASHBOARD_LIMIT]
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
    candidates = Candidate.objects.visible_to(request.user)
    candidates = candidates.archived() if archived else candidates.active()
    candidates = _with_interview_counts(candidates.for_dashboard())
    for word in q.split():
        candidates = candidates.filter(Q(name__icontains=word) | Q(email__icontains=word))
    page = Paginator(candidates, CANDIDATES_PER_PAGE).get_page(request.GET.get("page"))
    template = "interviews/candidate_list.html"
    if request.htmx:
        template += "#candidate-results"
    context = {"nav": "candidates", "page": page, "q": q, "archived": archived}
    return render(request, template, context)
