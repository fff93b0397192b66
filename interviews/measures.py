"""How well the interviews measure: rater agreement, interviewer calibration, question health.

Pure: plain ``Rating`` rows in, frozen dataclasses out; numpy, scipy and the ``krippendorff``
package, no Django. The database wiring turns interview sheets into rows and renders the results.

**Agreement** is Krippendorff's alpha with the ordinal metric (scores 1..4 are ordered, their
distances are not known to be equal), computed by ``krippendorff.alpha``. A *unit* is one
candidate answering one question, scored by two or more interviewers (co-scoring); a rater who
scored the same unit twice counts once, with their latest interview's score. Alpha is given
overall, per topic, per question and per pair of raters, each with its number of units and a
percentile bootstrap 95% interval. The bootstrap resamples *candidates* with their units, not
single units: a candidate's units share the candidate and, within an interview, the same pair of
raters (one lenient rater shifts every unit of that interview), so they are not independent and
resampling them one by one gives intervals that are too narrow. The resampling is vectorised:
each candidate's coincidence matrix is summed once and a resample is a weighted sum of them
(``_ordinal_alpha`` is Krippendorff's formula on coincidence matrices; the tests check it
against the package). On simulated hiring the interval covers the true alpha 95% of the time
with ~150 co-scored candidates, 91% with ~75 (percentile intervals run a little narrow on
few clusters). Alpha below ``ALPHA_ACCEPTABLE`` with at least ``MIN_UNITS_TO_FLAG``
units is flagged for anchor revision.

**Calibration** fits, by least squares on all scored items,

    score = ability(candidate) - difficulty(question) + leniency(interviewer) + noise,

in score points (a linear approximation of the many-facet Rasch model that a reader can check
by hand: "Ines scores 0.3 points above the panel, the candidates and questions she met held
constant"). Identified by sum-to-zero constraints: the average question has difficulty 0 and
the average interviewer leniency 0, so ability is a candidate's expected score on an average
question with an average interviewer. The candidate effects are profiled out (each candidate's
block of the normal equations is diagonal), leaving a small dense system in the question and
interviewer effects; standard errors come from the residual variance. An interviewer with fewer
than ``MIN_SCORED_ITEMS`` scored items gets no estimate, with the reason. Hire recommendations
are compared with the loops' decisions as proportions with Wilson intervals.

**Question health**: times asked, mean score per level, fitted difficulty against what its tag
predicts (a Theil-Sen line of fitted difficulty on tagged difficulty across the bank), the
discrimination (Pearson correlation, across candidates, of the question's leniency-adjusted
score with the candidate's ability estimated from the *rest* of their loop), skip rate, median
minutes against the estimate, and the question's alpha. Flags need ``MIN_TIMES_ASKED``.

``measure()`` computes everything at once (a page caches it; the results pickle) and
``tables()`` flattens it into rows for the CSV and JSON exports. Every number is finite or
``None`` with a reason: empty input, one rater and all-equal scores give ``None``s, never an
exception or a NaN.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
import numpy.typing as npt
from scipy import sparse, stats

from questionbank.models import SCORE_MAX, SCORE_MIN, Score

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SCORES: tuple[int, ...] = tuple(Score.values)
DIFFICULTIES = (1, 2, 3, 4, 5)
CONFIDENCE = 0.95
BOOTSTRAP_REPS = 1000
# Krippendorff: data with alpha below .667 should not be relied on; .667 to .800 only tentatively.
ALPHA_ACCEPTABLE = 0.667
# An alpha is flagged only when it rests on at least this many units (below, its interval is
# typically wider than +/- 0.2 and a low value says little).
MIN_UNITS_TO_FLAG = 20
# No interviewer leniency is shown below this many scored items.
MIN_SCORED_ITEMS = 30
# No hire-recommendation rates are shown below this many decided loops.
MIN_DECISIONS = 10
# Question health flags need the question to have been scored this often.
MIN_TIMES_ASKED = 20
# "too easy/too hard for its tag": fitted difficulty this many score points from what the tag
# predicts (and beyond its own 95% interval).
MISMATCH_POINTS = 0.6
# "does not discriminate": item-rest correlation below this.
MIN_DISCRIMINATION = 0.2
# "runs over time": median minutes above the estimate times this.
OVERTIME_RATIO = 1.25

FLAG_TOO_EASY = "too easy for its tag"
FLAG_TOO_HARD = "too hard for its tag"
FLAG_NO_DISCRIMINATION = "does not discriminate"
FLAG_LOW_AGREEMENT = "low agreement"
FLAG_OVER_TIME = "runs over time"

_Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))


# -- Input ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rating:
    """One line of one interviewer's sheet: a question asked to a candidate in an interview.

    ``score`` is 1..4, or None when skipped or left unscored; ``seconds`` is the time the live
    page recorded (0 when unknown); ``topics`` are topic slugs; ``level`` the interview's level.
    """

    candidate_id: int
    interviewer_id: int
    question_id: int
    interview_id: int
    score: int | None
    tagged_difficulty: int
    topics: tuple[str, ...] = ()
    level: str = ""
    seconds: int = 0
    estimated_minutes: int = 0
    skipped: bool = False

    def __post_init__(self) -> None:
        if self.score is not None and self.score not in SCORES:
            raise ValueError(f"A score is {SCORE_MIN} to {SCORE_MAX}, not {self.score!r}.")
        if self.skipped and self.score is not None:
            raise ValueError("A skipped question has no score.")
        if self.tagged_difficulty not in DIFFICULTIES:
            raise ValueError(f"A tagged difficulty is 1 to 5, not {self.tagged_difficulty!r}.")
        if self.seconds < 0 or self.estimated_minutes < 0:
            raise ValueError("Seconds and estimated minutes cannot be negative.")


@dataclass(frozen=True, slots=True)
class HireRow:
    """One interviewer's recommendation in a loop, and the loop's decision."""

    interviewer_id: int
    recommended_hire: bool
    decision_hire: bool


# -- Output --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Alpha:
    """Krippendorff's ordinal alpha over ``n_units`` units; ``reason`` says why a part is None."""

    n_units: int
    value: float | None
    interval: Interval | None
    flagged: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Agreement:
    overall: Alpha
    by_topic: dict[str, Alpha]
    by_question: dict[int, Alpha]
    by_pair: dict[tuple[int, int], Alpha]


