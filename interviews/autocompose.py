"""Auto-compose: fill a draft interview with a balanced set of bank questions.

The pure algorithm, over plain data (no database): given candidate ``Item``s, the planned
minutes, topic weights, a seed and the ids already asked to the candidate, ``compose()``
returns a ``Result`` whose ``picks`` (in session order, each with a human reason) satisfy every
rule below, or whose ``problems`` say why the request cannot be met (and then there are no
picks at all). The database side (loading the pool, writing the picks) is
``interviews.autocompose_services.autocompose_interview()``.

The rules (issue 3, "Auto-compose"):

- only the given items, none of ``exclude_ids``, each at most once;
- estimated minutes within the plan: at least 90% of it (rounded up) and never over;
- topics covered in proportion to their weights: the plan's minutes are shared out per topic
  by largest remainder, a question counting for its first requested topic;
- difficulty never decreases along the session (easy to hard), and the picks spread over the
  difficulties rather than bunching on one;
- at least one behavioral question when behavioral is requested (see ``behavioral_requested``);
- kinds mixed by level: an Engineer or Scientist session of 45 minutes or more includes a
  coding or system-design question whenever some valid session has one, unless the
  interviewer leaves those kinds out (``kinds``; see ``technical_wanted``);
- no two picks are near-duplicates (``near_duplicates``, defined with the admin's
  likely-duplicate check in ``questionbank.similarity``);
- deterministic: the same inputs and seed give the same session, whatever the input order.

Each pick's reason reads as plain words: "Chosen for RAG: 2nd of 3 topic slots (15 min against
its 15-min share, weight 50%); difficulty 3 keeps the ramp rising; 8 min."

How: a greedy fill topic by topic up to each topic's share, a top-up pass towards 90% of the
plan, and when the greedy falls short an exact knapsack over minutes (small integers) that
keeps as many greedy picks as it can. So whenever some set of the given questions meets every
rule, ``compose()`` finds one; it reports "impossible" only when none exists. (One caveat: a
chain of more than ``EXACT_CLUSTER_LIMIT`` mutual rewordings is thinned to one
near-duplicate-free subset before the search; real banks have pairs, not chains.)
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from questionbank.models import Kind
from questionbank.similarity import (
    NEAR_DUPLICATE,
    least_overlap,
    near_duplicates,
    overlaps,
    similarity,
    text_tokens,
)

__all__ = [
    "Item",
    "NearDuplicateIndex",
    "Pick",
    "Result",
    "behavioral_requested",
    "behavioral_topics",
    "compose",
    "lower_bound",
    "near_duplicate_graph",
    "near_duplicates",
    "ordinal",
    "similarity",
    "technical_wanted",
    "text_tokens",
]

BEHAVIORAL_KIND = Kind.BEHAVIORAL.value
TECHNICAL_KINDS = frozenset({Kind.CODING.value, Kind.SYSTEM_DESIGN.value})
KIND_LABELS = {value: label.lower() for value, label in Kind.choices}
# Kinds mixed in by level: an interview of at least this many minutes at one of these levels
# includes a coding or system-design question when one fits.
TECHNICAL_LEVELS = frozenset({"engineer", "scientist"})
TECHNICAL_MIN_MINUTES = 45
# The required kinds a set of questions has, as bits (the exact pass's second dimension).
BEHAVIORAL, TECHNICAL = 1, 2
FEATURE_STATES = 4
BEHAVIORAL_SLUG_MARK = "behavio"  # behavioral, behavioural
# The exact pass: near-duplicate clusters up to this size are searched exhaustively; pools up
# to this many questions are searched whole at once (larger ones on a sample first).
EXACT_CLUSTER_LIMIT = 12
EXACT_POOL_LIMIT = 400
# Value of keeping a greedy pick in the fallback knapsack (any other question is worth 1).
KEEP_VALUE = 1000


# --- Data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A candidate question: an active bank question of the interview's level."""

    id: int
    text: str
    topic_slugs: tuple[str, ...]
    difficulty: int
    minutes: int
    kind: str

    @property
    def is_behavioral(self) -> bool:
        return self.kind == BEHAVIORAL_KIND

    @property
    def is_technical(self) -> bool:
        """A coding or system-design question."""
        return self.kind in TECHNICAL_KINDS


@dataclass(frozen=True)
class Pick:
    item: Item
    reason: str


@dataclass
class Result:
    """Picks in session order, or problems (then no picks). Notes are informative only."""

    picks: list[Pick] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total_minutes(self) -> int:
        return sum(p.item.minutes for p in self.picks)

    @property
    def question_ids(self) -> list[int]:
        return [p.item.id for p in self.picks]


def lower_bound(planned_minutes: int) -> int:
    """The fewest minutes a session may fill: 90% of the plan, rounded up."""
    return (9 * planned_minutes + 9) // 10


