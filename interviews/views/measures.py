"""The measures pages: agreement, calibration, question health, their overview and exports.

Every page reads one ``measuring.Snapshot`` (the cache, two reads; computed on a miss) and
lays it out; nothing here computes a statistic. Question health sorts and filters by the URL,
the table swapping in place under htmx.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from config.csv_safety import neutralise
from people.rules import require

from .. import charts, measures, measuring
from ..measures import Alpha, QuestionHealth

READ_MEASURES = "interviews.read_measures"
READ_QUESTION_HEALTH = "interviews.read_question_health"

# The flags, by the short name the URL carries.
FLAGS = {
    "too-easy": measures.FLAG_TOO_EASY,
    "too-hard": measures.FLAG_TOO_HARD,
    "no-discrimination": measures.FLAG_NO_DISCRIMINATION,
    "low-agreement": measures.FLAG_LOW_AGREEMENT,
    "over-time": measures.FLAG_OVER_TIME,
}


# -- Exports: one registry read by the URL, the view and the links -----------------------------


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
EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _export_links(identifier: str) -> list[tuple[str, str]]:
    return [
        (fmt.upper(), reverse("interviews:measures_export", args=[identifier, fmt]))
        for fmt in EXPORT_FORMATS
    ]


def _labelled_tables(snapshot: measuring.Snapshot) -> dict[str, list[dict[str, Any]]]:
    """``measures.tables()`` with a readable label beside each id (first column)."""
    tables = measures.tables(snapshot.measures)

    def agreement_label(row) -> str:
        if row["scope"] == "topic":
            return snapshot.topics.get(row["key"], row["key"])
        if row["scope"] == "question":
            return snapshot.question_text(int(row["key"]))
        if row["scope"] == "pair":
            a, b = (int(x) for x in row["key"].split("-"))
            return f"{snapshot.person(a)} and {snapshot.person(b)}"
        return "All co-scored answers"

    return {
        "agreement": [{"label": agreement_label(r), **r} for r in tables["agreement"]],
        "calibration": [
            {"name": snapshot.person(int(r["interviewer"])), **r} for r in tables["calibration"]
        ],
        "questions": [
            {"text": snapshot.question_text(int(r["question"])), **r} for r in tables["questions"]
        ],
    }


@require_GET
def export(request, name: str, fmt: str):
    chosen = EXPORTS.get(name)
    if chosen is None or fmt not in EXPORT_FORMATS:
        raise Http404("No such export.")
    if not request.user.has_perm(chosen.perm):
        raise PermissionDenied
    snapshot = measuring.current()
    rows = _labelled_tables(snapshot)[name]
    if fmt == "json":
        body = json.dumps(
            {
                "measure": name,
                "computed_at": snapshot.computed_at.isoformat(),
                "rows": rows,
            },
            indent=1,
            ensure_ascii=False,
        )
    else:
        out = io.StringIO()
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), quoting=csv.QUOTE_MINIMAL)
            writer.writeheader()
            for row in rows:
                # A cell a spreadsheet would run as a formula starts with a quote.
                writer.writerow({key: neutralise(value) for key, value in row.items()})
        body = out.getvalue()
    response = HttpResponse(body, content_type=EXPORT_FORMATS[fmt])
    filename = f"measures-{name}-{snapshot.computed_at:%Y%m%d-%H%M}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
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
    counts: dict[str, int] = dict.fromkeys(FLAGS.values(), 0)
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


@dataclass(frozen=True)
class AlphaRow:
    label: str
    alpha: Alpha
    href: str = ""


def _alpha_text(a: Alpha) -> str:
    if a.value is None:
        return f"no alpha ({a.reason})"
    text = f"{a.value:.2f}"
    if a.interval:
        text += f" (95% interval {a.interval.low:.2f} to {a.interval.high:.2f})"
    return f"{text}, {a.n_units} unit{'s' if a.n_units != 1 else ''}"


@require_GET
@require(READ_MEASURES)
def agreement(request):
    snapshot = measuring.current()
    a = snapshot.measures.agreement
    questions_url = reverse("interviews:measures_questions")
    order = list(snapshot.topics)
    topic_rows = [
        AlphaRow(snapshot.topics.get(slug, slug), alpha, f"{questions_url}?topic={slug}")
        for slug, alpha in sorted(
            a.by_topic.items(),
            key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]),
        )
    ]
    question_rows = sorted(
        (AlphaRow(snapshot.question_text(q), alpha) for q, alpha in a.by_question.items()),
        key=lambda r: (not r.alpha.flagged, -r.alpha.n_units, r.label),
    )
    pair_rows = sorted(
        (
            AlphaRow(f"{snapshot.person(i)} and {snapshot.person(j)}", alpha)
            for (i, j), alpha in a.by_pair.items()
        ),
        key=lambda r: (not r.alpha.flagged, -r.alpha.n_units, r.label),
    )
    chart_rows = [AlphaRow("All co-scored answers", a.overall), *topic_rows]
    chart = charts.interval_chart(
        [
            (
                r.label,
                r.alpha.value,
                r.alpha.interval.low if r.alpha.interval else r.alpha.value,
                r.alpha.interval.high if r.alpha.interval else r.alpha.value,
                _alpha_text(r.alpha),
                r.alpha.flagged,
            )
            for r in chart_rows
        ],
        low=-0.2,
        high=1.0,
        ticks=[0, 0.2, 0.4, 0.6, 0.8, 1.0],
        reference=measures.ALPHA_ACCEPTABLE,
    )
    context = _context(
        snapshot,
        "agreement",
        overall=a.overall,
        topic_rows=topic_rows,
        question_rows=question_rows[:AGREEMENT_ROWS],
        more_questions=max(len(question_rows) - AGREEMENT_ROWS, 0),
        pair_rows=pair_rows[:AGREEMENT_ROWS],
        more_pairs=max(len(pair_rows) - AGREEMENT_ROWS, 0),
        chart=chart,
        chart_rows=chart_rows,
        exports=_export_links("agreement"),
    )
    return render(request, "interviews/measures/agreement.html", context)


@dataclass(frozen=True)
class CalibrationRow:
    name: str
    leniency: measures.Leniency
    hire: measures.HireRate | None


@require_GET
@require(READ_MEASURES)
def calibration(request):
    snapshot = measuring.current()
    m = snapshot.measures
    rates = {r.interviewer_id: r for r in m.hire_rates}
    rows = sorted(
        (
            CalibrationRow(snapshot.person(x.interviewer_id), x, rates.get(x.interviewer_id))
            for x in m.leniency
        ),
        key=lambda r: (
            r.leniency.estimate is None,
            -(r.leniency.estimate or 0.0),
            r.name.lower(),
        ),
    )
    shown = [r for r in rows if r.leniency.estimate is not None]
    largest = max((abs(b) for r in shown for b in _bounds(r.leniency.interval)), default=0.5)
    edge = max(0.5, math.ceil(largest * 2) / 2)
    step = 0.5 if edge <= 1.5 else 1.0
    ticks = [round(-edge + i * step, 2) for i in range(int(round(2 * edge / step)) + 1)]
    chart = charts.interval_chart(
        [
            (
                r.name,
                r.leniency.estimate,
                r.leniency.interval.low if r.leniency.interval else None,
                r.leniency.interval.high if r.leniency.interval else None,
                _leniency_text(r.leniency),
                False,
            )
            for r in shown
        ],
        low=-edge,
        high=edge,
        ticks=ticks,
        reference=0.0,
    )
    hire_rows = sorted(
        (
            (snapshot.person(r.interviewer_id), r)
            for r in m.hire_rates
            if r.interviewer_id in snapshot.people or r.n
        ),
        key=lambda nr: (nr[1].recommended is None, nr[0].lower()),
    )
    context = _context(
        snapshot,
        "calibration",
        rows=rows,
        shown=shown,
        hidden=[r for r in rows if r.leniency.estimate is None],
        chart=chart,
        hire_rows=hire_rows,
        residual_sd=snapshot.measures.fit.residual_sd if snapshot.measures.fit else None,
        exports=_export_links("calibration"),
    )
    return render(request, "interviews/measures/calibration.html", context)


def _bounds(interval) -> tuple[float, ...]:
    return (interval.low, interval.high) if interval else ()


def _leniency_text(x: measures.Leniency) -> str:
    assert x.estimate is not None and x.interval is not None
    return (
        f"{x.estimate:+.2f} points (95% interval {x.interval.low:+.2f} to "
        f"{x.interval.high:+.2f}), {x.n_items} scored items"
    )


# -- Question health -------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthRow:
    q: QuestionHealth
    text: str
    topics: tuple[str, ...]
    levels: tuple[str, ...]
    level_means: tuple[tuple[str, measures.LevelMean], ...] = ()

    @property
    def mean_score(self) -> float | None:
        n = sum(m.n for m in self.q.mean_by_level.values())
        return sum(m.n * m.mean for m in self.q.mean_by_level.values()) / n if n else None

    @property
    def gap(self) -> float | None:
        if self.q.difficulty is None or self.q.expected_difficulty is None:
            return None
        return self.q.difficulty - self.q.expected_difficulty

    @property
    def skip_percent(self) -> float:
        return self.q.skip_rate * 100


# Every column sorts: key -> (heading, value of a row; None sorts last either way).
SORTS: dict[str, tuple[str, Any]] = {
    "question": ("Question", lambda r: r.text.lower()),
    "asked": ("Times asked", lambda r: r.q.times_asked),
    "mean": ("Mean score", lambda r: r.mean_score),
    "tagged": ("Tagged difficulty", lambda r: r.q.tagged_difficulty),
    "fitted": ("Fitted difficulty", lambda r: r.q.difficulty),
    "gap": ("Off its tag by", lambda r: r.gap),
    "discrimination": ("Discrimination", lambda r: r.q.discrimination),
    "skip": ("Skipped", lambda r: r.q.skip_rate),
    "minutes": ("Minutes (median)", lambda r: r.q.median_minutes),
    "estimate": ("Minutes (estimate)", lambda r: r.q.estimated_minutes),
    "alpha": ("Agreement", lambda r: r.q.agreement.value),
    "flags": ("Flags", lambda r: len(r.q.flags)),
}
DEFAULT_SORT = "-flags"
ANY_FLAG = "any"
QUESTIONS_PER_PAGE = 50
# The agreement page lists this many questions and pairs (flagged first, then the most
# co-scored); every row is in the exports, and question health sorts by agreement.
AGREEMENT_ROWS = 50


class HealthFilterForm(forms.Form):
    flag = forms.ChoiceField(label="Flag", required=False)
    level = forms.ChoiceField(label="Level", required=False)
    topic = forms.ChoiceField(label="Topic", required=False)
    # Set by the column headings' links; kept in a hidden field so filtering keeps the order.
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        widget=forms.HiddenInput,
        choices=[("", "Flags first")]
        + [(f"{sign}{key}", heading) for key, (heading, _) in SORTS.items() for sign in ("", "-")],
    )

    def __init__(self, *args, snapshot: measuring.Snapshot, **kwargs):
        super().__init__(*args, **kwargs)
        levels_asked = {lv for label in snapshot.questions.values() for lv in label.levels}
        topics_asked = {t for label in snapshot.questions.values() for t in label.topics}
        self.fields["flag"].choices = [("", "Any or none"), (ANY_FLAG, "Any flag")] + [
            (slug, flag[:1].upper() + flag[1:]) for slug, flag in FLAGS.items()
        ]
        self.fields["level"].choices = [("", "Every level")] + [
            (slug, name) for slug, name in snapshot.levels.items() if slug in levels_asked
        ]
        known_topics = [(slug, name) for slug, name in snapshot.topics.items()]
        self.fields["topic"].choices = [("", "Every topic")] + [
            (slug, name) for slug, name in known_topics if slug in topics_asked
        ]

    def sort_key(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("sort"):
            return self.cleaned_data["sort"]
        return DEFAULT_SORT

    def rows(self, rows: list[HealthRow]) -> list[HealthRow]:
        if self.is_bound and not self.is_valid():
            return []
        data = self.cleaned_data if self.is_bound else {}
        flag, level, topic = data.get("flag"), data.get("level"), data.get("topic")
        if flag == ANY_FLAG:
            rows = [r for r in rows if r.q.flags]
        elif flag:
            rows = [r for r in rows if FLAGS[flag] in r.q.flags]
        if level:
            rows = [r for r in rows if level in r.levels]
        if topic:
            rows = [r for r in rows if topic in r.topics]
        return sort_rows(rows, self.sort_key())


def sort_rows(rows: list[HealthRow], sort: str) -> list[HealthRow]:
    """By the column ``sort`` (``-`` first: highest first), rows without a value last, then by
    question text: the order is total, so a page reads the same every time."""
    key = sort.lstrip("-")
    value_of = SORTS[key][1]
    by_text = sorted(rows, key=lambda r: (r.text.lower(), r.q.question_id))
    present = [r for r in by_text if value_of(r) is not None]
    missing = [r for r in by_text if value_of(r) is None]
    present.sort(key=value_of, reverse=sort.startswith("-"))
    return present + missing


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


def _difficulty_chart(rows: list[HealthRow]) -> charts.Scatter:
    plotted = [r for r in rows if r.q.difficulty is not None]
    largest = max((abs(r.q.difficulty or 0) for r in plotted), default=1.0)
    edge = max(1.0, math.ceil(largest * 2) / 2)
    expected = sorted(
        {
            (r.q.tagged_difficulty, r.q.expected_difficulty)
            for r in plotted
            if r.q.expected_difficulty is not None
        }
    )
    line = [expected[0], expected[-1]] if len(expected) > 1 else []
    return charts.scatter(
        [
            (
                float(r.q.tagged_difficulty),
                float(r.q.difficulty or 0),
                r.text,
                bool({measures.FLAG_TOO_EASY, measures.FLAG_TOO_HARD} & set(r.q.flags)),
            )
            for r in sorted(plotted, key=lambda r: r.q.difficulty or 0)
        ],
        x_range=(0.5, 5.5),
        y_range=(-edge, edge),
        x_ticks=[1, 2, 3, 4, 5],
        y_ticks=[-edge, 0, edge],
        line=line,
        spread=0.6,
    )


@require_GET
@require(READ_QUESTION_HEALTH)
@vary_on_headers("HX-Request")
def questions(request):
    snapshot = measuring.current()
    form = HealthFilterForm(request.GET or None, snapshot=snapshot)
    all_rows = [
        HealthRow(
            q=q,
            text=snapshot.question_text(q.question_id),
            topics=snapshot.questions[q.question_id].topics
            if q.question_id in snapshot.questions
            else (),
            levels=snapshot.questions[q.question_id].levels
            if q.question_id in snapshot.questions
            else (),
            level_means=tuple(
                (snapshot.levels.get(slug, slug), m) for slug, m in q.mean_by_level.items()
            ),
        )
        for q in snapshot.measures.questions
    ]
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
        chart=_difficulty_chart(page.object_list),
        exports=_export_links("questions"),
        admin_links=request.user.has_perm("people.use_admin"),
    )
    return render(request, template, context)


def question_health(question_id: int) -> tuple[measuring.Snapshot, QuestionHealth | None]:
    """One question's row (None if never asked in a submitted interview): the admin shows it."""
    snapshot = measuring.current()
    found = next((q for q in snapshot.measures.questions if q.question_id == question_id), None)
    return snapshot, found