@dataclass(frozen=True)
class Fit:
    """The fitted facets model, in score points (see the module docstring)."""

    n_items: int
    residual_sd: float | None
    ability: dict[int, float]
    difficulty: dict[int, float]
    difficulty_se: dict[int, float | None]
    leniency: dict[int, float]
    leniency_se: dict[int, float | None]


@dataclass(frozen=True, slots=True)
class Leniency:
    """An interviewer's leniency (positive: scores above the panel), or None and why not."""

    interviewer_id: int
    n_items: int
    estimate: float | None
    se: float | None
    interval: Interval | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Proportion:
    k: int
    n: int
    value: float
    interval: Interval


@dataclass(frozen=True, slots=True)
class HireRate:
    """How often an interviewer recommends hiring, their loops hire, and the two match."""

    interviewer_id: int
    n: int
    recommended: Proportion | None
    decided: Proportion | None
    matched: Proportion | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class LevelMean:
    n: int
    mean: float


@dataclass(frozen=True)
class QuestionHealth:
    question_id: int
    tagged_difficulty: int
    times_asked: int
    n_scored: int
    mean_by_level: dict[str, LevelMean]
    difficulty: float | None
    difficulty_se: float | None
    expected_difficulty: float | None
    discrimination: float | None
    discrimination_interval: Interval | None
    discrimination_n: int
    skip_rate: float
    median_minutes: float | None
    estimated_minutes: int
    agreement: Alpha
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Measures:
    agreement: Agreement
    fit: Fit | None
    leniency: list[Leniency]
    questions: list[QuestionHealth]
    hire_rates: list[HireRate]


def measure(
    ratings: Sequence[Rating],
    hires: Iterable[HireRow] = (),
    *,
    seed: int = 0,
    reps: int = BOOTSTRAP_REPS,
) -> Measures:
    """Every measure at once: what a measures page (or its cache) needs."""
    agreement = agree(ratings, seed=seed, reps=reps)
    fit = fit_model(ratings)
    return Measures(
        agreement=agreement,
        fit=fit,
        leniency=calibrate(ratings, fit),
        questions=question_health(ratings, fit, agreement),
        hire_rates=hire_rates(hires),
    )


# -- Agreement -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Values:
    """Pairable values: one score per rater per unit (candidate x question), 2+ raters a unit."""

    unit: IntArray  # per value: index of its unit
    rater: IntArray  # per value: interviewer id
    score: IntArray  # per value: 1..4
    unit_candidate: IntArray  # per unit
    unit_question: IntArray  # per unit
    unit_topics: list[tuple[str, ...]]  # per unit