# --- Near-duplicates --------------------------------------------------------------------------
# What "the same question" means (tokeniser, stop words, measure, threshold) is defined once,
# in questionbank.similarity; here, the indexes that find every near-duplicate pair of a pool
# without comparing all pairs.


def near_duplicate_graph(items: Iterable[Item]) -> dict[int, set[int]]:
    """Every near-duplicate pair among the items, as adjacency sets by id.

    All-pairs with prefix filtering: tokens ordered rarest first, a pair can reach the
    threshold only if their prefixes of length |x| - need(x) + 1 share a token, where
    need(x) = floor(0.6 |x|) + 1 is the least overlap that can pass (overlap > 0.6 |union|).
    """
    items = list(items)
    tokens = {it.id: text_tokens(it.text) for it in items}
    freq = Counter(tok for toks in tokens.values() for tok in toks)
    graph: dict[int, set[int]] = {it.id: set() for it in items}
    index: dict[str, list[int]] = defaultdict(list)
    for it in sorted(items, key=lambda it: (len(tokens[it.id]), it.id)):
        toks = sorted(tokens[it.id], key=lambda tok: (freq[tok], tok))
        size = len(toks)
        prefix = toks[: size - least_overlap(size, NEAR_DUPLICATE, strictly=True) + 1]
        seen: set[int] = set()
        for tok in prefix:
            for other in index[tok]:
                if other not in seen:
                    seen.add(other)
                    if _near(tokens[it.id], tokens[other]):
                        graph[it.id].add(other)
                        graph[other].add(it.id)
        for tok in prefix:
            index[tok].append(it.id)
    return graph


def _near(a: frozenset[str], b: frozenset[str]) -> bool:
    return overlaps(a, b, NEAR_DUPLICATE, strictly=True)


class NearDuplicateIndex:
    """The near-duplicates of any question of a pool, found without re-scanning the pool.

    Built once per compose: each question's content words (``text_tokens``) and, per word,
    the questions that have it. A question's near-duplicates share at least need(x) =
    floor(0.6 |x|) + 1 of its words (overlap > 0.6 |union| implies overlap > 0.6 |x|), so
    probing the posting lists of its |x| - need(x) + 1 rarest words finds every one of them;
    each candidate found is then checked with the exact rule (``near_duplicates``). Same
    answers as comparing against every question, in time proportional to the few questions
    that share a rare word.
    """

    def __init__(self, items: Iterable[Item]) -> None:
        self.tokens: dict[int, frozenset[str]] = {it.id: text_tokens(it.text) for it in items}
        self.freq: Counter[str] = Counter()
        self.postings: dict[str, list[int]] = defaultdict(list)
        for id_, toks in self.tokens.items():
            for tok in toks:
                self.freq[tok] += 1
                self.postings[tok].append(id_)

    def near(self, item: Item) -> set[int]:
        """Ids of the pool's questions that are near-duplicates of ``item`` (itself included
        when it is in the pool)."""
        toks = self.tokens.get(item.id) or text_tokens(item.text)
        ordered = sorted(toks, key=lambda tok: (self.freq[tok], tok))
        size = len(ordered)
        found: set[int] = set()
        checked: set[int] = set()
        for tok in ordered[: size - least_overlap(size, NEAR_DUPLICATE, strictly=True) + 1]:
            for other in self.postings.get(tok, ()):
                if other not in checked:
                    checked.add(other)
                    if _near(toks, self.tokens[other]):
                        found.add(other)
        return found


# --- Behavioral -------------------------------------------------------------------------------


def clean_weights(topic_weights: Mapping[str, float]) -> tuple[dict[str, float], list[str]]:
    """(The requested topics with their weights as floats, the slugs whose weight is invalid).

    A weight is any number (int, float, Decimal); 0 means "not requested"; negative, infinite
    or not-a-number weights are invalid.
    """
    weights: dict[str, float] = {}
    bad: list[str] = []
    for slug in sorted(topic_weights):
        try:
            w = float(topic_weights[slug])
        except (TypeError, ValueError):
            bad.append(slug)
            continue
        if not math.isfinite(w) or w < 0:
            bad.append(slug)
        elif w > 0:
            weights[slug] = w
    return weights, bad


def behavioral_topics(items: Iterable[Item], slugs: Iterable[str]) -> list[str]:
    """Which of the slugs are behavioral topics.

    A topic is behavioral when its slug says so (contains "behavio") or when every given
    question on it is of kind behavioral.
    """
    kinds: dict[str, set[bool]] = defaultdict(set)
    for it in items:
        for slug in it.topic_slugs:
            kinds[slug].add(it.is_behavioral)
    return [
        slug
        for slug in sorted(set(slugs))
        if BEHAVIORAL_SLUG_MARK in slug.casefold() or kinds.get(slug) == {True}
    ]


