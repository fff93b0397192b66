"""Fill the database with simulated hiring whose truth is known (``interviews.simulation``).

Everything is written through the app's services: users with roles, candidates, loops with
their stages, interviews with their questions, scores and seconds spent, co-scorers with their
sheets, submissions and the loops' decisions; every page works on the result. The scores are
exactly the pure simulation's (``simulate(settings, seed)``): the same seed gives the same
numbers.

The simulation's questions are bank questions of the tagged difficulty the model gives them
(chosen with the seed); when the bank has too few, simulated questions are created, their text
starting with "[Simulated]". The seconds spent are the model's, scaled to the chosen question's
estimate, so "runs over time" means the same.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from interviews import coscoring, services
from interviews.models import CoScorerRole, Decision, Recommendation
from interviews.simulation import Settings, Simulation, simulate, true_alpha
from people.roles import Role
from people.services import user_set_roles
from questionbank.models import Kind, Level, Question, QuestionStatus, Topic

MAX_SECONDS_PER_CALL = 3600


class Command(BaseCommand):
    help = (
        "Simulate hiring with a known truth (candidate ability, interviewer leniency, question "
        "difficulty and discrimination, planted bad questions) and write it through the app's "
        "services. Prints the truth; --truth-out writes it as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--candidates", type=int, default=300)
        parser.add_argument("--interviewers", type=int, default=12)
        parser.add_argument("--questions-per-interview", type=int, default=6)
        parser.add_argument("--co-scored-share", type=float, default=0.3)
        parser.add_argument("--questions", type=int, default=60, help="questions in play")
        parser.add_argument("--interviews-per-loop", type=int, default=2)
        parser.add_argument("--rater-noise", type=float, default=0.5)
        parser.add_argument("--leniency-sd", type=float, default=0.3)
        parser.add_argument("--prefix", default="sim", help="usernames start with this")
        parser.add_argument(
            "--password", default="", help="every simulated login's password (none: no login)"
        )
        parser.add_argument("--truth-out", type=Path, help="write the truth here as JSON")

    def handle(self, *args, **o):
        try:
            settings = Settings(
                candidates=o["candidates"],
                interviewers=o["interviewers"],
                questions=o["questions"],
                questions_per_interview=o["questions_per_interview"],
                interviews_per_loop=o["interviews_per_loop"],
                co_scored_share=o["co_scored_share"],
                rater_noise=o["rater_noise"],
                leniency_sd=o["leniency_sd"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not Level.objects.exists():
            raise CommandError("No levels: load the bank first (manage.py load_bank).")
        started = timezone.now()
        sim = simulate(settings, o["seed"])
        with transaction.atomic():
            written = write(sim, seed=o["seed"], prefix=o["prefix"], password=o["password"])
        seconds = (timezone.now() - started).total_seconds()
        truth = truth_json(sim, written, seed=o["seed"])
        self.stdout.write(summary(sim, written, truth, seconds))
        if o["password"]:
            self.stdout.write(
                f"Log in as {written.manager.username} (hiring manager) or "
                f"{written.interviewers[0].username} … {written.interviewers[-1].username} "
                f"(interviewers) with the password {o['password']}"
            )
        if o["truth_out"]:
            o["truth_out"].write_text(json.dumps(truth, indent=1))
            self.stdout.write(f"Truth written to {o['truth_out']}")


class Written:
    """The database ids the simulation's indexes became."""

    def __init__(self):
        self.manager = None
        self.interviewers: list = []  # index -> user
        self.questions: list[Question] = []  # index -> question
        self.candidates: list = []  # index -> candidate
        self.interviews: dict[int, int] = {}  # simulated interview index -> interview id
        self.co_sheets = 0
        self.decisions: dict[int, bool] = {}


