"""manage.py simulate_hiring: the pure simulation's scores land in the database through the
services, the same seed gives the same numbers, and the measures on the database's rows
recover the truth."""

import io
import json
from collections import Counter

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from interviews import measures
from interviews.models import CoScorer, Interview, InterviewStatus, Loop
from interviews.ratings import hire_rows, ratings
from interviews.simulation import Settings, simulate


def run(tmp_path, *, seed=7, candidates=10, interviewers=4, share=0.5, prefix="sim", extra=()):
    out = tmp_path / f"truth-{prefix}.json"
    stdout = io.StringIO()
    call_command(
        "simulate_hiring",
        "--seed", str(seed),
        "--candidates", str(candidates),
        "--interviewers", str(interviewers),
        "--questions-per-interview", "3",
        "--co-scored-share", str(share),
        "--questions", "20",
        "--prefix", prefix,
        "--truth-out", str(out),
        *extra,
        stdout=stdout,
    )  # fmt: skip
    return json.loads(out.read_text()), stdout.getvalue()


def keyed(truth, rows):
    """Database rows as (candidate, rater, question) indexes of the simulation -> score."""
    candidate = {c["candidate_id"]: c["index"] for c in truth["candidates"]}
    rater = {i["user_id"]: i["index"] for i in truth["interviewers"]}
    question = {q["question_id"]: q["index"] for q in truth["questions"]}
    return Counter(
        (candidate[r.candidate_id], rater[r.interviewer_id], question[r.question_id], r.score)
        for r in rows
        if r.candidate_id in candidate
    )


def test_the_database_holds_the_pure_simulations_scores(tmp_path, level, bank):
    truth, printed = run(tmp_path)
    pure = simulate(
        Settings(
            candidates=10, interviewers=4, questions=20, questions_per_interview=3,
            co_scored_share=0.5,
        ),
        7,
    )  # fmt: skip
    expected = Counter(
        (r.candidate_id, r.interviewer_id, r.question_id, r.score) for r in pure.ratings
    )
    assert keyed(truth, ratings()) == expected
    assert Interview.objects.filter(status=InterviewStatus.SUBMITTED).count() == 20
    assert (
        CoScorer.objects.submitted().count()
        == len({(r.interview_id, r.interviewer_id) for r in pure.ratings}) - 20
    )
    assert Loop.objects.exclude(decision="").count() == 10
    assert sorted(h.decision_hire for h in hire_rows()) == sorted(
        h.decision_hire for h in pure.hires
    )
    assert "Simulated 10 candidates, 20 interviews" in printed
    assert "sim-interviewer-01" in printed
    # Questions the small bank lacks are created and marked.
    assert any(q["question_id"] > bank[-1].pk for q in truth["questions"])


def test_the_same_seed_gives_the_same_numbers(tmp_path, level, bank):
    first, _ = run(tmp_path, prefix="a")
    first_rows = keyed(first, ratings())
    second, _ = run(tmp_path, prefix="b")
    second_ids = {c["candidate_id"] for c in second["candidates"]}
    second_rows = keyed(second, [r for r in ratings() if r.candidate_id in second_ids])
    assert first_rows == second_rows
    strip = lambda t: [{k: v for k, v in i.items() if k not in ("user_id", "username")} for i in t]  # noqa: E731
    assert strip(first["interviewers"]) == strip(second["interviewers"])
    assert first["true_alpha"] == second["true_alpha"]


def test_bad_settings_and_a_second_run_with_the_same_names_are_refused(tmp_path, level, bank):
    with pytest.raises(CommandError, match="a co-scored share between 0 and 1"):
        run(tmp_path, share=1.5)
    run(tmp_path, candidates=2)
    with pytest.raises(CommandError, match="use another --prefix"):
        run(tmp_path, candidates=2)


def test_the_measures_on_the_database_recover_the_interviewers_leniency(tmp_path, level, bank):
    """At 100 candidates and 12 interviewers (the issue asks N=300: ~45 s on SQLite on a
    loaded two-core machine, so the pure test in test_measures.py carries that size)."""
    truth, _ = run(tmp_path, seed=11, candidates=100, interviewers=12, share=0.3)
    rows = ratings()
    fit = measures.fit_model(rows)
    shown = [x for x in measures.calibrate(rows, fit) if x.estimate is not None]
    true = {i["user_id"]: i["leniency"] for i in truth["interviewers"]}
    assert len(shown) == 12
    corr = np.corrcoef([x.estimate for x in shown], [true[x.interviewer_id] for x in shown])
    assert corr[0, 1] >= 0.9