def behavioral_requested(items: Iterable[Item], topic_weights: Mapping[str, float]) -> bool:
    """Behavioral is requested when a requested topic (positive weight) is behavioral."""
    return bool(behavioral_topics(items, clean_weights(topic_weights)[0]))


def technical_wanted(
    *, level: str, planned_minutes: int, kinds: Iterable[str] | None = None
) -> bool:
    """Does the session mix in a coding or system-design question?

    Yes for an Engineer or Scientist interview (by level slug) of 45 minutes or more, unless
    the interviewer left both kinds out (``kinds``: the kinds to include, None for all).
    Mixed in only when one fits with the other rules.
    """
    allowed = TECHNICAL_KINDS if kinds is None else TECHNICAL_KINDS & set(kinds)
    return (
        bool(allowed)
        and level.casefold() in TECHNICAL_LEVELS
        and int(planned_minutes) >= TECHNICAL_MIN_MINUTES
    )


# --- The pure core ----------------------------------------------------------------------------


def refused(*messages: str, notes: list[str] | None = None) -> Result:
    """A result with problems and no picks."""
    return Result(problems=list(messages), notes=notes or [])


class _Refusal(Exception):
    """A request that cannot be met: the messages, and the notes gathered so far."""

    def __init__(self, *messages: str, notes: list[str] | None = None) -> None:
        super().__init__(*messages)
        self.result = refused(*messages, notes=notes)


def join_names(names: list[str], limit: int = 6) -> str:
    shown = names[:limit]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Share ``total`` whole minutes in proportion to the weights (largest remainder)."""
    weight_sum = sum(weights[t] for t in sorted(weights))
    quotas = {t: total * weights[t] / weight_sum for t in sorted(weights)}
    shares = {t: math.floor(q) for t, q in quotas.items()}
    left = total - sum(shares.values())
    by_remainder = sorted(quotas, key=lambda t: (-(quotas[t] - shares[t]), -weights[t], t))
    for t in by_remainder[:left]:
        shares[t] += 1
    return shares


@dataclass(frozen=True)
class _Request:
    """A checked request: the plan, the requested topics' weights and names, the kinds."""

    plan: int
    weights: dict[str, float]
    labels: dict[str, str]
    kinds: frozenset[str] | None
    seed: int

    def home(self, it: Item) -> str | None:
        """The topic a question counts for: its first requested topic."""
        return next((slug for slug in it.topic_slugs if slug in self.weights), None)

    def label(self, slug: str) -> str:
        return self.labels.get(slug) or slug


def compose(
    items: Iterable[Item],
    *,
    planned_minutes: int,
    topic_weights: Mapping[str, float],
    seed: int,
    exclude_ids: Iterable[int] = (),
    topic_labels: Mapping[str, str] | None = None,
    require_behavioral: bool | None = None,
    level: str = "",
    kinds: Iterable[str] | None = None,
    require_technical: bool | None = None,
) -> Result:
    """A balanced session from ``items``, or the problems that make the request impossible.

    ``topic_weights`` maps topic slugs to positive weights (a topic with weight 0 is not
    requested). ``topic_labels`` gives topic names for the reasons (default: the slugs).
    ``require_behavioral`` overrides ``behavioral_requested()``. ``kinds`` are the kinds of
    question to use (default: all). ``level`` (a level slug) and the plan decide whether the
    session mixes in a coding or system-design question (``technical_wanted()``);
    ``require_technical`` overrides that.
    """
    try:
        request = _checked(planned_minutes, topic_weights, topic_labels, kinds, seed)
        all_items = _canonical(items)
        usable = _usable(all_items, request, excluded=set(exclude_ids))
        pool, notes = usable.pool, usable.notes
        need_behavioral = _behavioral_need(request, all_items, usable, require=require_behavioral)
        _check_minutes(pool, request.plan, notes=notes)
    except _Refusal as refusal:
        return refusal.result
    index = NearDuplicateIndex(pool)

    def fill(need_technical: bool) -> Result:
        filling = _Fill(pool, request, index, need_behavioral=need_behavioral, notes=notes)
        return filling.run(need_technical=need_technical)

    if require_technical is not None:
        want_technical = bool(require_technical)
    else:
        want_technical = technical_wanted(
            level=level, planned_minutes=request.plan, kinds=request.kinds
        )
    if not want_technical:
        return fill(need_technical=False)
    if require_technical or any(it.is_technical for it in pool):
        result = fill(need_technical=True)
        if result.ok or require_technical:
            return result
    result = fill(need_technical=False)
    if result.ok:
        result.notes.append(
            "No coding or system-design question fits this plan with the chosen topics and "
            "the other rules, so the session has none."
        )
    return result


