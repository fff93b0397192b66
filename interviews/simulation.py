"""Simulated hiring with a known truth, to check the measures against it.

Pure: numpy and scipy, no Django. ``simulate(settings, seed)`` draws an organisation and its
loops and returns the truth with the rows the measures read (``measures.Rating`` and
``measures.HireRow``); the same seed gives the same organisation, loops and scores.

The generating model. Candidate c has ability theta_c ~ N(0, ability_sd^2); interviewer r a
leniency lambda_r ~ N(0, leniency_sd^2); question q a true difficulty level t_q in 1..5 and a
latent difficulty b_q = (t_q - 3) * difficulty_step + N(0, difficulty_jitter^2), and a
discrimination a_q ~ U(discrimination +/- discrimination_spread). A sheet's score is the latent

    y = a_q * theta_c - b_q + lambda_r + e,    e ~ N(0, rater_noise^2) per sheet,

cut at ``thresholds`` into 1..4 (an ordered-probit rater). Planted: ``non_discriminating``
questions have a_q = 0 (their scores say nothing about the candidate); ``mis_tagged`` ones
carry a tag three or four levels from their true one; ``over_time`` ones take 1.6 times their
estimate. Every other question is tagged with its true level.

A loop is ``interviews_per_loop`` interviews by distinct interviewers, each asking
``questions_per_interview`` questions drawn without repeats across the loop. A share
``co_scored_share`` of the interviews has a co-scorer (another interviewer, at random) scoring
the same answers on their own sheet. A question is skipped (on every sheet of that interview)
with probability ``skip_rate``. Each sheet recommends hire when its mean score reaches
``hire_cutoff``; the loop hires when the mean over all its sheets does.

``true_alpha(truth)`` is the generating model's ordinal alpha: the population value the
sample alpha estimates, computed by numerical integration (Gauss-Hermite over ability, exact
normal probabilities for the scores, every question and ordered pair of raters equally likely
for a co-scored answer, as the design above makes them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import stats

from .measures import SCORES, HireRow, Rating

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MISTAG_DISTANCE = 3  # a mis-tagged question's tag is at least this many levels off
OVER_TIME_FACTOR = 1.6
QUADRATURE_NODES = 80


@dataclass(frozen=True)
class Settings:
    candidates: int = 300
    interviewers: int = 12
    questions: int = 60
    questions_per_interview: int = 6
    interviews_per_loop: int = 2
    co_scored_share: float = 0.3
    ability_sd: float = 1.0
    leniency_sd: float = 0.3
    rater_noise: float = 0.5
    difficulty_step: float = 0.5
    difficulty_jitter: float = 0.15
    discrimination: float = 1.0
    discrimination_spread: float = 0.3
    non_discriminating: int = 5
    mis_tagged: int = 5
    over_time: int = 3
    skip_rate: float = 0.03
    thresholds: tuple[float, float, float] = (-1.0, 0.0, 1.0)
    hire_cutoff: float = 2.75
    levels: tuple[str, ...] = ("intern", "scientist", "engineer")
    topics: tuple[str, ...] = ("attention", "training", "evaluation", "serving", "data", "safety")

    def __post_init__(self) -> None:
        loop_questions = self.interviews_per_loop * self.questions_per_interview
        problems = [
            (self.candidates < 1, "at least one candidate"),
            (self.interviewers < self.interviews_per_loop, "an interviewer per loop interview"),
            (self.questions_per_interview < 1, "at least one question per interview"),
            (self.questions < loop_questions, "enough questions for a loop without repeats"),
            (not 0 <= self.co_scored_share <= 1, "a co-scored share between 0 and 1"),
            (self.co_scored_share > 0 and self.interviewers < 2, "two interviewers to co-score"),
            (not 0 <= self.skip_rate < 1, "a skip rate in [0, 1)"),
            (
                self.non_discriminating + self.mis_tagged + self.over_time > self.questions,
                "no more planted questions than questions",
            ),
            (min(self.ability_sd, self.leniency_sd, self.rater_noise) < 0, "no negative spread"),
            (list(self.thresholds) != sorted(self.thresholds), "increasing thresholds"),
        ]
        missing = [need for bad, need in problems if bad]
        if missing:
            raise ValueError("The simulation needs " + "; ".join(missing) + ".")


@dataclass(frozen=True)
class Truth:
    """The generating model's parameters; ids are indexes into these arrays."""

    settings: Settings
    ability: FloatArray
    leniency: FloatArray
    difficulty: FloatArray
    discrimination: FloatArray
    true_tag: IntArray
    tagged_difficulty: IntArray
    estimated_minutes: IntArray
    non_discriminating: frozenset[int]
    mis_tagged: frozenset[int]
    over_time: frozenset[int]


