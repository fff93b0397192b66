from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@login_required
def dashboard(request):
    return render(request, "interviews/dashboard.html", {"nav": "dashboard"})


@require_GET
@login_required
def candidate_list(request):
    return render(request, "interviews/candidate_list.html", {"nav": "candidates"})