def _checked(
    planned_minutes: int,
    topic_weights: Mapping[str, float],
    topic_labels: Mapping[str, str] | None,
    kinds: Iterable[str] | None,
    seed: int,
) -> _Request:
    """The request with its plan, weights and kinds checked, or a ``_Refusal``."""
    plan = int(planned_minutes)
    if plan <= 0:
        raise _Refusal(f"Plan at least 1 minute for the session (the plan says {plan}).")
    weights, bad = clean_weights(topic_weights)
    if bad:
        raise _Refusal(f"Topic weights must be positive numbers: check {join_names(bad)}.")
    if not weights:
        raise _Refusal("Choose at least one topic to cover.")
    kind_set = None if kinds is None else frozenset(kinds)
    if kind_set is not None and not kind_set:
        raise _Refusal("Choose at least one kind of question to include.")
    return _Request(
        plan=plan, weights=weights, labels=dict(topic_labels or {}), kinds=kind_set, seed=seed
    )


def _canonical(items: Iterable[Item]) -> list[Item]:
    """The inputs in one canonical order (by id), one item per id."""
    all_items: list[Item] = []
    seen_ids: set[int] = set()
    for it in sorted(items, key=lambda it: (it.id, it.text, it.topic_slugs, it.minutes)):
        if it.id not in seen_ids:
            seen_ids.add(it.id)
            all_items.append(it)
    return all_items


@dataclass(frozen=True)
class _Usable:
    """The questions of the chosen topics and kinds (``in_topics``), those not yet asked to
    the candidate (``available``), those of them that fit the plan (``pool``), and notes."""

    in_topics: list[Item]
    available: list[Item]
    pool: list[Item]
    notes: list[str]


def _usable(all_items: list[Item], request: _Request, *, excluded: set[int]) -> _Usable:
    """The usable questions, or a ``_Refusal`` when none is."""
    plan = request.plan
    in_topics = [it for it in all_items if request.home(it) is not None]
    if not in_topics:
        names = join_names([request.label(t) for t in request.weights])
        raise _Refusal(f"No questions for the chosen topics ({names}): choose other topics.")
    if request.kinds is not None:
        in_topics = [it for it in in_topics if it.kind in request.kinds]
        if not in_topics:
            raise _Refusal(
                "No questions of the chosen kinds for the chosen topics: include more kinds "
                "or choose other topics."
            )
    available = [it for it in in_topics if it.id not in excluded]
    if not available:
        raise _Refusal(
            f"All {len(in_topics)} questions for the chosen topics were already asked to this "
            "candidate: choose other topics."
        )
    pool = [it for it in available if 1 <= it.minutes <= plan]
    if not pool:
        shortest = min(it.minutes for it in available)
        raise _Refusal(
            f"A {plan}-minute plan is too short for any question: the shortest question for "
            f"the chosen topics takes {shortest} min. Plan at least {shortest} minutes."
        )
    notes = []
    if asked := len(in_topics) - len(available):
        notes.append(f"Left out {asked} question(s) already asked to this candidate.")
    return _Usable(in_topics=in_topics, available=available, pool=pool, notes=notes)


def _behavioral_need(
    request: _Request, all_items: list[Item], usable: _Usable, *, require: bool | None
) -> bool:
    """Whether the session needs a behavioral question, or a ``_Refusal`` when it needs one
    and none is available."""
    if require is not None:
        need = bool(require)
    else:
        need = behavioral_requested(all_items, request.weights) and (
            request.kinds is None or BEHAVIORAL_KIND in request.kinds
        )
    if not need or any(it.is_behavioral for it in usable.pool):
        return need
    if not any(it.is_behavioral for it in usable.in_topics):
        why = "the chosen topics have no behavioral question"
    elif not any(it.is_behavioral for it in usable.available):
        why = "every behavioral question was already asked to this candidate"
    else:
        why = f"every behavioral question left takes more than the {request.plan}-minute plan"
    raise _Refusal(
        f"A behavioral question was requested but none is available: {why}. "
        "Add a topic with behavioral questions or leave behavioral out.",
        notes=usable.notes,
    )


def _check_minutes(pool: list[Item], plan: int, *, notes: list[str]) -> None:
    """A ``_Refusal`` when the whole pool cannot fill 90% of the plan."""
    low = lower_bound(plan)
    pool_minutes = sum(it.minutes for it in pool)
    if pool_minutes < low:
        raise _Refusal(
            f"The chosen topics offer only {pool_minutes} minutes of questions "
            f"({len(pool)} question(s) that fit the plan), short of the {low} minutes needed "
            f"to fill 90% of the {plan}-minute plan. Choose more topics or plan at most "
            f"{pool_minutes * 10 // 9} minutes.",
            notes=notes,
        )