def agree(ratings: Sequence[Rating], *, seed: int = 0, reps: int = BOOTSTRAP_REPS) -> Agreement:
    """Alpha overall, per topic, per question and per pair of raters."""
    values = _pairable_values(ratings)
    every = np.ones(len(values.unit), dtype=bool)
    unit_mask = np.zeros(len(values.unit_question), dtype=bool)

    def alpha_of(mask: npt.NDArray[np.bool_], label: str) -> Alpha:
        return _alpha(values, mask, rng=_rng(seed, label), reps=reps)

    by_topic = {}
    for topic in sorted({t for topics in values.unit_topics for t in topics}):
        in_topic = unit_mask.copy()
        in_topic[[i for i, topics in enumerate(values.unit_topics) if topic in topics]] = True
        by_topic[topic] = alpha_of(in_topic[values.unit], f"topic:{topic}")
    by_question = {
        int(q): alpha_of(values.unit_question[values.unit] == q, f"question:{q}")
        for q in np.unique(values.unit_question)
    }
    return Agreement(
        overall=alpha_of(every, "overall"),
        by_topic=by_topic,
        by_question=by_question,
        by_pair={
            pair: alpha_of(_pair_mask(values, pair), f"pair:{pair}") for pair in _pairs(values)
        },
    )


def alpha_ordinal(ratings: Sequence[Rating], *, seed: int = 0, reps: int = BOOTSTRAP_REPS) -> Alpha:
    """Overall alpha only (cheaper than ``agree`` when that is all one needs)."""
    values = _pairable_values(ratings)
    return _alpha(
        values, np.ones(len(values.unit), dtype=bool), rng=_rng(seed, "overall"), reps=reps
    )


def _pairable_values(ratings: Sequence[Rating]) -> _Values:
    latest: dict[tuple[int, int], dict[int, Rating]] = defaultdict(dict)
    for r in sorted((r for r in ratings if r.score is not None), key=lambda r: r.interview_id):
        latest[(r.candidate_id, r.question_id)][r.interviewer_id] = r
    units = [(key, sheets) for key, sheets in sorted(latest.items()) if len(sheets) >= 2]
    unit, rater, score = [], [], []
    for i, (_key, sheets) in enumerate(units):
        for interviewer, r in sorted(sheets.items()):
            unit.append(i)
            rater.append(interviewer)
            score.append(r.score)
    return _Values(
        unit=np.array(unit, dtype=np.int64),
        rater=np.array(rater, dtype=np.int64),
        score=np.array(score, dtype=np.int64),
        unit_candidate=np.array([key[0] for key, _ in units], dtype=np.int64),
        unit_question=np.array([key[1] for key, _ in units], dtype=np.int64),
        unit_topics=[next(iter(sheets.values())).topics for _, sheets in units],
    )


def _pairs(values: _Values) -> list[tuple[int, int]]:
    raters_of: dict[int, list[int]] = defaultdict(list)
    for u, r in zip(values.unit.tolist(), values.rater.tolist(), strict=True):
        raters_of[u].append(r)
    return sorted({(a, b) for rs in raters_of.values() for a in rs for b in rs if a < b})


def _pair_mask(values: _Values, pair: tuple[int, int]) -> npt.NDArray[np.bool_]:
    """The two raters' values on the units both of them scored."""
    n_units = len(values.unit_question)
    of_pair = np.isin(values.rater, pair)
    both = np.bincount(values.unit[of_pair], minlength=n_units) == 2
    mask: npt.NDArray[np.bool_] = of_pair & both[values.unit]
    return mask


def _rng(seed: int, label: str) -> np.random.Generator:
    """One stream per measured group, so a group's interval does not depend on the others."""
    return np.random.default_rng([seed, zlib.crc32(label.encode())])