@dataclass(frozen=True)
class Simulation:
    truth: Truth
    ratings: list[Rating]
    hires: list[HireRow] = field(default_factory=list)


def simulate(settings: Settings, seed: int) -> Simulation:
    rng = np.random.default_rng(seed)
    truth = _draw_truth(settings, rng)
    sheets = _draw_loops(settings, rng)
    latent = (
        truth.discrimination[sheets.question] * truth.ability[sheets.candidate]
        - truth.difficulty[sheets.question]
        + truth.leniency[sheets.rater]
        + rng.normal(0, settings.rater_noise, len(sheets.rater))
    )
    score = 1 + np.searchsorted(np.array(settings.thresholds), latent)
    asked = sheets.asked_key
    skipped = (rng.random(asked.max() + 1) < settings.skip_rate)[asked]
    minutes = (
        truth.estimated_minutes[sheets.question] * rng.lognormal(0, 0.2, asked.max() + 1)[asked]
    )
    minutes = minutes * np.where(
        np.isin(sheets.question, list(truth.over_time)), OVER_TIME_FACTOR, 1
    )
    topic_of = [settings.topics[q % len(settings.topics)] for q in range(settings.questions)]
    ratings = [
        Rating(
            candidate_id=int(sheets.candidate[i]),
            interviewer_id=int(sheets.rater[i]),
            question_id=int(sheets.question[i]),
            interview_id=int(sheets.interview[i]),
            score=None if skipped[i] else int(score[i]),
            tagged_difficulty=int(truth.tagged_difficulty[sheets.question[i]]),
            topics=(topic_of[sheets.question[i]],),
            level=settings.levels[int(sheets.candidate[i]) % len(settings.levels)],
            seconds=round(60 * float(minutes[i])),
            estimated_minutes=int(truth.estimated_minutes[sheets.question[i]]),
            skipped=bool(skipped[i]),
        )
        for i in range(len(sheets.rater))
    ]
    return Simulation(truth, ratings, _hires(ratings, settings.hire_cutoff))


def _draw_truth(s: Settings, rng: np.random.Generator) -> Truth:
    planted = rng.permutation(s.questions)
    non_discriminating = planted[: s.non_discriminating]
    mis_tagged = planted[s.non_discriminating : s.non_discriminating + s.mis_tagged]
    over_time = planted[s.non_discriminating + s.mis_tagged :][: s.over_time]
    true_tag = rng.integers(1, 6, s.questions)
    # A mis-tagged question sits at an end of the scale and is tagged at the other end.
    true_tag[mis_tagged] = rng.choice([1, 2, 4, 5], len(mis_tagged))
    tagged = true_tag.copy()
    tagged[mis_tagged] = np.where(
        true_tag[mis_tagged] <= 2,
        true_tag[mis_tagged] + MISTAG_DISTANCE + rng.integers(0, 2, len(mis_tagged)),
        true_tag[mis_tagged] - MISTAG_DISTANCE - rng.integers(0, 2, len(mis_tagged)),
    ).clip(1, 5)
    discrimination = rng.uniform(
        s.discrimination - s.discrimination_spread,
        s.discrimination + s.discrimination_spread,
        s.questions,
    )
    discrimination[non_discriminating] = 0.0
    difficulty = (true_tag - 3) * s.difficulty_step + rng.normal(
        0, s.difficulty_jitter, s.questions
    )
    estimated_minutes = rng.choice([3, 5, 8, 10], s.questions).astype(np.int64)
    # The organisation (questions, interviewers) first: more candidates keep the same one.
    leniency = rng.normal(0, s.leniency_sd, s.interviewers)
    return Truth(
        settings=s,
        ability=rng.normal(0, s.ability_sd, s.candidates),
        leniency=leniency,
        difficulty=difficulty,
        discrimination=discrimination,
        true_tag=true_tag.astype(np.int64),
        tagged_difficulty=tagged.astype(np.int64),
        estimated_minutes=estimated_minutes,
        non_discriminating=frozenset(int(q) for q in non_discriminating),
        mis_tagged=frozenset(int(q) for q in mis_tagged),
        over_time=frozenset(int(q) for q in over_time),
    )


