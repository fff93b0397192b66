"""A simulated organisation written straight into the database, for the measures' tests, the
bench and the screenshots: ``interviews.simulation.simulate`` rows saved with ``bulk_create``
(a dozen statements whatever the size), not through the services (which ``simulate_hiring``
uses, one interview at a time).

Every simulated interview becomes a submitted interview in a closed loop with a decision; its
first rater's sheet is the interview's own, a co-scorer's the ``CoScore`` lines of a submitted
``CoScorer``. Sheets recommend hire at the simulation's cutoff, the loops hire by it too.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from interviews.models import (
    Candidate,
    CoScore,
    CoScorer,
    Decision,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Loop,
    LoopStage,
    LoopStatus,
    Recommendation,
)
from interviews.simulation import Simulation
from questionbank.models import Kind, Level, Question, Topic, rubrics_by_kind

FIRST = [
    "Ines",
    "Omar",
    "Hana",
    "Cora",
    "Ada",
    "Bo",
    "Cy",
    "Di",
    "Eva",
    "Finn",
    "Gus",
    "Hal",
    "Ida",
    "Jo",
    "Kai",
    "Lea",
    "Max",
    "Nia",
    "Oto",
    "Pia",
]
LAST = [
    "Moreau",
    "Novak",
    "Rossi",
    "Silva",
    "Tanaka",
    "Umar",
    "Varga",
    "Weber",
    "Young",
    "Zhou",
    "Abel",
    "Berg",
    "Costa",
    "Dahl",
]


@dataclass
class Written:
    users: list  # interviewer index -> User
    questions: list[Question]  # simulated question index -> Question
    candidates: list[Candidate]
    interviews: list[Interview]  # simulated interview index -> Interview
    hiring_manager: object


def _levels(slugs) -> dict[str, Level]:
    levels = {lv.slug: lv for lv in Level.objects.filter(slug__in=slugs)}
    for rank, slug in enumerate(slugs, start=1):
        if slug not in levels:
            levels[slug] = Level.objects.create(name=slug.title(), slug=slug, rank=rank)
    return levels


def _questions(sim: Simulation, existing: list[Question] | None, prefix: str) -> list[Question]:
    """The simulated questions: ``existing`` ones (their difficulty set to the simulated tag)
    or new ones, one per simulated question."""
    truth, s = sim.truth, sim.truth.settings
    if existing is not None:
        chosen = list(existing[: s.questions])
        for q, question in enumerate(chosen):
            question.difficulty = int(truth.tagged_difficulty[q])
            question.estimated_minutes = int(truth.estimated_minutes[q])
        Question.objects.bulk_update(chosen, ["difficulty", "estimated_minutes"])
        return chosen
    topics = {t.slug: t for t in Topic.objects.filter(slug__in=s.topics)}
    for position, slug in enumerate(s.topics, start=100):
        if slug not in topics:
            topics[slug] = Topic.objects.create(name=slug.title(), slug=slug, position=position)
    made = Question.objects.bulk_create(
        Question(
            text=f"Simulated question {prefix}{q + 1}: {s.topics[q % len(s.topics)]} at tag "
            f"{int(truth.tagged_difficulty[q])}?",
            kind=Kind.CONCEPTUAL,
            difficulty=int(truth.tagged_difficulty[q]),
            estimated_minutes=int(truth.estimated_minutes[q]),
        )
        for q in range(s.questions)
    )
    Question.topics.through.objects.bulk_create(
        Question.topics.through(
            question_id=question.pk, topic_id=topics[s.topics[q % len(s.topics)]].pk
        )
        for q, question in enumerate(made)
    )
    return made


@transaction.atomic
def write_simulation(
    sim: Simulation, *, questions: list[Question] | None = None, prefix: str = "sim"
) -> Written:
    s = sim.truth.settings
    User = get_user_model()
    now = timezone.now()
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}{r}",
            first_name=FIRST[r % len(FIRST)],
            last_name=LAST[(r // len(FIRST) + r) % len(LAST)],
            email=f"{prefix}{r}@example.com",
        )
        for r in range(s.interviewers)
    )
    interviewers = Group.objects.get(name="Interviewers")
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=interviewers.pk) for u in users
    )
    manager = User.objects.create(username=f"{prefix}-manager", first_name="Hana")
    manager.groups.add(Group.objects.get(name="Hiring managers"))
    levels = _levels(s.levels)
    bank = _questions(sim, questions, prefix)
    rubrics = rubrics_by_kind()
    fresh = {
        q.pk: q
        for q in Question.objects.filter(pk__in=[b.pk for b in bank]).prefetch_related("topics")
    }
    snapshots = {
        q: InterviewQuestion.snapshot_of(fresh[question.pk], rubrics)
        for q, question in enumerate(bank)
    }

    by_interview: dict[int, list] = defaultdict(list)
    for r in sim.ratings:
        by_interview[r.interview_id].append(r)
    candidate_level = {r.candidate_id: r.level for rows in by_interview.values() for r in rows[:1]}
    candidates = Candidate.objects.bulk_create(
        Candidate(
            name=f"Candidate {c + 1}",
            email=f"{prefix}-candidate{c + 1}@example.com",
            level=levels[candidate_level.get(c, s.levels[0])],
            created_by=manager,
        )
        for c in range(s.candidates)
    )
    scores_of: dict[int, list[int]] = defaultdict(list)
    for r in sim.ratings:
        if r.score is not None:
            scores_of[r.candidate_id].append(r.score)

    def hires(scores: list[int]) -> bool:
        return bool(scores) and sum(scores) / len(scores) >= s.hire_cutoff

    loops = Loop.objects.bulk_create(
        Loop(
            candidate=candidate,
            hiring_manager=manager,
            status=LoopStatus.CLOSED,
            closed_at=now,
            decision=Decision.HIRE if hires(scores_of[c]) else Decision.NO_HIRE,
            decided_on=now.date() - datetime.timedelta(days=c % 90),
            decided_by=manager,
        )
        for c, candidate in enumerate(candidates)
    )
    order = sorted(by_interview)
    primary = {i: by_interview[i][0].interviewer_id for i in order}

    def recommendation(rows, rater) -> str:
        scores = [r.score for r in rows if r.interviewer_id == rater and r.score is not None]
        return Recommendation.HIRE if hires(scores) else Recommendation.NO_HIRE

    interviews = Interview.objects.bulk_create(
        Interview(
            candidate=candidates[by_interview[i][0].candidate_id],
            interviewer=users[primary[i]],
            level=levels[by_interview[i][0].level],
            title=f"Interview {i + 1}",
            planned_minutes=60,
            status=InterviewStatus.SUBMITTED,
            started_at=now - datetime.timedelta(days=i % 300, hours=1),
            submitted_at=now - datetime.timedelta(days=i % 300),
            recommendation=recommendation(by_interview[i], primary[i]),
            summary="Simulated.",
        )
        for i in order
    )
    made = dict(zip(order, interviews, strict=True))
    stage_count: dict[int, int] = defaultdict(int)
    stages = []
    for i in order:
        c = by_interview[i][0].candidate_id
        stage_count[c] += 1
        stages.append(
            LoopStage(
                loop=loops[c],
                name=f"Stage {stage_count[c]}",
                position=stage_count[c],
                interviewer=users[primary[i]],
                interview=made[i],
            )
        )
    LoopStage.objects.bulk_create(stages, batch_size=2000)
    items, co_lines, sheets = [], [], {}
    for i in order:
        position = 0
        for r in by_interview[i]:
            if r.interviewer_id == primary[i]:
                position += 1
                snap = snapshots[r.question_id]
                items.append(
                    InterviewQuestion(
                        interview=made[i],
                        position=position,
                        score=r.score,
                        skipped=r.skipped,
                        seconds_spent=r.seconds,
                        **snap,
                    )
                )
            else:
                sheets.setdefault((i, r.interviewer_id), []).append(r)
    items = InterviewQuestion.objects.bulk_create(items, batch_size=2000)
    item_of = {(it.interview_id, it.question_id): it for it in items}
    co_sheets = CoScorer.objects.bulk_create(
        CoScorer(
            interview=made[i],
            user=users[rater],
            added_by=users[primary[i]],
            submitted_at=made[i].submitted_at,
            recommendation=recommendation(rows, rater),
            summary="Co-scored (simulated).",
        )
        for (i, rater), rows in sheets.items()
    )
    for sheet, ((i, _rater), rows) in zip(co_sheets, sheets.items(), strict=True):
        for r in rows:
            co_lines.append(
                CoScore(
                    sheet=sheet,
                    item=item_of[(made[i].pk, bank[r.question_id].pk)],
                    score=r.score,
                    skipped=r.skipped,
                )
            )
    CoScore.objects.bulk_create(co_lines, batch_size=2000)
    return Written(
        users=users,
        questions=bank,
        candidates=candidates,
        interviews=[made[i] for i in order],
        hiring_manager=manager,
    )
