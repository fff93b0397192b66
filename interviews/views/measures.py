"""The measures pages: agreement, calibration, question health, their overview and exports.

Every page reads one ``measuring.Snapshot`` (the cache, two reads; computed on a miss) and
lays it out with the rows and charts ``reports`` builds from it; nothing here computes a
statistic. Question health sorts and filters by the URL (``forms.measures``), the table
swapping in place under htmx. The downloads are ``exports.TABLE_EXPORTS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from people.rules import require

from .. import exports, measures, measuring, reports
from ..forms.measures import FLAGS, HealthFilterForm
from ..measures import QuestionHealth
from ..reports import SORTS

READ_MEASURES = "interviews.read_measures"
READ_QUESTION_HEALTH = "interviews.read_question_health"
QUESTIONS_PER_PAGE = 50
# The agreement page lists this many questions and pairs (flagged first, then the most
# co-scored); every row is in the exports, and question health sorts by agreement.
AGREEMENT_ROWS = 50


# -- Exports: which tables, who may download them; the formats are exports.TABLE_EXPORTS -------


@dataclass(frozen=True)
class Export:
    identifier: str
    verbose_name: str
    perm: str


EXPORTS = {
    e.identifier: e
    for e in (
        Export("agreement", "Agreement", READ_MEASURES),
        Export("calibration", "Calibration", READ_MEASURES),
        Export("questions", "Question health", READ_QUESTION_HEALTH),
    )
}


def _export_links(identifier: str) -> list[tuple[str, str]]:
    return [
        (exporter.label, reverse("interviews:measures_export", args=[identifier, exporter.key]))
        for exporter in exports.TABLE_EXPORTS.values()
    ]


@require_GET
def export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    chosen = EXPORTS.get(name)
    exporter = exports.TABLE_EXPORTS.get(fmt)
    if chosen is None or exporter is None:
        raise Http404("No such export.")
    if not request.user.has_perm(chosen.perm):
        raise PermissionDenied
    table = exports.measure_table(measuring.current(), name)
    response = HttpResponse(exporter.render(table), content_type=exporter.content_type)
    response["Content-Disposition"] = exports.attachment(exporter.filename(table))
    return response


# -- Pages -------------------------------------------------------------------------------------


def _context(snapshot: measuring.Snapshot, page: str, **extra) -> dict[str, Any]:
    return {
        "snapshot": snapshot,
        "page": page,
        "nav": "measures",
        "thresholds": {
            "alpha": measures.ALPHA_ACCEPTABLE,
            "min_units": measures.MIN_UNITS_TO_FLAG,
            "min_items": measures.MIN_SCORED_ITEMS,
            "min_decisions": measures.MIN_DECISIONS,
            "min_asked": measures.MIN_TIMES_ASKED,
            "mismatch": measures.MISMATCH_POINTS,
            "discrimination": measures.MIN_DISCRIMINATION,
            "overtime": measures.OVERTIME_RATIO,
            "overtime_percent": round((measures.OVERTIME_RATIO - 1) * 100),
            "reps": measures.BOOTSTRAP_REPS,
        },
        **extra,
    }


@require_GET
@require(READ_MEASURES)
def overview(request):
    snapshot = measuring.current()
    m = snapshot.measures
    counts = dict.fromkeys(FLAGS.values(), 0)
    for q in m.questions:
        for flag in q.flags:
            counts[flag] += 1
    estimated = [x for x in m.leniency if x.estimate is not None]
    context = _context(
        snapshot,
        "overview",
        overall=m.agreement.overall,
        low_topics=sum(a.flagged for a in m.agreement.by_topic.values()),
        n_topics=len(m.agreement.by_topic),
        n_estimated=len(estimated),
        n_interviewers=len(m.leniency),
        flagged=[(slug, flag, counts[flag]) for slug, flag in FLAGS.items()],
        n_questions=len(m.questions),
        n_flagged=sum(bool(q.flags) for q in m.questions),
    )
    return render(request, "interviews/measures/overview.html", context)


@require_GET
@require(READ_MEASURES)
def agreement(request):
    snapshot = measuring.current()
    rows = reports.agreement_rows(snapshot, questions_url=reverse("interviews:measures_questions"))
    context = _context(
        snapshot,
        "agreement",
        overall=snapshot.measures.agreement.overall,
        topic_rows=rows.topics,
        question_rows=rows.questions[:AGREEMENT_ROWS],
        more_questions=max(len(rows.questions) - AGREEMENT_ROWS, 0),
        pair_rows=rows.pairs[:AGREEMENT_ROWS],
        more_pairs=max(len(rows.pairs) - AGREEMENT_ROWS, 0),
        chart=rows.chart,
        chart_rows=rows.chart_rows,
        exports=_export_links("agreement"),
    )
    return render(request, "interviews/measures/agreement.html", context)


@require_GET
@require(READ_MEASURES)
def calibration(request):
    snapshot = measuring.current()
    rows = reports.calibration_rows(snapshot)
    shown = [r for r in rows if r.leniency.estimate is not None]
    fit = snapshot.measures.fit
    context = _context(
        snapshot,
        "calibration",
        rows=rows,
        shown=shown,
        hidden=[r for r in rows if r.leniency.estimate is None],
        chart=reports.leniency_chart(shown),
        hire_rows=reports.hire_rate_rows(snapshot),
        residual_sd=fit.residual_sd if fit else None,
        exports=_export_links("calibration"),
    )
    return render(request, "interviews/measures/calibration.html", context)


# -- Question health -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    href: str
    aria_sort: str  # "ascending", "descending" or "" (not sorted by it)
    numeric: bool


def _columns(request, sort: str) -> list[Column]:
    columns = []
    for key, (heading, _) in SORTS.items():
        query = request.GET.copy()
        query.pop("page", None)  # a new order starts on its first page
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        # A click sorts by the column; on the sorted column, the other way round. Numbers
        # start highest first, the text A to Z.
        if current:
            query["sort"] = key if descending else f"-{key}"
        else:
            query["sort"] = key if key == "question" else f"-{key}"
        aria = ("descending" if descending else "ascending") if current else ""
        href = f"{request.path}?{query.urlencode()}"
        columns.append(Column(key, heading, href, aria, key != "question"))
    return columns


@require_GET
@require(READ_QUESTION_HEALTH)
@vary_on_headers("HX-Request")
def questions(request):
    snapshot = measuring.current()
    form = HealthFilterForm(request.GET or None, snapshot=snapshot)
    all_rows = reports.health_rows(snapshot)
    rows = form.rows(all_rows)
    sort = form.sort_key()
    page = Paginator(rows, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "interviews/measures/questions.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    context = _context(
        snapshot,
        "questions",
        form=form,
        rows=rows,
        page_rows=page.object_list,
        page_obj=page,
        query=query.urlencode(),
        sort=sort if request.GET.get("sort") else "",
        n_all=len(all_rows),
        columns=_columns(request, sort),
        chart=reports.difficulty_chart(page.object_list),
        exports=_export_links("questions"),
        admin_links=request.user.has_perm("people.use_admin"),
    )
    return render(request, template, context)


def question_health(question_id: int) -> tuple[measuring.Snapshot, QuestionHealth | None]:
    """One question's row (None if never asked in a submitted interview): the admin shows it."""
    snapshot = measuring.current()
    found = next((q for q in snapshot.measures.questions if q.question_id == question_id), None)
    return snapshot, found