class _Fill:
    """One session from a non-empty pool: greedy picks, a top-up, then the exact pass if the
    greedy falls short.

    The seeded order (``rank``) settles every tie; each topic gets a share of the plan's
    minutes (``target``) in proportion to its weight.
    """

    def __init__(
        self,
        pool: list[Item],
        request: _Request,
        index: NearDuplicateIndex,
        *,
        need_behavioral: bool,
        notes: list[str],
    ) -> None:
        self.pool, self.request, self.index = pool, request, index
        self.plan, self.low = request.plan, lower_bound(request.plan)
        self.need_behavioral = need_behavioral
        self.notes = list(notes)
        self.homes = {it.id: home for it in pool if (home := request.home(it)) is not None}
        rng = random.Random(request.seed)
        self.order = list(pool)
        rng.shuffle(self.order)
        self.rank = {it.id: i for i, it in enumerate(self.order)}
        self.topics = sorted({self.home(it) for it in pool})
        topic_order = list(self.topics)
        rng.shuffle(topic_order)
        self.topic_rank = {t: i for i, t in enumerate(topic_order)}
        for slug in sorted(set(request.weights) - set(self.topics)):
            self.notes.append(
                f"No usable question for {request.label(slug)}: its share went to the other topics."
            )
        self.share_weights = {t: request.weights[t] for t in self.topics}
        self.target = _largest_remainder(self.plan, self.share_weights)
        self.candidates: dict[str, list[Item]] = defaultdict(list)
        for it in sorted(pool, key=lambda it: self.rank[it.id]):
            self.candidates[self.home(it)].append(it)
        # Greedy state.
        self.picked: list[Item] = []
        self.picked_ids: set[int] = set()
        self.blocked: set[int] = set()  # near-duplicates of a pick
        self.filled: Counter[str] = Counter()
        self.per_difficulty: Counter[int] = Counter()
        # Why each question was taken: behavioral, technical, share, top-up, exact.
        self.stage: dict[int, str] = {}
        self.total = 0

    def home(self, it: Item) -> str:
        return self.homes[it.id]

    def add(self, it: Item, why: str) -> None:
        self.stage[it.id] = why
        self.picked.append(it)
        self.picked_ids.add(it.id)
        self.filled[self.home(it)] += it.minutes
        self.per_difficulty[it.difficulty] += 1
        self.total += it.minutes
        self.blocked.update(self.index.near(it))

    def choose(
        self,
        cands: Iterable[Item],
        accept: Callable[[Item], bool],
        prefer_not: Callable[[Item], bool] = lambda it: False,
    ) -> Item | None:
        """The best free candidate that fits and is accepted.

        Best: the least-used difficulty so far (spreading the ramp), then not ``prefer_not``,
        then the seeded order (``cands`` come in it).
        """
        best: Item | None = None
        best_key = (0, False)
        for it in cands:
            if it.id in self.picked_ids or it.id in self.blocked:
                continue
            if self.total + it.minutes > self.plan or not accept(it):
                continue
            key = (self.per_difficulty[it.difficulty], prefer_not(it))
            if best is None or key < best_key:
                best, best_key = it, key
                if key == (0, False):
                    break  # nothing can beat it: a later candidate would need a smaller key
        return best

    def run(self, *, need_technical: bool) -> Result:
        """Greedy, top-up, then the exact pass if needed; the session in ramp order."""
        need = (BEHAVIORAL if self.need_behavioral else 0) | (TECHNICAL if need_technical else 0)
        self.first_picks(need_technical=need_technical)
        self.proportional()
        self.top_up()
        # The exact fallback when the greedy missed the band (or a required kind).
        have = 0
        for it in self.picked:
            have |= _features(it)
        if self.total >= self.low and have & need == need:
            return self.session(self.picked, need_technical=need_technical)
        final, longest = _exact_fill(
            self.pool, plan=self.plan, low=self.low, need=need, keep=self.picked_ids, rank=self.rank
        )
        if final is None:
            message = _no_fit_message(self.pool, self.plan, self.low, longest, need=need)
            return refused(message, notes=self.notes)
        return self.session(final, need_technical=need_technical)

    def first_picks(self, *, need_technical: bool) -> None:
        """The behavioral question first, then the technical one, preferably within their
        topics' shares."""
        target, filled, home = self.target, self.filled, self.home
        if self.need_behavioral:
            behavioral = [it for it in self.order if it.is_behavioral]
            first = self.choose(
                behavioral, lambda it: True, prefer_not=lambda it: it.minutes > target[home(it)]
            )
            if first is not None:
                self.add(first, "behavioral")
        if need_technical:
            # The one that overshoots its topic's share least (coding and system-design
            # questions are long), so the weights still steer the session.
            technical = sorted(
                (it for it in self.order if it.is_technical),
                key=lambda it: max(0, it.minutes - (target[home(it)] - filled[home(it)])),
            )
            first = self.choose(technical[:1], lambda it: True) or self.choose(
                technical, lambda it: True
            )
            if first is not None:
                self.add(first, "technical")

    def proportional(self) -> None:
        """The proportional fill: the topic furthest below its share takes its next question."""
        target, filled, weights = self.target, self.filled, self.request.weights
        closed: set[str] = set()
        while True:
            open_topics = [t for t in self.topics if t not in closed and filled[t] < target[t]]
            if not open_topics:
                break
            t = max(
                open_topics,
                key=lambda t: (
                    (target[t] - filled[t]) / target[t],
                    weights[t],
                    -self.topic_rank[t],
                ),
            )
            it = self.share_pick(t)
            if it is None:
                closed.add(t)
            else:
                self.add(it, "share")

    def share_pick(self, t: str) -> Item | None:
        """The next question of a topic below its share. It may overshoot the share by less
        than the share left (it lands closer to the share than leaving it), so longer, harder
        questions are not shut out."""
        deficit = self.target[t] - self.filled[t]
        return self.choose(
            self.candidates[t],
            lambda it: it.minutes < 2 * deficit,
            prefer_not=lambda it: it.minutes > deficit,
        )

    def top_up(self) -> None:
        """The top-up towards 90% of the plan, from the topics furthest below their share."""
        target, filled, weights = self.target, self.filled, self.request.weights
        while self.total < self.low:
            for t in sorted(
                self.topics, key=lambda t: (filled[t] - target[t], -weights[t], self.topic_rank[t])
            ):
                it = self.choose(
                    self.candidates[t], lambda it: self.total + it.minutes >= self.low
                ) or self.choose(self.candidates[t], lambda it: True)
                if it is not None:
                    self.add(it, "top-up")
                    break
            else:
                break

    def session(self, final: list[Item], *, need_technical: bool) -> Result:
        """The picks in session order, easy to hard (the seeded order settles equal
        difficulties), each with its reason."""
        session = sorted(final, key=lambda it: (it.difficulty, self.rank[it.id]))
        stage = self.stage
        for it in session:
            stage.setdefault(it.id, "exact")
        if self.need_behavioral and not any(stage[it.id] == "behavioral" for it in session):
            stage[next(it.id for it in session if it.is_behavioral)] = "behavioral"
        if need_technical and not any(stage[it.id] == "technical" for it in session):
            stage[next(it.id for it in session if it.is_technical)] = "technical"
        weight_sum = sum(self.share_weights[t] for t in self.topics)
        label = self.request.label
        return Result(
            picks=_with_reasons(
                session,
                home=self.home,
                label=label,
                target=self.target,
                share={t: self.share_weights[t] / weight_sum for t in self.topics},
                stage=stage,
            ),
            notes=self.notes + _uncovered(self.topics, session, self.home, self.target, label),
        )


