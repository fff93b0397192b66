"""Performance figures for Interview Kit: `make bench`, and `make bench-scale` (`--scale`).

Builds a throw-away database (SQLite file, or DATABASE_URL with a `_bench` suffix), fills it with
the real guide and a large synthetic bank, and reports timings and query counts of the main pages
and operations. Figures, not pass/fail: the query-count rules themselves are asserted in tests.

`--measures` (bench/measures.py): the measures section alone (the last one of `make bench`).

`--scale` (bench/scale.py): the hot pages at 312 and at 100,000 questions side by side, their
throughput under load against a floor page, and a locust load test of live interviews. Meant for
PostgreSQL (DATABASE_URL); on SQLite it runs, slowly.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
tmp = tempfile.mkdtemp(prefix="ik-bench-")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
else:
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROWS = []


def measure(label, fn, repeat=5):
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    status = getattr(result, "status_code", "")
    if status and status != 200:
        status = f"{status} -> {result.get('Location', '')}"
    ROWS.append((label, statistics.median(times), min(times), queries, status))
    return result


def admin_import(client, *, rows: int):
    """The admin's question import of a CSV of `rows` new questions: (preview, confirm)."""
    import csv
    import io
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from questionbank.models import Level, Topic

    levels = list(Level.objects.values_list("slug", flat=True))
    topics = list(Topic.objects.values_list("slug", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "text", "kind", "difficulty", "levels", "topics"])
    for i in range(rows):
        writer.writerow(
            [
                "",
                f"Bench import question {i}: how would you evaluate subject {i % 37}?",
                ["conceptual", "coding", "scenario"][i % 3],
                i % 5 + 1,
                ",".join(levels[: i % len(levels) + 1]),
                ",".join({topics[i % len(topics)], topics[(i * 7) % len(topics)]}),
            ]
        )
    content = out.getvalue().encode()
    state = {}

    def preview():
        upload = SimpleUploadedFile("bench.csv", content, content_type="text/csv")
        response = client.post(
            "/admin/questionbank/question/import/",
            {"resource": "0", "import_file": upload, "format": "0"},
        )
        html = response.content.decode()
        if 'name="import_file_name"' not in html:
            raise SystemExit("the bench import preview found errors")
        state["fields"] = dict(
            re.findall(
                r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"',
                html,
            )
        )
        return response

    def confirm():
        return client.post("/admin/questionbank/question/process_import/", state["fields"])

    return preview, confirm


def fresh_database():
    """An empty, migrated bench database."""
    db = connections["default"]
    if db.vendor == "postgresql":
        name = db.settings_dict["NAME"]
        db.close()
        with db._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def main():
    setup_test_environment()
    db = connections["default"]
    fresh_database()
    if "--scale" in sys.argv:
        from bench import scale

        scale.main()
        return
    if "--measures" in sys.argv:
        from bench import measures as measures_bench

        measures_bench.main()
        return

    from questionbank.models import Level
    from tests.factories import UserFactory

    bench_guide_import()
    user = UserFactory(username="bench", groups=["Interviewers"])
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    engineer = Level.objects.get(slug="engineer")
    bench_bank(client)
    candidate = bench_interview_pages(client, user, engineer)
    bench_interviews_list(client, user, engineer, candidate)
    print_rows(db.vendor)

    # The measures pages at 5,000 interviews and 50,000 scored items (issue 13).
    from bench import measures as measures_bench

    measures_bench.main()


def bench_guide_import():
    from questionbank.guide import decode, parse_guide

    guide_text = decode((ROOT / "fixtures" / "llm_guide.txt").read_bytes())
    measure("parse the guide (312 questions)", lambda: parse_guide(guide_text), repeat=20)
    measure(
        "import_guide, first run (writes 312)",
        lambda: call_command("import_guide", "fixtures/llm_guide.txt", verbosity=0),
        repeat=1,
    )
    measure(
        "import_guide, re-run (no change)",
        lambda: call_command("import_guide", "fixtures/llm_guide.txt", verbosity=0),
        repeat=3,
    )