def _alpha(
    values: _Values, mask: npt.NDArray[np.bool_], *, rng: np.random.Generator, reps: int
) -> Alpha:
    # Every mask selects whole units, or a pair's two values on units both scored: each
    # selected unit has two or more values.
    units, unit_index = np.unique(values.unit[mask], return_inverse=True)
    if not len(units):
        return Alpha(0, None, None, reason="No question was scored by two or more raters.")
    score = values.score[mask]
    per_unit = _unit_coincidences(_value_counts(unit_index, score, len(units)))
    n_units = len(units)
    if not np.isfinite(_ordinal_alpha(per_unit.sum(axis=0))):
        return Alpha(n_units, None, None, reason="Every score is the same: alpha is undefined.")
    value = _library_alpha(values.rater[mask], unit_index, score)
    # The bootstrap resamples candidates, each with the sum of its units' coincidences.
    _, cluster = np.unique(values.unit_candidate[units], return_inverse=True)
    clustered = np.zeros((int(cluster.max()) + 1, len(SCORES), len(SCORES)))
    np.add.at(clustered, cluster, per_unit)
    interval = _bootstrap_interval(clustered, rng=rng, reps=reps)
    flagged = n_units >= MIN_UNITS_TO_FLAG and value < ALPHA_ACCEPTABLE
    reason = "One candidate only: no interval." if interval is None and reps > 0 else ""
    return Alpha(n_units, value, interval, flagged=flagged, reason=reason)


def _value_counts(unit_index: IntArray, score: IntArray, n_units: int) -> IntArray:
    """How many raters gave each score to each unit: shape (units, 4)."""
    flat = np.bincount(unit_index * len(SCORES) + score - 1, minlength=n_units * len(SCORES))
    return flat.reshape(n_units, len(SCORES)).astype(np.int64)


def _unit_coincidences(counts: IntArray) -> FloatArray:
    """Krippendorff's coincidences of each unit (units, V, V): its pairs of values over m_u - 1."""
    pairs = counts[:, :, None] * counts[:, None, :] - counts[:, :, None] * np.eye(counts.shape[1])
    coincidences: FloatArray = pairs / (counts.sum(axis=1) - 1)[:, None, None]
    return coincidences


def _ordinal_alpha(coincidences: FloatArray) -> FloatArray:
    """Ordinal alpha from coincidence matrices (..., V, V); NaN where undefined (no variation).

    alpha = 1 - (n - 1) * sum(o * d) / sum(n_c * n_k * d), the ordinal distance d(c, k) being
    (n_c/2 + n_(c+1) + ... + n_(k-1) + n_k/2)^2 = (mid_k - mid_c)^2 with mid_v the running
    total of the value counts minus half of n_v.
    """
    n_v = coincidences.sum(axis=-1)
    n = n_v.sum(axis=-1)
    mid = np.cumsum(n_v, axis=-1) - n_v / 2
    d = (mid[..., :, None] - mid[..., None, :]) ** 2
    observed = (coincidences * d).sum(axis=(-2, -1))
    expected = (n_v[..., :, None] * n_v[..., None, :] * d).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha: FloatArray = np.where(expected > 0, 1 - (n - 1) * observed / expected, np.nan)
    return alpha


def _library_alpha(rater: IntArray, unit_index: IntArray, score: IntArray) -> float:
    """The point estimate, from the krippendorff package: raters x units, NaN where not scored."""
    raters, row = np.unique(rater, return_inverse=True)
    data = np.full((len(raters), int(unit_index.max()) + 1), np.nan)
    data[row, unit_index] = score
    return float(
        krippendorff.alpha(
            reliability_data=data, value_domain=list(SCORES), level_of_measurement="ordinal"
        )
    )


def _bootstrap_interval(
    clustered: FloatArray, *, rng: np.random.Generator, reps: int, chunk: int = 250
) -> Interval | None:
    """Percentile interval of alpha over ``reps`` resamples of the clusters (with replacement)."""
    k = len(clustered)
    if k < 2 or reps < 1:
        return None
    flat = clustered.reshape(k, -1)
    alphas = []
    for start in range(0, reps, chunk):
        weights = _resample_counts(rng, k, min(chunk, reps - start))
        alphas.append(_ordinal_alpha((weights @ flat).reshape(-1, *clustered.shape[1:])))
    boot = np.concatenate(alphas)
    boot = boot[np.isfinite(boot)]
    if not len(boot):
        return None
    tail = 100 * (1 - CONFIDENCE) / 2
    low, high = np.percentile(boot, [tail, 100 - tail])
    return Interval(float(low), float(high))