def _no_fit_message(pool: list[Item], plan: int, low: int, longest: int, *, need: int) -> str:
    sizes = sorted({it.minutes for it in pool})
    required = []
    if need & BEHAVIORAL:
        required.append("a behavioral question")
    if need & TECHNICAL:
        required.append("a coding or system-design question")
    what = "No set of the available questions"
    if required:
        what += " with " + " and ".join(required)
    message = (
        f"{what} adds up to {low} to {plan} minutes (90% to 100% of the plan) without "
        f"near-duplicates: the {len(pool)} question(s) take "
        f"{join_names([str(s) for s in sizes])} min."
    )
    if longest:
        message += (
            f" The fullest session within the plan lasts {longest} min: plan "
            f"{longest} to {longest * 10 // 9} minutes, or choose more topics."
        )
    return message


def _uncovered(
    topics: list[str],
    session: list[Item],
    home: Callable[[Item], str],
    target: dict[str, int],
    label: Callable[[str], str],
) -> list[str]:
    covered = {home(it) for it in session}
    missing = [t for t in topics if t not in covered]
    if not missing:
        return []
    return [
        "Not covered, their shares being too small for their questions or the plan full: "
        + join_names([f"{label(t)} ({target[t]} min)" for t in missing])
        + "."
    ]


_STAGE_REASONS = {
    "share": "",
    "top-up": "added so the session reaches 90% of the plan",
    "exact": "chosen so the session fills 90% to 100% of the plan",
}


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _with_reasons(
    session: list[Item],
    *,
    home: Callable[[Item], str],
    label: Callable[[str], str],
    target: dict[str, int],
    share: dict[str, float],
    stage: dict[int, str],
) -> list[Pick]:
    """Each pick's reason in plain words: its topic slot, its place on the ramp, its minutes.

    E.g. "Chosen for RAG: 2nd of 3 topic slots (15 min against its 15-min share, weight 50%);
    difficulty 3 keeps the ramp rising; 8 min."
    """
    by_topic: dict[str, list[Item]] = defaultdict(list)
    for it in session:
        by_topic[home(it)].append(it)
    filled = {t: sum(it.minutes for it in its) for t, its in by_topic.items()}
    picks = []
    previous = None
    for it in session:
        t = home(it)
        mine = by_topic[t]
        unit = max(o.minutes for o in mine)
        stages = {stage[o.id] for o in mine}
        if filled[t] < target[t] - unit / 2:
            state = ": under-filled, no more of its questions fit the session"
        elif filled[t] <= target[t] + unit / 2:
            state = ""
        elif stages & {"top-up", "exact"}:
            state = ": above its share so the session reaches 90% of the plan"
        elif stages & {"behavioral", "technical"}:
            state = ": above its share to mix in the kinds the session needs"
        else:
            state = ": above its share, its questions running longer than the share"
        slot = (
            "its only topic slot"
            if len(mine) == 1
            else f"{ordinal(mine.index(it) + 1)} of {len(mine)} topic slots"
        )
        if previous is None:
            ramp = f"difficulty {it.difficulty} opens the easy-to-hard ramp"
        elif it.difficulty > previous:
            ramp = f"difficulty {it.difficulty} keeps the ramp rising"
        else:
            ramp = f"difficulty {it.difficulty} keeps the ramp level"
        previous = it.difficulty
        parts = [
            f"Chosen for {label(t)}: {slot} ({filled[t]} min against its {target[t]}-min share, "
            f"weight {share[t]:.0%}{state})",
            ramp,
        ]
        if stage[it.id] == "behavioral":
            parts.append("it is the session's behavioral question")
        elif stage[it.id] == "technical":
            parts.append(f"it is the session's {KIND_LABELS.get(it.kind, it.kind)} question")
        elif why := _STAGE_REASONS[stage[it.id]]:
            parts.append(why)
        parts.append(f"{it.minutes} min.")
        picks.append(Pick(item=it, reason="; ".join(parts)))
    return picks