@dataclass(frozen=True)
class _Sheets:
    """One entry per sheet line; ``asked_key`` numbers the (interview, question) pairs."""

    candidate: IntArray
    rater: IntArray
    question: IntArray
    interview: IntArray
    asked_key: IntArray


def _draw_loops(s: Settings, rng: np.random.Generator) -> _Sheets:
    k, per_loop = s.questions_per_interview, s.interviews_per_loop
    columns: list[list[int]] = [[], [], [], [], []]
    interview = asked = 0
    for c in range(s.candidates):
        raters = rng.choice(s.interviewers, per_loop, replace=False)
        questions = rng.choice(s.questions, per_loop * k, replace=False).reshape(per_loop, k)
        for primary, asked_here in zip(raters, questions, strict=True):
            sheet_raters = [int(primary)]
            if rng.random() < s.co_scored_share:
                others = np.delete(np.arange(s.interviewers), primary)
                sheet_raters.append(int(rng.choice(others)))
            for q in asked_here:
                for r in sheet_raters:
                    for column, value in zip(columns, (c, r, q, interview, asked), strict=True):
                        column.append(int(value))
                asked += 1
            interview += 1
    arrays = [np.array(column, dtype=np.int64) for column in columns]
    return _Sheets(*arrays)


def _hires(ratings: list[Rating], cutoff: float) -> list[HireRow]:
    """Each sheet recommends hire at a mean score >= cutoff; the loop hires at the same cutoff
    over all its sheets."""
    sheets: dict[tuple[int, int], list[int]] = {}
    loop_scores: dict[int, list[int]] = {}
    for r in ratings:
        if r.score is not None:
            sheets.setdefault((r.interview_id, r.interviewer_id), []).append(r.score)
            loop_scores.setdefault(r.candidate_id, []).append(r.score)
    candidate_of = {r.interview_id: r.candidate_id for r in ratings}
    decision = {c: float(np.mean(s)) >= cutoff for c, s in loop_scores.items()}
    return [
        HireRow(
            interviewer_id=interviewer,
            recommended_hire=float(np.mean(scores)) >= cutoff,
            decision_hire=decision[candidate_of[interview]],
        )
        for (interview, interviewer), scores in sorted(sheets.items())
    ]


def true_alpha(truth: Truth) -> float:
    """The generating model's ordinal alpha (see the module docstring)."""
    s = truth.settings
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    ability = s.ability_sd * nodes  # (G,)
    mean = (
        truth.discrimination[None, :, None] * ability[:, None, None]
        - truth.difficulty[None, :, None]
        + truth.leniency[None, None, :]
    )  # (G, Q, R)
    p = _score_probabilities(mean, s.rater_noise, s.thresholds)  # (G, Q, R, 4)
    total = p.sum(axis=2)
    same_rater = np.einsum("gqrc,gqrk->gqck", p, p)
    pairs = total[..., :, None] * total[..., None, :] - same_rater  # ordered pairs i != j
    r = s.interviewers
    joint = np.einsum("g,gqck->ck", weights, pairs) / (s.questions * r * (r - 1))
    return _population_alpha(joint)


def _score_probabilities(
    mean: FloatArray, noise: float, thresholds: tuple[float, float, float]
) -> FloatArray:
    cuts = np.array([-np.inf, *thresholds, np.inf])
    if noise == 0:
        above = (mean[..., None] > cuts).astype(np.float64)
    else:
        above = stats.norm.cdf((mean[..., None] - cuts) / noise)
    probabilities: FloatArray = above[..., :-1] - above[..., 1:]
    assert probabilities.shape[-1] == len(SCORES)
    return probabilities


def _population_alpha(joint: FloatArray) -> float:
    """Ordinal alpha of an infinite sample with pair distribution ``joint`` (4 x 4, sums to 1)."""
    p = joint.sum(axis=1)
    mid = np.cumsum(p) - p / 2
    d = (mid[:, None] - mid[None, :]) ** 2
    return float(1 - (joint * d).sum() / (np.outer(p, p) * d).sum())