def write(sim: Simulation, *, seed: int, prefix: str, password: str) -> Written:
    s = sim.truth.settings
    out = Written()
    User = get_user_model()
    names = [f"{prefix}-manager"] + [
        f"{prefix}-interviewer-{r + 1:02d}" for r in range(s.interviewers)
    ]
    if User.objects.filter(username__in=names).exists():
        raise CommandError(
            f"Users named {prefix}-… exist already: use another --prefix or a fresh database."
        )
    hashed = make_password(password or None)
    manager = User.objects.create(username=names[0], password=hashed, first_name="Sim manager")
    user_set_roles(user=manager, roles=[Role.HIRING_MANAGER, Role.INTERVIEWER], actor=None)
    out.manager = User.objects.get(pk=manager.pk)
    for r, name in enumerate(names[1:], 1):
        user = User.objects.create(username=name, password=hashed, first_name=f"Interviewer {r}")
        user_set_roles(user=user, roles=[Role.INTERVIEWER], actor=None)
        out.interviewers.append(User.objects.get(pk=user.pk))
    out.questions = _questions(sim, seed)
    levels = list(Level.objects.order_by("rank"))
    by_interview: dict[int, list] = defaultdict(list)
    for row in sim.ratings:
        by_interview[row.interview_id].append(row)
    by_candidate: dict[int, list[int]] = defaultdict(list)
    for interview_index in by_interview:
        by_candidate[by_interview[interview_index][0].candidate_id].append(interview_index)
    for c in range(s.candidates):
        level = levels[c % len(levels)]
        candidate = services.candidate_create(
            name=f"Sim candidate {c + 1:04d}",
            level=level,
            created_by=out.manager,
            email=f"{prefix}-candidate-{c + 1:04d}@example.com",
        )
        out.candidates.append(candidate)
        loop = services.loop_open(candidate=candidate, hiring_manager=out.manager)
        scores = []
        for number, interview_index in enumerate(sorted(by_candidate[c]), 1):
            rows = by_interview[interview_index]
            scores += [r.score for r in rows if r.score is not None]
            out.interviews[interview_index] = _interview(out, loop, number, rows)
        hire = bool(scores) and float(np.mean(scores)) >= s.hire_cutoff
        out.decisions[c] = hire
        coscoring.loop_decide(
            loop=loop,
            decision=Decision.HIRE if hire else Decision.NO_HIRE,
            actor=out.manager,
            note="Simulated decision: the mean over every sheet of the loop.",
        )
    return out


def _interview(out: Written, loop, number: int, rows) -> int:
    """One simulated interview: its stage, questions, scores, time, co-scorer, submissions."""
    primary = rows[0].interviewer_id
    interviewer = out.interviewers[primary]
    stage = services.stage_add(
        loop=loop, name=f"Interview {number}", interviewer=interviewer, actor=out.manager
    )
    interview = services.stage_create_interview(stage=stage, interviewer=interviewer)
    asked = list(dict.fromkeys(r.question_id for r in rows))
    items = services.interview_replace_questions(
        interview=interview,
        questions=[out.questions[q] for q in asked],
        reasons=["Simulated"] * len(asked),
    )
    item_of = dict(zip(asked, items, strict=True))
    co_raters = sorted({r.interviewer_id for r in rows} - {primary})
    sheets = {
        rater: coscoring.coscorer_add(
            interview=interview,
            user=out.interviewers[rater],
            actor=interviewer,
            role=CoScorerRole.PANEL,
        )
        for rater in co_raters
    }
    out.co_sheets += len(sheets)
    services.interview_start(interview=interview)
    seconds = {}
    for row in rows:
        item = item_of[row.question_id]
        if row.interviewer_id == primary:
            services.item_score(item=item, score=row.score, skipped=row.skipped)
            seconds[item.pk] = round(
                row.seconds * item.estimated_minutes / max(row.estimated_minutes, 1)
            )
        else:
            coscoring.coscore_score(
                sheet=sheets[row.interviewer_id], item=item, score=row.score, skipped=row.skipped
            )
    while any(seconds.values()):
        step = {pk: min(left, MAX_SECONDS_PER_CALL) for pk, left in seconds.items()}
        services.interview_add_times(interview=interview, seconds=step)
        seconds = {pk: left - step[pk] for pk, left in seconds.items() if left > step[pk]}
    services.interview_submit(
        interview=interview,
        **_verdict([r.score for r in rows if r.interviewer_id == primary]),
        allow_unscored=True,
    )
    for rater, sheet in sheets.items():
        coscoring.coscorer_submit(
            sheet=sheet,
            **_verdict([r.score for r in rows if r.interviewer_id == rater]),
            allow_unscored=True,
        )
    return interview.pk