# --- The exact pass ---------------------------------------------------------------------------


def _clusters(pool: list[Item], graph: dict[int, set[int]]) -> list[list[Item]]:
    """Connected components of the near-duplicate graph, each sorted by id."""
    by_id = {it.id: it for it in pool}
    seen: set[int] = set()
    clusters = []
    for it in pool:
        if it.id in seen:
            continue
        stack, members = [it.id], []
        seen.add(it.id)
        while stack:
            node = stack.pop()
            members.append(by_id[node])
            for other in sorted(graph[node]):
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        clusters.append(sorted(members, key=lambda m: m.id))
    return clusters


Option = tuple[int, int, int, tuple[Item, ...]]  # minutes, features, value, items


def _features(it: Item) -> int:
    """The required kinds a question brings, as bits: BEHAVIORAL, TECHNICAL."""
    return (BEHAVIORAL if it.is_behavioral else 0) | (TECHNICAL if it.is_technical else 0)


def _groups(
    pool: list[Item],
    graph: dict[int, set[int]],
    *,
    plan: int,
    keep: set[int],
    rank: dict[int, int],
    need: int,
) -> list[list[Option]]:
    """The knapsack's groups: from each group take at most one option.

    A lone question is a group of one option. A cluster of near-duplicates is one group whose
    options are its near-duplicate-free subsets, one per (minutes, features) pair, the most
    valuable (kept picks are worth ``KEEP_VALUE``, others 1). A cluster larger than
    ``EXACT_CLUSTER_LIMIT`` (a long chain of rewordings) is thinned to one maximal
    near-duplicate-free subset, kept picks first, then questions of the required kinds, then
    seeded order; its questions then count as lone ones.
    """

    def value(its: Iterable[Item]) -> int:
        return sum(KEEP_VALUE if it.id in keep else 1 for it in its)

    groups: list[list[Option]] = []
    for cluster in _clusters(pool, graph):
        n = len(cluster)
        if n > EXACT_CLUSTER_LIMIT:
            chosen: list[Item] = []
            for it in sorted(
                cluster,
                key=lambda it: (it.id not in keep, not (need & _features(it)), rank[it.id]),
            ):
                if not any(o.id in graph[it.id] for o in chosen):
                    chosen.append(it)
            groups.extend([(it.minutes, _features(it), value((it,)), (it,))] for it in chosen)
            continue
        index = {it.id: i for i, it in enumerate(cluster)}
        adjacent = [sum(1 << index[o] for o in graph[it.id]) for it in cluster]
        independent = [True] * (1 << n)
        best: dict[tuple[int, int], Option] = {}
        for mask in range(1, 1 << n):
            low_bit = (mask & -mask).bit_length() - 1
            independent[mask] = independent[mask & (mask - 1)] and not adjacent[low_bit] & mask
            if not independent[mask]:
                continue
            its = tuple(cluster[i] for i in range(n) if mask >> i & 1)
            minutes = sum(it.minutes for it in its)
            if minutes > plan:
                continue
            features = 0
            for it in its:
                features |= _features(it)
            key = (minutes, features)
            v = value(its)
            if key not in best or v > best[key][2]:
                best[key] = (*key, v, its)
        groups.append([best[key] for key in sorted(best)])
    return groups