def _resample_counts(rng: np.random.Generator, k: int, reps: int) -> IntArray:
    """How often each of ``k`` clusters is drawn in each of ``reps`` resamples of size ``k``
    (a multinomial draw, counted from uniform indices: several times faster than numpy's)."""
    drawn = rng.integers(0, k, size=(reps, k)) + k * np.arange(reps)[:, None]
    return np.bincount(drawn.ravel(), minlength=reps * k).reshape(reps, k)


# -- Calibration ---------------------------------------------------------------------------


def fit_model(ratings: Sequence[Rating]) -> Fit | None:
    """Least squares fit of score = ability - difficulty + leniency; None when nothing is scored."""
    scored = [r for r in ratings if r.score is not None]
    if not scored:
        return None
    candidate_ids, cand = np.unique([r.candidate_id for r in scored], return_inverse=True)
    question_ids, quest = np.unique([r.question_id for r in scored], return_inverse=True)
    rater_ids, rater = np.unique([r.interviewer_id for r in scored], return_inverse=True)
    y = np.array([r.score for r in scored], dtype=np.float64)
    n, n_q, n_r = len(y), len(question_ids), len(rater_ids)
    rows = np.arange(n)
    # Columns: questions (-1, difficulty lowers the score), then interviewers (+1).
    x = sparse.csr_array(
        (np.r_[-np.ones(n), np.ones(n)], (np.r_[rows, rows], np.r_[quest, n_q + rater])),
        shape=(n, n_q + n_r),
    )
    by_candidate = sparse.csr_array((np.ones(n), (cand, rows)), shape=(len(candidate_ids), n))
    per_candidate = np.bincount(cand).astype(np.float64)
    # Profile the candidates out: normal equations of the within-candidate deviations.
    cx = by_candidate @ x
    gram = (x.T @ x).toarray() - (cx.T @ sparse.diags_array(1 / per_candidate) @ cx).toarray()
    rhs = x.T @ y - cx.T @ (np.asarray(by_candidate @ y) / per_candidate)
    basis = _sum_to_zero_basis(n_q, n_r)
    inverse, rank = _pseudo_inverse(basis.T @ gram @ basis)
    beta = basis @ inverse @ basis.T @ rhs
    ability = np.asarray(by_candidate @ (y - x @ beta)) / per_candidate
    residual = y - ability[cand] - x @ beta
    dof = n - len(candidate_ids) - rank
    variance = float(residual @ residual) / dof if dof > 0 else None
    se: list[float | None] = [None] * (n_q + n_r)
    if variance is not None:
        covariance = variance * (basis @ inverse @ basis.T)
        se = [float(s) for s in np.sqrt(np.maximum(np.diag(covariance), 0))]
    return Fit(
        n_items=n,
        residual_sd=math.sqrt(variance) if variance is not None else None,
        ability=_by_id(candidate_ids, ability),
        difficulty=_by_id(question_ids, beta[:n_q]),
        difficulty_se=dict(zip(question_ids.tolist(), se[:n_q], strict=True)),
        leniency=_by_id(rater_ids, beta[n_q:]),
        leniency_se=dict(zip(rater_ids.tolist(), se[n_q:], strict=True)),
    )


def _pseudo_inverse(matrix: FloatArray) -> tuple[FloatArray, int]:
    """Moore-Penrose inverse of a symmetric matrix, and its rank (a design in disconnected
    parts leaves some effects unidentified: they get the minimum-norm solution)."""
    if not matrix.size:
        return matrix, 0
    eigenvalues, vectors = np.linalg.eigh(matrix)
    keep = eigenvalues > eigenvalues.max() * len(matrix) * np.finfo(np.float64).eps
    inverse: FloatArray = (vectors[:, keep] / eigenvalues[keep]) @ vectors[:, keep].T
    return inverse, int(keep.sum())


def _sum_to_zero_basis(*sizes: int) -> FloatArray:
    """Columns spanning the effects that sum to zero within each block (block diagonal)."""
    basis = np.zeros((sum(sizes), sum(sizes) - len(sizes)))
    row = col = 0
    for k in sizes:
        basis[row : row + k - 1, col : col + k - 1] = np.eye(k - 1)
        basis[row + k - 1, col : col + k - 1] = -1
        row, col = row + k, col + k - 1
    return basis


def _by_id(ids: npt.NDArray[np.int64], values: FloatArray) -> dict[int, float]:
    return {int(i): float(v) for i, v in zip(ids, values, strict=True)}


