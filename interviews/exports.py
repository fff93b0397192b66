"""The downloads: a scorecard as Markdown, CSV or JSON; the measures pages' tables as CSV or JSON.

Each family is one small registry in the shape of pretix's exporters (a key, a label, a content
type, a render function): the URL, the view and the links all read it, so a new format is one
entry here. Nothing here runs a query: a scorecard comes loaded (``reports.build_scorecard``)
with its amendments, the measures come from their snapshot.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from config.csv_safety import neutralise
from questionbank.models import Kind

from . import measures
from .reports import Scorecard, describe_change, display_name, format_seconds, score_text

if TYPE_CHECKING:
    from .measuring import Snapshot
    from .models import Amendment, Interview, InterviewQuestion


def attachment(filename: str) -> str:
    """The ``Content-Disposition`` of a download saved as ``filename``."""
    header = content_disposition_header(True, filename)
    assert header is not None  # only an inline response without a name has none
    return header


# -- A scorecard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exporter:
    """One way to download a scorecard: ``/interviews/<pk>/export.<key>``."""

    key: str
    label: str  # the link says "Export <label>"
    content_type: str
    extension: str
    render: Callable[[Scorecard, Sequence[Amendment]], str | bytes]

    def filename(self, interview: Interview) -> str:
        name = slugify(interview.candidate.name) or "candidate"
        day = interview.submitted_at.date().isoformat() if interview.submitted_at else "draft"
        return f"scorecard-{name}-{day}-{interview.pk}.{self.extension}"


CSV_COLUMNS = [
    "position",
    "text",
    "topics",
    "kind",
    "difficulty",
    "score",
    "score_label",
    "skipped",
    "notes",
    "seconds",
]


def question_row(item: InterviewQuestion) -> dict[str, Any]:
    return {
        "position": item.position,
        "text": item.text,
        "topics": item.topic_names(),
        "kind": item.kind,
        "difficulty": item.difficulty,
        "score": item.score,
        "score_label": item.score_label,
        "skipped": item.skipped,
        "notes": item.notes,
        "seconds": item.seconds_spent,
    }


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_data(card: Scorecard, amendments: Sequence[Amendment] = ()) -> dict[str, Any]:
    interview = card.interview
    return {
        "interview": {
            "id": interview.pk,
            "title": interview.title,
            "status": interview.status,
            "candidate": interview.candidate.name,
            "interviewer": display_name(interview.interviewer),
            "level": interview.level.name,
            "planned_minutes": interview.planned_minutes,
            "started_at": _when(interview.started_at),
            "submitted_at": _when(interview.submitted_at),
            "duration_seconds": interview.elapsed_seconds() if interview.started_at else 0,
        },
        "recommendation": interview.recommendation,
        "recommendation_label": interview.get_recommendation_display(),
        "summary": interview.summary,
        "questions": [question_row(item) for item in card.items],
        "topics": [
            {
                "slug": t.slug,
                "name": t.name,
                "questions": t.questions,
                "scores": t.mean.scores,
                "skipped": t.skipped,
                "unscored": t.unscored,
                "mean": t.mean.as_float,
            }
            for t in card.topics
        ],
        "overall": {
            "scores": card.overall.scores,
            "skipped": card.skipped,
            "unscored": card.unscored,
            "mean": card.overall.as_float,
        },
        "amendments": [
            {
                "user": display_name(a.user),
                "created_at": _when(a.created_at),
                "reason": a.reason,
                "changes": a.changes,
            }
            for a in amendments
        ],
    }


def export_json(card: Scorecard, amendments: Sequence[Amendment] = ()) -> str:
    return json.dumps(export_data(card, amendments), ensure_ascii=False, indent=2)


def export_csv(card: Scorecard, amendments: Sequence[Amendment] = ()) -> str:
    """One row per question (the amendments are not in it). Topics are joined with '; ';
    booleans are 'yes'/'no'; a question without a score has an empty score cell; a text cell a
    spreadsheet would run as a formula starts with a quote (config.csv_safety)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for item in card.items:
        row = question_row(item)
        row["topics"] = "; ".join(row["topics"])
        row["score"] = "" if item.score is None else item.score
        row["skipped"] = "yes" if item.skipped else "no"
        writer.writerow({name: neutralise(value) for name, value in row.items()})
    return out.getvalue()