def _knapsack(
    pool: list[Item], *, plan: int, low: int, need: int, keep: set[int], rank: dict[int, int]
) -> tuple[list[Item] | None, int]:
    """Exact group knapsack over minutes 0..plan and the required kinds present (bits).

    Returns (the most valuable set in the band with every required kind, or None; the
    longest total within the plan with them).
    """
    graph = near_duplicate_graph(pool)
    groups = _groups(pool, graph, plan=plan, keep=keep, rank=rank, need=need)
    unreached = -1
    best = [[unreached] * (plan + 1) for _ in range(FEATURE_STATES)]
    best[0][0] = 0
    trail = []
    for options in groups:
        new = [row[:] for row in best]
        changes: dict[tuple[int, int], tuple[int, int, int]] = {}
        for f in range(FEATURE_STATES):
            row = best[f]
            for s in range(plan + 1):
                v = row[s]
                if v == unreached:
                    continue
                for o, (minutes, has_f, value, _its) in enumerate(options):
                    ns = s + minutes
                    if ns > plan:
                        break  # options are sorted by minutes
                    nf = f | has_f
                    if v + value > new[nf][ns]:
                        new[nf][ns] = v + value
                        changes[(nf, ns)] = (f, s, o)
        trail.append(changes)
        best = new
    flags = [f for f in range(FEATURE_STATES) if f & need == need]
    reachable = [(s, f) for f in flags for s in range(plan + 1) if best[f][s] != unreached]
    longest = max((s for s, _f in reachable), default=0)
    in_band = [(best[f][s], s, f) for s, f in reachable if s >= low]
    if not in_band:
        return None, longest
    _value, s, f = max(in_band)
    chosen: list[Item] = []
    for g in range(len(groups) - 1, -1, -1):
        step = trail[g].get((f, s))
        if step is not None:
            f, s, o = step
            chosen.extend(groups[g][o][3])
    return sorted(chosen, key=lambda it: it.id), longest


def _reachable(pool: list[Item], plan: int, *, need: int) -> int:
    """Totals within the plan that some set with the required kinds reaches, near-duplicates
    ignored (a bit set)."""
    mask = (1 << (plan + 1)) - 1
    reach = [1] + [0] * (FEATURE_STATES - 1)  # per features present: the totals reached
    for it in pool:
        f = _features(it)
        new = list(reach)
        for have, bits in enumerate(reach):
            if bits:
                new[have | f] |= (bits << it.minutes) & mask
        reach = new
    totals = 0
    for have, bits in enumerate(reach):
        if have & need == need:
            totals |= bits
    return totals


def _exact_fill(
    pool: list[Item], *, plan: int, low: int, need: int, keep: set[int], rank: dict[int, int]
) -> tuple[list[Item] | None, int]:
    """A set meeting every rule, keeping as many ``keep`` ids as possible, or None.

    Returns (items or None, the longest total within the plan). A pool larger than
    ``EXACT_POOL_LIMIT`` is first checked for any total in the band (near-duplicates ignored,
    bit sets: fast) and then searched on a sample (the kept picks and, per length and
    required kinds, enough questions to fill the plan), the whole pool only if the sample
    fails.
    """

    def search(items: list[Item]) -> tuple[list[Item] | None, int]:
        return _knapsack(items, plan=plan, low=low, need=need, keep=keep, rank=rank)

    if len(pool) <= EXACT_POOL_LIMIT:
        return search(pool)
    reach = _reachable(pool, plan, need=need)
    if not reach >> low:
        return None, max(0, reach.bit_length() - 1)
    by_class: dict[tuple[int, int], list[Item]] = defaultdict(list)
    for it in sorted(pool, key=lambda it: rank[it.id]):
        if it.id not in keep:
            by_class[(it.minutes, _features(it))].append(it)
    per_class = max(2, EXACT_POOL_LIMIT // len(by_class))
    sample = [it for it in pool if it.id in keep] + [
        it
        for (minutes, _f), its in sorted(by_class.items())
        for it in its[: min(per_class, plan // minutes + 1)]
    ]
    found, longest = search(sorted(sample, key=lambda it: it.id))
    if found is not None:
        return found, longest
    return search(pool)