def calibrate(ratings: Sequence[Rating], fit: Fit | None) -> list[Leniency]:
    """Each interviewer's leniency with its interval, or None and the reason."""
    items: dict[int, int] = defaultdict(int)
    for r in ratings:
        items[r.interviewer_id] += r.score is not None
    return [_leniency(interviewer, n, fit) for interviewer, n in sorted(items.items())]


def _leniency(interviewer: int, n: int, fit: Fit | None) -> Leniency:
    def hidden(reason: str) -> Leniency:
        return Leniency(interviewer, n, None, None, None, reason)

    if n < MIN_SCORED_ITEMS:
        return hidden(f"Fewer than {MIN_SCORED_ITEMS} scored items ({n}): too few to estimate.")
    assert fit is not None  # n > 0 items were scored, so there is a fit
    if len(fit.leniency) < 2:
        return hidden("Only one interviewer: leniency is measured against the others.")
    se = fit.leniency_se[interviewer]
    if se is None:
        return hidden("Too few items for the candidates and questions to estimate the noise.")
    estimate = fit.leniency[interviewer]
    return Leniency(interviewer, n, estimate, se, Interval(estimate - _Z * se, estimate + _Z * se))


def hire_rates(rows: Iterable[HireRow]) -> list[HireRate]:
    """Per interviewer: recommended-hire rate, their loops' hire rate, and how often they match."""
    by_interviewer: dict[int, list[HireRow]] = defaultdict(list)
    for row in rows:
        by_interviewer[row.interviewer_id].append(row)
    return [_hire_rate(i, group) for i, group in sorted(by_interviewer.items())]


def _hire_rate(interviewer: int, rows: list[HireRow]) -> HireRate:
    n = len(rows)
    if n < MIN_DECISIONS:
        reason = f"Fewer than {MIN_DECISIONS} decided loops ({n}): too few to compare."
        return HireRate(interviewer, n, None, None, None, reason)
    return HireRate(
        interviewer,
        n,
        recommended=_proportion(sum(r.recommended_hire for r in rows), n),
        decided=_proportion(sum(r.decision_hire for r in rows), n),
        matched=_proportion(sum(r.recommended_hire == r.decision_hire for r in rows), n),
    )


def _proportion(k: int, n: int) -> Proportion:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return Proportion(k, n, k / n, Interval(float(ci.low), float(ci.high)))


# -- Question health -----------------------------------------------------------------------


def question_health(
    ratings: Sequence[Rating], fit: Fit | None, agreement: Agreement
) -> list[QuestionHealth]:
    """One row per question asked (scored or skipped), in question id order."""
    by_question: dict[int, list[Rating]] = defaultdict(list)
    for r in ratings:
        if r.score is not None or r.skipped:
            by_question[r.question_id].append(r)
    tags = {
        q: max(rows, key=lambda r: r.interview_id).tagged_difficulty
        for q, rows in by_question.items()
    }
    discrimination = _item_rest(ratings, fit) if fit else {}
    expected = _expected_difficulty(tags, fit, by_question) if fit else {}
    none = Alpha(0, None, None, reason="No co-scored answers to this question.")
    return [
        _health(
            q,
            rows,
            tags[q],
            fit,
            expected.get(q),
            discrimination.get(q, (np.zeros(0), np.zeros(0))),
            agreement.by_question.get(q, none),
        )
        for q, rows in sorted(by_question.items())
    ]


def _health(
    question: int,
    rows: list[Rating],
    tag: int,
    fit: Fit | None,
    expected: float | None,
    item_rest: tuple[FloatArray, FloatArray],
    alpha: Alpha,
) -> QuestionHealth:
    scored = [r for r in rows if r.score is not None]
    difficulty = fit.difficulty.get(question) if fit else None
    difficulty_se = fit.difficulty_se.get(question) if fit else None
    r, r_interval = _correlation(*item_rest)
    median_minutes, n_timed = _median_minutes(rows)
    estimated = int(np.median([row.estimated_minutes for row in rows]))
    enough = len(scored) >= MIN_TIMES_ASKED
    gap = None if difficulty is None or expected is None or not enough else difficulty - expected
    minutes_over = None
    if n_timed >= MIN_TIMES_ASKED and median_minutes is not None and estimated:
        minutes_over = median_minutes / estimated
    flags = _flags(
        gap=gap,
        gap_se=difficulty_se or 0.0,
        discrimination=r if len(item_rest[0]) >= MIN_TIMES_ASKED else None,
        alpha=alpha,
        minutes_over=minutes_over,
    )
    return QuestionHealth(
        question_id=question,
        tagged_difficulty=tag,
        times_asked=len({row.interview_id for row in rows}),
        n_scored=len(scored),
        mean_by_level=_mean_by_level(scored),
        difficulty=difficulty,
        difficulty_se=difficulty_se,
        expected_difficulty=expected,
        discrimination=r,
        discrimination_interval=r_interval,
        discrimination_n=len(item_rest[0]),
        skip_rate=sum(row.skipped for row in rows) / len(rows),
        median_minutes=median_minutes,
        estimated_minutes=estimated,
        agreement=alpha,
        flags=flags,
    )