def export_markdown(card: Scorecard, amendments: Sequence[Amendment] = ()) -> str:
    """The scorecard as Markdown (``templates/interviews/exports/scorecard.md``): what people
    typed is escaped by the template's filters (``templatetags/markdown_text.py``)."""
    interview = card.interview
    kinds = dict(Kind.choices)
    context = {
        "interview": interview,
        "card": card,
        "interviewer": display_name(interview.interviewer),
        "started": _when(interview.started_at) or "–",
        "submitted": _when(interview.submitted_at) or "–",
        "questions": [
            {
                "item": item,
                "topics": ", ".join(item.topic_names()),
                "kind": kinds.get(item.kind, item.kind),
                "score": "skipped" if item.skipped else (score_text(item.score) or "not scored"),
                "time": format_seconds(item.seconds_spent),
            }
            for item in card.items
        ],
        "amendments": [
            {
                "when": _when(a.created_at),
                "user": display_name(a.user),
                "reason": a.reason,
                "changes": [describe_change(change) for change in a.changes],
            }
            for a in amendments
        ],
    }
    return render_to_string("interviews/exports/scorecard.md", context)


SCORECARD_EXPORTS: dict[str, Exporter] = {
    e.key: e
    for e in (
        Exporter("md", "Markdown", "text/markdown; charset=utf-8", "md", export_markdown),
        Exporter("csv", "CSV", "text/csv; charset=utf-8", "csv", export_csv),
        Exporter("json", "JSON", "application/json; charset=utf-8", "json", export_json),
    )
}


class ScorecardExportConverter:
    """The URL's ``export.<key>``: only the registry's keys match (any other is a 404); the view
    receives the ``Exporter``."""

    regex = "|".join(re.escape(key) for key in SCORECARD_EXPORTS)

    def to_python(self, value: str) -> Exporter:
        return SCORECARD_EXPORTS[value]

    def to_url(self, value: Exporter | str) -> str:
        return value.key if isinstance(value, Exporter) else value


# -- The measures pages' tables ----------------------------------------------------------------


@dataclass(frozen=True)
class MeasureTable:
    """One measure as a flat table: what a measures page's download writes."""

    name: str  # "agreement", "calibration" or "questions"
    computed_at: datetime
    rows: list[dict[str, measures.Cell]]


@dataclass(frozen=True)
class TableExporter:
    """One way to download a measures table: ``/measures/<name>.<key>``."""

    key: str
    label: str
    content_type: str
    render: Callable[[MeasureTable], str]

    def filename(self, table: MeasureTable) -> str:
        return f"measures-{table.name}-{table.computed_at:%Y%m%d-%H%M}.{self.key}"


def table_json(table: MeasureTable) -> str:
    data = {"measure": table.name, "computed_at": table.computed_at.isoformat(), "rows": table.rows}
    return json.dumps(data, indent=1, ensure_ascii=False)


def table_csv(table: MeasureTable) -> str:
    """The rows' keys as the header; a cell a spreadsheet would run as a formula starts with a
    quote. No rows, no header: an empty file."""
    out = io.StringIO()
    if table.rows:
        writer = csv.DictWriter(out, fieldnames=list(table.rows[0]), quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        for row in table.rows:
            writer.writerow({key: neutralise(value) for key, value in row.items()})
    return out.getvalue()


TABLE_EXPORTS: dict[str, TableExporter] = {
    e.key: e
    for e in (
        TableExporter("csv", "CSV", "text/csv; charset=utf-8", table_csv),
        TableExporter("json", "JSON", "application/json", table_json),
    )
}


def measure_table(snapshot: Snapshot, name: str) -> MeasureTable:
    """``measures.tables()``'s table ``name`` with a readable label beside each id (first
    column): a topic's name, a question's text, the interviewers' names."""
    tables = measures.tables(snapshot.measures)

    def agreement_label(row: dict[str, measures.Cell]) -> str:
        key = str(row["key"])
        if row["scope"] == "topic":
            return snapshot.topics.get(key, key)
        if row["scope"] == "question":
            return snapshot.question_text(int(key))
        if row["scope"] == "pair":
            a, b = (int(x) for x in key.split("-"))
            return f"{snapshot.person(a)} and {snapshot.person(b)}"
        return "All co-scored answers"

    labelled = {
        "agreement": [{"label": agreement_label(r), **r} for r in tables["agreement"]],
        "calibration": [
            {"name": snapshot.person(int(str(r["interviewer"]))), **r}
            for r in tables["calibration"]
        ],
        "questions": [
            {"text": snapshot.question_text(int(str(r["question"]))), **r}
            for r in tables["questions"]
        ],
    }
    return MeasureTable(name=name, computed_at=snapshot.computed_at, rows=labelled[name])