def bench_bank(client):
    """The bank's pages and the admin at 3,000 and 10,000 questions, then the admin import."""
    from questionbank.models import Question
    from questionbank.similarity import similar_questions
    from tests.factories import make_bank

    for size in (3000, 10000):
        make_bank(size - Question.objects.count())
        n = Question.objects.count()
        measure(f"/bank/ full page, {n} questions", lambda: client.get("/bank/"))
        measure(
            f"/bank/ htmx search, {n} questions",
            lambda: client.get("/bank/?q=question+subject&page=3", headers={"HX-Request": "true"}),
        )
        measure(
            f"admin question list, {n} questions",
            lambda: client.get("/admin/questionbank/question/"),
        )
        measure(
            f"likely-duplicate check, {n} questions",
            lambda: similar_questions("How does attention scale with sequence length?"),
        )

    import_preview, import_confirm = admin_import(client, rows=1000)
    measure(f"admin import preview, 1000 rows ({n} in the bank)", import_preview, repeat=3)
    measure("admin import confirm, 1000 rows (writes them)", import_confirm, repeat=1)


def bench_interview_pages(client, user, engineer):
    """One interview of 40 questions through composer, live page and scorecard; its candidate."""
    from interviews import services
    from interviews.autocompose_services import autocompose_interview
    from questionbank.models import Question

    candidate = services.candidate_create(name="Bench Candidate", level=engineer, created_by=user)
    interview = services.interview_create(
        interviewer=user, candidate=candidate, level=engineer, planned_minutes=240
    )
    for question in Question.objects.active().for_level(engineer)[:40]:
        services.interview_add_question(interview=interview, question=question)
    measure(
        "composer page, 40 questions",
        lambda: client.get(f"/interviews/{interview.pk}/compose/?level=engineer"),
    )
    draft = services.interview_create(
        interviewer=user, candidate=candidate, level=engineer, planned_minutes=60
    )
    measure(
        "auto-compose 60 min from the engineer bank",
        lambda: autocompose_interview(interview=draft, topic_slugs=None, seed=7),
        repeat=3,
    )
    services.interview_start(interview=interview)
    measure("live page, 40 questions", lambda: client.get(f"/interviews/{interview.pk}/live/"))
    item = interview.items.first()
    measure(
        "score a question (htmx)",
        lambda: client.post(
            f"/interviews/{interview.pk}/items/{item.pk}/score/",
            {"score": "3"},
            headers={"HX-Request": "true"},
        ),
    )
    services.interview_submit(
        interview=interview, recommendation="hire", summary="bench", allow_unscored=True
    )
    measure("scorecard, 40 questions", lambda: client.get(f"/interviews/{interview.pk}/"))
    measure("candidate debrief", lambda: client.get(f"/candidates/{candidate.pk}/"))
    measure("dashboard", lambda: client.get("/"))
    return candidate


def bench_interviews_list(client, user, engineer, candidate):
    from datetime import timedelta

    from django.utils import timezone

    from interviews.models import Interview

    start = timezone.now()
    Interview.objects.bulk_create(
        Interview(
            candidate=candidate,
            interviewer=user,
            level=engineer,
            title=f"Bench interview {i}",
            planned_minutes=45,
            scheduled_at=start + timedelta(hours=i) if i % 2 else None,
        )
        for i in range(500)
    )
    measure("interviews page, 500 interviews", lambda: client.get("/interviews/"))
    measure(
        "interviews page, searched, sorted, page 3 (htmx)",
        lambda: client.get(
            "/interviews/?q=bench&sort=candidate&page=3", headers={"HX-Request": "true"}
        ),
    )


def print_rows(vendor):
    width = max(len(r[0]) for r in ROWS)
    print(f"\nInterview Kit benchmark on {vendor} ({os.cpu_count()} cores)\n")
    print(f"{'operation':<{width}}  {'median ms':>9}  {'best ms':>8}  {'queries':>7}  status")
    for label, median, best, queries, status in ROWS:
        print(f"{label:<{width}}  {median:9.1f}  {best:8.1f}  {queries:7d}  {status}")


if __name__ == "__main__":
    main()