def _flags(
    *,
    gap: float | None,
    gap_se: float,
    discrimination: float | None,
    alpha: Alpha,
    minutes_over: float | None,
) -> tuple[str, ...]:
    """The question's flags; a measure is None when it rests on fewer than ``MIN_TIMES_ASKED``.

    ``gap``: fitted difficulty minus what the tag predicts (score points); ``minutes_over``:
    median minutes over the estimate."""
    flags = []
    if gap is not None and abs(gap) >= MISMATCH_POINTS and abs(gap) > _Z * gap_se:
        flags.append(FLAG_TOO_HARD if gap > 0 else FLAG_TOO_EASY)
    if discrimination is not None and discrimination < MIN_DISCRIMINATION:
        flags.append(FLAG_NO_DISCRIMINATION)
    if alpha.flagged:
        flags.append(FLAG_LOW_AGREEMENT)
    if minutes_over is not None and minutes_over > OVERTIME_RATIO:
        flags.append(FLAG_OVER_TIME)
    return tuple(flags)


def _mean_by_level(scored: list[Rating]) -> dict[str, LevelMean]:
    by_level: dict[str, list[int]] = defaultdict(list)
    for r in scored:
        assert r.score is not None
        by_level[r.level].append(r.score)
    return {level: LevelMean(len(s), sum(s) / len(s)) for level, s in sorted(by_level.items())}


def _median_minutes(rows: list[Rating]) -> tuple[float | None, int]:
    """Median minutes over the interviews that timed it (co-scorers' sheets: the longest)."""
    seconds: dict[int, int] = defaultdict(int)
    for r in rows:
        seconds[r.interview_id] = max(seconds[r.interview_id], r.seconds)
    timed = [s for s in seconds.values() if s > 0]
    return (float(np.median(timed)) / 60 if timed else None), len(timed)


def _expected_difficulty(
    tags: dict[int, int], fit: Fit, rows: dict[int, list[Rating]]
) -> dict[int, float]:
    """What each tag predicts: a Theil-Sen line of fitted difficulty on tag, over the questions
    scored at least ``MIN_TIMES_ASKED`` times (robust to the mis-tagged few)."""
    reliable = [
        q
        for q in fit.difficulty
        if sum(r.score is not None for r in rows.get(q, [])) >= MIN_TIMES_ASKED
    ]
    if not reliable:
        return {}
    x = np.array([tags[q] for q in reliable], dtype=np.float64)
    y = np.array([fit.difficulty[q] for q in reliable])
    if len(np.unique(x)) < 2:
        return dict.fromkeys(fit.difficulty, float(np.median(y)))
    line = stats.theilslopes(y, x)
    return {q: float(line.intercept + line.slope * tags[q]) for q in fit.difficulty if q in tags}


def _item_rest(ratings: Sequence[Rating], fit: Fit) -> dict[int, tuple[FloatArray, FloatArray]]:
    """Per question, for each candidate it was scored for: (the question's leniency-adjusted
    score, the candidate's ability estimated from the rest of the loop, i.e. their other
    questions' scores adjusted for difficulty and leniency)."""
    scored = [r for r in ratings if r.score is not None]
    if not scored:
        return {}
    own = np.array([r.score for r in scored], dtype=np.float64)
    own -= [fit.leniency[r.interviewer_id] for r in scored]
    ability = own + np.array([fit.difficulty[r.question_id] for r in scored])
    _, cand = np.unique([r.candidate_id for r in scored], return_inverse=True)
    question = np.array([r.question_id for r in scored])
    pairs, pair = np.unique(np.stack([cand, question], axis=1), axis=0, return_inverse=True)
    pair = pair.ravel()
    n_pair = np.bincount(pair).astype(np.float64)
    own_mean = np.bincount(pair, own) / n_pair
    rest_n = np.bincount(cand).astype(np.float64)[pairs[:, 0]] - n_pair
    rest_sum = np.bincount(cand, ability)[pairs[:, 0]] - np.bincount(pair, ability)
    has_rest = rest_n > 0
    rest = np.divide(rest_sum, rest_n, out=np.zeros_like(rest_sum), where=has_rest)
    return {
        int(q): (own_mean[(pairs[:, 1] == q) & has_rest], rest[(pairs[:, 1] == q) & has_rest])
        for q in np.unique(question)
    }


