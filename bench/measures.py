"""The measures section of `make bench` (alone: `bench/run.py --measures`).

Writes, with bulk_create (tests/simulated.py, not through the services), a simulated
organisation of 5,000 submitted interviews with 50,000 scored items on the interviewers' own
sheets (10 per interview; 2,500 candidates in loops of two, 40 interviewers, 300 questions),
a fifth of the interviews co-scored (about 10,000 more lines), every loop decided. Then:

- the cold computation: ``measuring.compute()`` (read every sheet, fit, bootstrap), and a page
  that computes the figures (none kept yet);
- a page right after a submit: the latest figures, marked stale, the refresh queued (the
  worker computes them; with immediate tasks, as on SQLite, the page waits for them);
- each measures page and an export, cached: p50, p95 and queries over ``BENCH_REPEAT`` runs.

Goal (issue 13): every page p95 < 500 ms once cached, queries flat in the data's size.
"""

import os
import time

from django.test import Client

from .scale import measure

INTERVIEWS = int(os.environ.get("BENCH_MEASURES_INTERVIEWS", "5000"))
ITEMS_PER_INTERVIEW = 10
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
GOAL_MS = 500

PAGES = [
    ("measures overview", "/measures/", {}),
    ("agreement", "/measures/agreement/", {}),
    ("calibration", "/measures/calibration/", {}),
    ("question health", "/measures/questions/", {}),
    ("question health, sorted, htmx", "/measures/questions/?sort=-discrimination", {"htmx": 1}),
    ("question health, one flag", "/measures/questions/?flag=no-discrimination", {}),
    ("question health CSV", "/measures/questions.csv", {}),
    ("agreement JSON", "/measures/agreement.json", {}),
]


def build(log=print):
    from interviews.simulation import Settings, simulate
    from questionbank.models import Question
    from tests.simulated import write_simulation

    settings = Settings(
        candidates=INTERVIEWS // 2,
        interviewers=40,
        questions=300,
        questions_per_interview=ITEMS_PER_INTERVIEW,
        interviews_per_loop=2,
        co_scored_share=0.2,
        non_discriminating=15,
        mis_tagged=15,
        over_time=10,
    )
    start = time.perf_counter()
    sim = simulate(settings, seed=13)
    existing = list(Question.objects.order_by("pk")[: settings.questions])
    written = write_simulation(
        sim, questions=existing if len(existing) == settings.questions else None, prefix="bench"
    )
    log(
        f"  ... {len(written.interviews)} submitted interviews, {len(sim.ratings)} sheet lines "
        f"written in {time.perf_counter() - start:.1f} s"
    )
    return written


def figures(written) -> list[tuple[str, dict, str]]:
    from interviews import measuring
    from interviews.models import CoScore, InterviewQuestion

    rows = []
    client = Client()
    client.force_login(written.hiring_manager)
    items = InterviewQuestion.objects.filter(score__isnull=False).count()
    co = CoScore.objects.filter(score__isnull=False).count()
    rows.append(
        (
            f"data: {len(written.interviews)} interviews, {items} scored items, {co} co-scored",
            {},
            "",
        )
    )
    rows.append(("cold: compute the measures", measure(measuring.compute, repeat=3, warm=0), ""))

    def cold_page():
        from django.core.cache import cache

        cache.delete(measuring.LATEST_KEY)
        measuring._new_generation()
        return client.get("/measures/questions/")

    def after_submit():
        measuring._new_generation()
        return client.get("/measures/questions/")

    rows.append(("cold: a page computing the figures", measure(cold_page, repeat=3, warm=0), ""))
    from interviews.tasks import measures_refresh_task

    inline = not measures_refresh_task.get_backend().__class__.__name__.startswith("Database")
    rows.append(
        (
            "after a submit: tasks run inline, it computes"
            if inline
            else "after a submit: latest figures, refresh queued",
            measure(after_submit, repeat=3 if inline else REPEAT, warm=0),
            "" if inline else f"p95 < {GOAL_MS} ms",
        )
    )
    client.get("/measures/questions/")
    measuring.refresh(measuring.generation())  # what the worker does
    for label, url, options in PAGES:
        headers = {"HX-Request": "true"} if options.get("htmx") else {}
        result = measure(lambda url=url, headers=headers: client.get(url, headers=headers), REPEAT)
        goal = f"p95 < {GOAL_MS} ms"
        rows.append((label, result, goal))
    return rows


def report(rows, vendor: str, out=print):
    out(f"\nMeasures pages on {vendor} ({os.cpu_count()} cores), {REPEAT} runs each, cached\n")
    width = max(len(label) for label, _, _ in rows)
    out(f"{'':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'queries':>7}  goal")
    for label, m, goal in rows:
        if not m:
            out(label)
            continue
        met = ""
        if goal:
            met = "  met" if m["p95"] < GOAL_MS else "  MISSED"
        out(
            f"{label:<{width}}  {m['p50']:8.1f}  {m['p95']:8.1f}  {m['queries']:7d}  "
            f"{goal}{met}  {m['status']}"
        )


def main(out=print):
    from django.db import connection

    written = build(log=out)
    report(figures(written), connection.vendor, out=out)
