from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Question


@require_GET
@login_required
def bank(request):
    return render(request, "questionbank/bank.html", {})


@require_GET
@login_required
def detail(request, pk: int):
    question = get_object_or_404(Question.objects.with_tags(), pk=pk)
    return render(request, "questionbank/detail.html", {"question": question})