def _correlation(x: FloatArray, y: FloatArray) -> tuple[float | None, Interval | None]:
    """Pearson's r with its Fisher-z interval; None when undefined (too few, or no variation)."""
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None, None
    r = float(np.clip(np.corrcoef(x, y)[0, 1], -1.0, 1.0))
    if len(x) < 4 or abs(r) == 1:
        return r, None
    z, half = math.atanh(r), _Z / math.sqrt(len(x) - 3)
    return r, Interval(math.tanh(z - half), math.tanh(z + half))


# -- Flat tables for CSV and JSON ----------------------------------------------------------

Cell = str | int | float | None


def tables(result: Measures) -> dict[str, list[dict[str, Cell]]]:
    """Each measure as a flat table (one dict per row, the same keys in every row): what the
    CSV and JSON exports write. Intervals become ``low``/``high`` columns, flags one string."""
    agreement = result.agreement
    scoped = [
        ("overall", "", agreement.overall),
        *(("topic", topic, a) for topic, a in agreement.by_topic.items()),
        *(("question", str(q), a) for q, a in agreement.by_question.items()),
        *(("pair", f"{i}-{j}", a) for (i, j), a in agreement.by_pair.items()),
    ]
    return {
        "agreement": [_alpha_row(scope, key, a) for scope, key, a in scoped],
        "calibration": [_calibration_row(x, result.hire_rates) for x in result.leniency],
        "questions": [_question_row(q) for q in result.questions],
    }


def _bounds(interval: Interval | None) -> tuple[float | None, float | None]:
    return (interval.low, interval.high) if interval else (None, None)


def _alpha_row(scope: str, key: str, a: Alpha) -> dict[str, Cell]:
    low, high = _bounds(a.interval)
    return {
        "scope": scope,
        "key": key,
        "units": a.n_units,
        "alpha": a.value,
        "low": low,
        "high": high,
        "flagged": int(a.flagged),
        "reason": a.reason,
    }


def _calibration_row(x: Leniency, rates: list[HireRate]) -> dict[str, Cell]:
    low, high = _bounds(x.interval)
    rate = next((r for r in rates if r.interviewer_id == x.interviewer_id), None)
    return {
        "interviewer": x.interviewer_id,
        "scored_items": x.n_items,
        "leniency": x.estimate,
        "se": x.se,
        "low": low,
        "high": high,
        "reason": x.reason,
        "decided_loops": rate.n if rate else 0,
        "recommended_hire_rate": rate.recommended.value if rate and rate.recommended else None,
        "loops_hire_rate": rate.decided.value if rate and rate.decided else None,
        "matched_rate": rate.matched.value if rate and rate.matched else None,
    }


def _question_row(q: QuestionHealth) -> dict[str, Cell]:
    low, high = _bounds(q.discrimination_interval)
    return {
        "question": q.question_id,
        "times_asked": q.times_asked,
        "scored": q.n_scored,
        "mean_score": mean_score(q.mean_by_level),
        "mean_by_level": "; ".join(
            f"{k}: {m.mean:.2f} (n={m.n})" for k, m in q.mean_by_level.items()
        ),
        "tagged_difficulty": q.tagged_difficulty,
        "difficulty": q.difficulty,
        "expected_difficulty": q.expected_difficulty,
        "discrimination": q.discrimination,
        "discrimination_low": low,
        "discrimination_high": high,
        "skip_rate": q.skip_rate,
        "median_minutes": q.median_minutes,
        "estimated_minutes": q.estimated_minutes,
        "alpha": q.agreement.value,
        "alpha_units": q.agreement.n_units,
        "flags": "; ".join(q.flags),
    }


def mean_score(by_level: dict[str, LevelMean]) -> float | None:
    n = sum(m.n for m in by_level.values())
    return sum(m.n * m.mean for m in by_level.values()) / n if n else None
