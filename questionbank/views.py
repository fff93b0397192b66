from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from people.rules import require

from .forms import BankFilterForm
from .models import Question, rubrics_by_kind

PAGE_SIZE = 25


def bank_page(request, queryset=None, *, prefix_id="bank"):
    """The filter form and the page of results for a request: shared with the composer."""
    form = BankFilterForm(request.GET or None, prefix_id=prefix_id)
    results = (
        form.filter(queryset)
        if form.is_bound
        else (queryset if queryset is not None else Question.objects.for_bank())
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return form, page, query.urlencode()


@require_GET
@login_required
@require("questionbank.read_bank")
@vary_on_headers("HX-Request")
def bank(request):
    form, page, query = bank_page(request)
    template = "questionbank/bank.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results-response"
    return render(request, template, {"form": form, "page": page, "query": query, "nav": "bank"})


@require_GET
@login_required
@require("questionbank.read_bank")
@vary_on_headers("HX-Request")
def detail(request, pk: int):
    """A question's page; to htmx, its guidance and rubric alone (the composer's compact
    bank loads them when a question is opened)."""
    question = get_object_or_404(Question.objects.with_tags(), pk=pk)
    template = "questionbank/detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#guidance"
    return render(
        request,
        template,
        {"question": question, "rubric": question.rubric(rubrics_by_kind()), "nav": "bank"},
    )