def _verdict(scores: list[int | None]) -> dict:
    """The sheet recommends hire at a mean score of 2.75 or more (the model's cutoff)."""
    scored = [s for s in scores if s is not None]
    mean = float(np.mean(scored)) if scored else 0.0
    cutoff = Settings().hire_cutoff
    if mean >= 3.5:
        recommendation = Recommendation.STRONG_HIRE
    elif mean >= cutoff:
        recommendation = Recommendation.HIRE
    elif mean >= 1.75:
        recommendation = Recommendation.NO_HIRE
    else:
        recommendation = Recommendation.STRONG_NO_HIRE
    return {
        "recommendation": recommendation,
        "summary": f"Simulated sheet: mean score {mean:.2f} over {len(scored)} scored.",
    }


def _questions(sim: Simulation, seed: int) -> list[Question]:
    """A bank question of the model's tagged difficulty for each simulated question (chosen
    with the seed, no repeats); a new "[Simulated]" question where the bank has none left."""
    truth = sim.truth
    rng = np.random.default_rng([seed, 13])
    pool: dict[int, list[int]] = defaultdict(list)
    for pk, difficulty in (
        Question.objects.filter(status=QuestionStatus.ACTIVE)
        .order_by("id")
        .values_list("id", "difficulty")
    ):
        pool[difficulty].append(pk)
    for ids in pool.values():
        rng.shuffle(ids)
    chosen: list[int | None] = [
        pool[int(d)].pop() if pool[int(d)] else None for d in truth.tagged_difficulty
    ]
    by_pk = Question.objects.prefetch_related("topics").in_bulk([pk for pk in chosen if pk])
    questions = []
    topics = list(Topic.objects.order_by("position", "id")[:6])
    levels = list(Level.objects.all())
    for q, pk in enumerate(chosen):
        if pk is not None:
            questions.append(by_pk[pk])
            continue
        question = Question.objects.create(
            text=f"[Simulated] Question {q + 1} of the simulated organisation.",
            kind=Kind.CONCEPTUAL,
            difficulty=int(truth.tagged_difficulty[q]),
            estimated_minutes=int(truth.estimated_minutes[q]),
            source="simulate_hiring",
        )
        question.levels.set(levels)
        if topics:
            question.topics.set([topics[q % len(topics)]])
        questions.append(Question.objects.prefetch_related("topics").get(pk=question.pk))
    return questions


def truth_json(sim: Simulation, out: Written, *, seed: int) -> dict:
    t = sim.truth
    s = t.settings
    return {
        "seed": seed,
        "settings": {k: getattr(s, k) for k in s.__dataclass_fields__},
        "true_alpha": true_alpha(t),
        "interviewers": [
            {"index": r, "user_id": u.pk, "username": u.username, "leniency": float(t.leniency[r])}
            for r, u in enumerate(out.interviewers)
        ],
        "questions": [
            {
                "index": q,
                "question_id": question.pk,
                "tagged_difficulty": int(t.tagged_difficulty[q]),
                "true_level": int(t.true_tag[q]),
                "difficulty": float(t.difficulty[q]),
                "discrimination": float(t.discrimination[q]),
                "non_discriminating": q in t.non_discriminating,
                "mis_tagged": q in t.mis_tagged,
                "over_time": q in t.over_time,
            }
            for q, question in enumerate(out.questions)
        ],
        "candidates": [
            {
                "index": c,
                "candidate_id": candidate.pk,
                "ability": float(t.ability[c]),
                "hired": out.decisions[c],
            }
            for c, candidate in enumerate(out.candidates)
        ],
    }


def summary(sim: Simulation, out: Written, truth: dict, seconds: float) -> str:
    t = sim.truth
    lines = [
        f"Simulated {len(out.candidates)} candidates, {len(out.interviews)} interviews "
        f"({out.co_sheets} co-scored), {len(sim.ratings)} sheet lines, "
        f"{sum(out.decisions.values())} hires, in {seconds:.1f} s.",
        f"True ordinal alpha of the model: {truth['true_alpha']:.3f}",
        "Interviewer leniency (score points, latent scale):",
    ]
    lines += [f"  {u.username:<28} {t.leniency[r]:+.2f}" for r, u in enumerate(out.interviewers)]
    for label, planted in (
        ("Non-discriminating", t.non_discriminating),
        ("Mis-tagged", t.mis_tagged),
        ("Over time", t.over_time),
    ):
        ids = ", ".join(str(out.questions[q].pk) for q in sorted(planted))
        lines.append(f"{label} questions (ids): {ids or 'none'}")
    return "\n".join(lines)
