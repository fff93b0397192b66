"""Auto-compose: the pure core's rules for any bank (hypothesis), and the database layer."""

import itertools
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from interviews import services
from interviews.autocompose import (
    Item,
    NearDuplicateIndex,
    _largest_remainder,
    behavioral_requested,
    compose,
    lower_bound,
    near_duplicate_graph,
    near_duplicates,
    ordinal,
    similarity,
    technical_wanted,
)
from interviews.autocompose_services import autocompose_interview
from interviews.models import InterviewQuestion, InterviewStatus
from questionbank.models import Kind, Level, Question, Topic
from tests.factories import QuestionFactory, assigned_interview, make_bank
from tests.interviews.conftest import make_status

SLUGS = ("rag", "inference", "agents", "behavioral")
KINDS = ("conceptual", "coding", "system_design", "behavioral", "scenario")
TECHNICAL = {"coding", "system_design"}
LEVELS = ("engineer", "scientist", "intern", "")
WORDS = ("attention", "cache", "retrieval", "agents", "latency", "tokens", "memory", "experts")
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "questionbank.json"


# --- Strategies and the rule checker ----------------------------------------------------------


@st.composite
def banks(draw, max_size=24, max_minutes=40):
    """Banks with near-duplicates now and then: texts from a small vocabulary."""
    ids = draw(st.lists(st.integers(1, 5000), max_size=max_size, unique=True))
    items = []
    for pk in ids:
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))
        if draw(st.booleans()):
            words.append(f"subject{pk}")
        items.append(
            Item(
                id=pk,
                text=" ".join(words).capitalize() + "?",
                topic_slugs=tuple(
                    draw(st.lists(st.sampled_from(SLUGS), min_size=1, max_size=2, unique=True))
                ),
                difficulty=draw(st.integers(1, 5)),
                minutes=draw(st.integers(1, max_minutes)),
                kind=draw(st.sampled_from(KINDS)),
            )
        )
    return items


weights_st = st.dictionaries(
    st.sampled_from((*SLUGS, "unknown")),
    st.one_of(st.integers(0, 10), st.floats(0.1, 10)),
    max_size=5,
)


@st.composite
def requests(draw, max_size=24, max_plan=150):
    items = draw(banks(max_size=max_size))
    ids = [it.id for it in items]
    return {
        "items": items,
        "planned_minutes": draw(st.integers(-5, max_plan)),
        "topic_weights": draw(weights_st),
        "seed": draw(st.integers(0, 2**32)),
        "exclude_ids": set(draw(st.lists(st.sampled_from(ids), max_size=5))) if ids else set(),
        "level": draw(st.sampled_from(LEVELS)),
        "kinds": draw(st.one_of(st.none(), st.sets(st.sampled_from(KINDS), max_size=5))),
    }


@st.composite
def long_technical_requests(draw):
    """Requests where mixing in a technical question is wanted: Engineer or Scientist, 45
    minutes or more, small banks (for brute force) of questions short enough to fill the plan."""
    items = draw(banks(max_size=9, max_minutes=25))
    return {
        "items": items,
        "planned_minutes": draw(st.integers(45, 70)),
        "topic_weights": draw(
            st.dictionaries(st.sampled_from(SLUGS), st.integers(1, 5), min_size=2, max_size=4)
        ),
        "seed": draw(st.integers(0, 2**32)),
        "exclude_ids": set(),
        "level": draw(st.sampled_from(("engineer", "scientist"))),
        "kinds": draw(st.one_of(st.none(), st.sets(st.sampled_from(KINDS), min_size=3))),
    }


def in_band(minutes: int, plan: int) -> bool:
    return 10 * minutes >= 9 * plan and minutes <= plan


def requested(weights) -> set[str]:
    return {slug for slug, w in weights.items() if w > 0}


def behavioral_needed(items, topic_weights, kinds) -> bool:
    """Behavioral is required when requested and not left out with the kinds."""
    return behavioral_requested(items, topic_weights) and (kinds is None or "behavioral" in kinds)


def assert_rules(
    result, *, items, planned_minutes, topic_weights, exclude_ids, seed=None, level="", kinds=None
):
    """Every rule of the issue, or a clear message and no picks."""
    if result.problems:
        assert result.picks == []
        assert all(len(message.strip()) > 20 for message in result.problems)
        return
    picks = [p.item for p in result.picks]
    ids = [it.id for it in picks]
    assert picks, "a satisfiable request gives questions"
    assert len(ids) == len(set(ids))
    given_items = {it.id: it for it in items}
    assert all(given_items.get(it.id) == it for it in picks), "only given items"
    assert not set(ids) & set(exclude_ids)
    topics = requested(topic_weights)
    assert all(set(it.topic_slugs) & topics for it in picks), "only the chosen topics"
    if kinds is not None:
        assert all(it.kind in kinds for it in picks), "only the chosen kinds"
    assert in_band(sum(it.minutes for it in picks), planned_minutes)
    difficulties = [it.difficulty for it in picks]
    assert difficulties == sorted(difficulties), "easy to hard"
    for a, b in itertools.combinations(picks, 2):
        assert not near_duplicates(a.text, b.text), (a.text, b.text)
    if behavioral_needed(items, topic_weights, kinds):
        assert any(it.kind == Kind.BEHAVIORAL for it in picks)
    assert all(p.reason and f"; {p.item.minutes} min." in p.reason for p in result.picks)
    assert all(p.reason.startswith("Chosen for ") for p in result.picks)


def brute_force_feasible(
    items, *, planned_minutes, topic_weights, exclude_ids, kinds=None, need_technical=False
) -> bool:
    """Is there any set of questions meeting every rule? (small banks only)

    With ``need_technical``: any such set with a coding or system-design question.
    """
    if planned_minutes <= 0:
        return False
    topics = requested(topic_weights)
    pool = [
        it
        for it in items
        if set(it.topic_slugs) & topics
        and it.id not in exclude_ids
        and (kinds is None or it.kind in kinds)
    ]
    need_behavioral = behavioral_needed(items, topic_weights, kinds)
    for size in range(1, len(pool) + 1):
        for subset in itertools.combinations(pool, size):
            if not in_band(sum(it.minutes for it in subset), planned_minutes):
                continue
            if need_behavioral and not any(it.kind == Kind.BEHAVIORAL for it in subset):
                continue
            if need_technical and not any(it.kind in TECHNICAL for it in subset):
                continue
            if any(near_duplicates(a.text, b.text) for a, b in itertools.combinations(subset, 2)):
                continue
            return True
    return False


def item(pk, text=None, topic="rag", difficulty=1, minutes=5, kind="conceptual"):
    topics = topic if isinstance(topic, tuple) else (topic,)
    return Item(pk, text or f"Distinct question number {pk}?", topics, difficulty, minutes, kind)


# --- Properties -------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_any_request_gives_a_valid_session_or_a_clear_message(request_):
    result = compose(**request_)
    assert_rules(result, **request_)


@settings(max_examples=100, deadline=None)
@given(requests(), st.randoms(use_true_random=False))
def test_same_inputs_and_seed_give_the_same_session_whatever_the_input_order(request_, rnd):
    first = compose(**request_)
    assert compose(**request_) == first
    shuffled = list(request_["items"])
    rnd.shuffle(shuffled)
    assert compose(**{**request_, "items": shuffled}) == first


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests(max_size=9, max_plan=70))
def test_impossible_only_when_no_valid_session_exists(request_):
    """No false "impossible": whenever brute force finds a valid set, compose finds one too."""
    result = compose(**request_)
    feasible = brute_force_feasible(
        request_["items"],
        planned_minutes=request_["planned_minutes"],
        topic_weights=request_["topic_weights"],
        exclude_ids=request_["exclude_ids"],
        kinds=request_["kinds"],
    )
    assert result.ok == feasible, result.problems
    assert_rules(result, **request_)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(requests(max_size=9, max_plan=70), long_technical_requests()))
def test_long_engineer_and_scientist_sessions_mix_in_a_technical_question_when_one_fits(request_):
    """At Engineer or Scientist, 45 minutes or more, with coding or system design included: a
    coding or system-design question whenever some valid session has one (brute force).
    Otherwise (another level, a shorter plan, those kinds left out) none is required."""
    result = compose(**request_)
    assert_rules(result, **request_)
    has_technical = any(p.item.kind in TECHNICAL for p in result.picks)
    wanted = technical_wanted(
        level=request_["level"],
        planned_minutes=request_["planned_minutes"],
        kinds=request_["kinds"],
    )
    assert wanted == (
        request_["level"] in ("engineer", "scientist")
        and request_["planned_minutes"] >= 45
        and (request_["kinds"] is None or bool(request_["kinds"] & TECHNICAL))
    )
    if request_["kinds"] is not None and not request_["kinds"] & TECHNICAL:
        assert not has_technical
    if not wanted or not result.ok:
        return
    fits = brute_force_feasible(
        request_["items"],
        planned_minutes=request_["planned_minutes"],
        topic_weights=request_["topic_weights"],
        exclude_ids=request_["exclude_ids"],
        kinds=request_["kinds"],
        need_technical=True,
    )
    event(f"a technical question fits: {fits}")
    if fits:
        assert has_technical, result.picks
        technical = [p for p in result.picks if p.item.kind in TECHNICAL]
        assert any("it is the session's " in p.reason for p in technical)
    else:
        assert any("No coding or system-design question fits" in n for n in result.notes)


@settings(max_examples=60, deadline=None)
@given(
    weights=st.tuples(*[st.integers(1, 10)] * 3),
    plan=st.integers(30, 150),
    seed=st.integers(0, 2**32),
)
def test_topics_get_minutes_in_proportion_to_their_weights(weights, plan, seed):
    """On a roomy bank each topic's minutes stay close to its weight's share of the plan."""
    topics = ("rag", "inference", "agents")
    items = [
        item(t * 100 + i, f"{topic} question {i}?", topic, i % 5 + 1, 3 + i % 6)
        for t, topic in enumerate(topics)
        for i in range(40)
    ]
    topic_weights = dict(zip(topics, weights, strict=True))
    result = compose(items, planned_minutes=plan, topic_weights=topic_weights, seed=seed)
    assert result.ok, result.problems
    assert_rules(
        result, items=items, planned_minutes=plan, topic_weights=topic_weights, exclude_ids=set()
    )
    minutes = Counter()
    for pick in result.picks:
        minutes[pick.item.topic_slugs[0]] += pick.item.minutes
    shares = _largest_remainder(plan, {t: float(w) for t, w in topic_weights.items()})
    longest = max(it.minutes for it in items)
    for topic in topics:
        assert abs(minutes[topic] - shares[topic]) <= longest, (topic, minutes, shares)


@settings(max_examples=150, deadline=None)
@given(banks(max_size=30))
def test_the_near_duplicate_graph_finds_exactly_the_pairs(items):
    graph = near_duplicate_graph(items)
    expected = {
        frozenset((a.id, b.id))
        for a, b in itertools.combinations(items, 2)
        if near_duplicates(a.text, b.text)
    }
    assert {frozenset((a, b)) for a in graph for b in graph[a]} == expected


# --- Specific cases ---------------------------------------------------------------------------


BANK = [
    item(1, "What is retrieval augmented generation?", "rag", 1, 5),
    item(2, "How do you chunk documents for retrieval?", "rag", 2, 5),
    item(3, "How do you evaluate a RAG pipeline end to end?", "rag", 3, 8),
    item(4, "What is a KV cache?", "inference", 1, 4),
    item(5, "How does speculative decoding speed up generation?", "inference", 4, 7),
    item(6, "Tell me about a conflict with a teammate", "behavioral", 2, 8, "behavioral"),
    item(7, "Describe a project you are proud of", "behavioral", 3, 8, "behavioral"),
]


def test_a_one_minute_plan_gets_a_clear_message_and_no_picks():
    result = compose(BANK, planned_minutes=1, topic_weights={"rag": 1}, seed=1)
    assert result.picks == []
    assert result.problems == [
        "A 1-minute plan is too short for any question: the shortest question for the chosen "
        "topics takes 5 min. Plan at least 5 minutes."
    ]


@pytest.mark.parametrize("plan", [0, -10])
def test_a_plan_without_minutes_is_refused(plan):
    result = compose(BANK, planned_minutes=plan, topic_weights={"rag": 1}, seed=1)
    assert result.picks == [] and "Plan at least 1 minute" in result.problems[0]


def test_topics_without_questions_get_a_clear_message():
    result = compose(BANK, planned_minutes=30, topic_weights={"quantum": 1, "vision": 2}, seed=1)
    assert result.picks == []
    assert result.problems == [
        "No questions for the chosen topics (quantum, vision): choose other topics."
    ]
    result = compose(BANK, planned_minutes=30, topic_weights={}, seed=1)
    assert result.problems == ["Choose at least one topic to cover."]
    for bad in (-1, float("nan"), float("inf"), "heavy", None):
        result = compose(BANK, planned_minutes=30, topic_weights={"rag": bad}, seed=1)
        assert result.problems == ["Topic weights must be positive numbers: check rag."]


def test_weights_may_be_decimals_and_zero_means_not_requested():
    weights = {"rag": Decimal("2.5"), "inference": Decimal("1"), "behavioral": 0}
    result = compose(BANK, planned_minutes=20, topic_weights=weights, seed=1)
    assert result.ok, result.problems
    assert {p.item.topic_slugs[0] for p in result.picks} <= {"rag", "inference"}


def test_too_few_minutes_in_the_pool_says_how_many_there_are():
    result = compose(BANK, planned_minutes=60, topic_weights={"rag": 1}, seed=1)
    assert result.picks == []
    assert result.problems[0].startswith("The chosen topics offer only 18 minutes of questions")
    assert "54 minutes needed" in result.problems[0]


def test_everything_already_asked_is_explained():
    result = compose(
        BANK, planned_minutes=10, topic_weights={"rag": 1}, seed=1, exclude_ids={1, 2, 3}
    )
    assert result.problems == [
        "All 3 questions for the chosen topics were already asked to this candidate: "
        "choose other topics."
    ]


def test_behavioral_requested_but_unavailable_is_a_problem():
    result = compose(
        BANK,
        planned_minutes=20,
        topic_weights={"rag": 1, "behavioral": 1},
        seed=1,
        exclude_ids={6, 7},
    )
    assert result.picks == []
    assert "behavioral question was requested but none is available" in result.problems[0]
    assert "already asked" in result.problems[0]


def test_behavioral_requested_gets_one_even_when_its_share_is_small():
    weights = {"rag": 10, "inference": 10, "behavioral": 1}
    for seed in range(10):
        result = compose(BANK, planned_minutes=25, topic_weights=weights, seed=seed)
        assert result.ok, result.problems
        kinds = [p.item.kind for p in result.picks]
        assert "behavioral" in kinds
        behavioral = next(p for p in result.picks if p.item.kind == "behavioral")
        assert "the session's behavioral question" in behavioral.reason


def test_behavioral_requested_by_slug_or_by_a_topic_of_behavioral_questions():
    items = [item(1, topic="leadership", kind="behavioral"), item(2, topic="rag")]
    assert behavioral_requested(items, {"leadership": 1})
    assert behavioral_requested(items, {"rag": 1, "behavioral-questions": 1})
    assert not behavioral_requested(items, {"rag": 1})
    assert not behavioral_requested(items, {"rag": 1, "behavioral": 0})


def test_no_set_within_the_band_is_explained_with_the_fullest_session():
    items = [item(1, minutes=40), item(2, minutes=40)]
    result = compose(items, planned_minutes=60, topic_weights={"rag": 1}, seed=3)
    assert result.picks == []
    assert "adds up to 54 to 60 minutes" in result.problems[0]
    assert (
        "The fullest session within the plan lasts 40 min: plan 40 to 44 minutes"
        in (result.problems[0])
    )


def test_the_exact_pass_finds_the_only_fit_the_greedy_misses():
    items = [item(1, minutes=35), item(2, minutes=30), item(3, minutes=30)]
    for seed in range(10):
        result = compose(items, planned_minutes=60, topic_weights={"rag": 1}, seed=seed)
        assert sorted(result.question_ids) == [2, 3], result.problems


def test_near_duplicates_are_never_picked_together():
    items = [
        item(1, "How does mixture of experts (MoE) work in large language models?", minutes=30),
        item(2, "How does Mixture of Experts (MoE) enhance LLM scalability?", minutes=30),
        item(3, "What is a KV cache?", minutes=30),
    ]
    for seed in range(10):
        result = compose(items, planned_minutes=60, topic_weights={"rag": 1}, seed=seed)
        assert 3 in result.question_ids and len(result.picks) == 2
    result = compose(items[:2], planned_minutes=60, topic_weights={"rag": 1}, seed=1)
    assert "without near-duplicates" in result.problems[0]


def test_near_duplicate_threshold_on_the_real_guide():
    """Exactly the guide's five reworded pairs are near-duplicates, no unrelated pair."""
    records = json.loads(FIXTURE.read_text())
    texts = [r["fields"]["text"] for r in records if r["model"] == "questionbank.question"]
    pairs = {
        frozenset((a, b)) for a, b in itertools.combinations(texts, 2) if near_duplicates(a, b)
    }
    assert pairs == {
        frozenset(pair)
        for pair in [
            (
                "How does mixture of experts (MoE) work in large language models?",
                "How does Mixture of Experts (MoE) enhance LLM scalability?",
            ),
            (
                "What are the key considerations for LLM model serving in production?",
                "What are the key considerations for deploying LLMs in production?",
            ),
            (
                "How do you implement and optimize KV-cache for transformer inference?",
                "Implement KV-cache for transformer inference",
            ),
            ("What is in-context learning?", "How does in-context learning work mechanistically?"),
            (
                "What are parameter-efficient fine-tuning (PEFT) methods?",
                "Explain the difference between full fine-tuning and parameter-efficient methods",
            ),
        ]
    }
    unrelated = (
        "What defines a Large Language Model (LLM)?",
        "How do you define stopping criteria in LLMs?",
    )
    assert similarity(*unrelated) == 0.5 and not near_duplicates(*unrelated)


def test_reasons_say_topic_share_ramp_and_minutes():
    weights = {"rag": 2, "inference": 1, "behavioral": 1}
    labels = {"rag": "RAG", "inference": "Inference", "behavioral": "Behavioral"}
    result = compose(BANK, planned_minutes=30, topic_weights=weights, seed=4, topic_labels=labels)
    assert result.ok, result.problems
    rag = [p for p in result.picks if p.item.topic_slugs == ("rag",)]
    assert len(rag) >= 2
    filled = sum(p.item.minutes for p in rag)
    first, second = rag[0].reason, rag[1].reason
    assert first.startswith(
        f"Chosen for RAG: 1st of {len(rag)} topic slots ({filled} min against its 15-min share, "
        "weight 50%"
    )
    assert second.startswith(f"Chosen for RAG: 2nd of {len(rag)} topic slots (")
    assert result.picks[0].reason.split("; ")[1] == (
        f"difficulty {result.picks[0].item.difficulty} opens the easy-to-hard ramp"
    )
    for before, pick in itertools.pairwise(result.picks):
        rising = pick.item.difficulty > before.item.difficulty
        ramp = "keeps the ramp rising" if rising else "keeps the ramp level"
        assert f"; difficulty {pick.item.difficulty} {ramp}; " in pick.reason
    assert first.endswith(f"; {rag[0].item.minutes} min.")
    (behavioral,) = [p for p in result.picks if p.item.kind == "behavioral"]
    assert behavioral.reason.startswith("Chosen for Behavioral: its only topic slot (")
    assert "; it is the session's behavioral question; " in behavioral.reason


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st",
        "111th",
    ]  # fmt: skip


def test_an_under_filled_topic_says_so():
    items = [item(1, topic="rag", minutes=5)] + [
        item(10 + i, f"Inference subject {i}?", "inference", minutes=5) for i in range(10)
    ]
    result = compose(items, planned_minutes=40, topic_weights={"rag": 3, "inference": 1}, seed=2)
    assert result.ok and result.total_minutes == 40
    (rag,) = [p for p in result.picks if p.item.id == 1]
    assert rag.reason.startswith(
        "Chosen for rag: its only topic slot (5 min against its 30-min share, weight 75%: "
        "under-filled, "
        "no more of its questions fit the session); "
    )
    assert any("reaches 90% of the plan" in p.reason for p in result.picks)


def test_a_question_counts_for_its_first_requested_topic():
    items = [item(1, topic=("vision", "rag"), minutes=10), item(2, topic="rag", minutes=10)]
    result = compose(items, planned_minutes=20, topic_weights={"rag": 1}, seed=0)
    assert sorted(result.question_ids) == [1, 2]
    assert all(p.reason.startswith("Chosen for rag: ") for p in result.picks)


def test_a_technical_question_that_cannot_fit_is_left_out_with_a_note():
    items = [
        item(1, minutes=20),
        item(2, minutes=25),
        item(3, "Design a retrieval system", minutes=30, kind="system_design"),
    ]
    result = compose(items, planned_minutes=45, topic_weights={"rag": 1}, seed=1, level="engineer")
    assert result.ok and sorted(result.question_ids) == [1, 2]
    assert (
        "No coding or system-design question fits this plan with the chosen topics and the "
        "other rules, so the session has none." in result.notes
    )
    result = compose(
        items, planned_minutes=45, topic_weights={"rag": 1}, seed=1, require_technical=True
    )
    assert result.picks == []
    assert result.problems[0].startswith(
        "No set of the available questions with a coding or system-design question adds up to "
        "41 to 45 minutes"
    )
    result = compose(items, planned_minutes=50, topic_weights={"rag": 1}, seed=1, level="engineer")
    assert sorted(result.question_ids) == [1, 3] and not result.notes


def test_kinds_left_out_are_never_picked_and_none_at_all_is_a_problem():
    result = compose(BANK, planned_minutes=20, topic_weights={"rag": 1}, seed=1, kinds=[])
    assert result.problems == ["Choose at least one kind of question to include."]
    result = compose(
        BANK, planned_minutes=20, topic_weights={"rag": 1}, seed=1, kinds=["coding", "scenario"]
    )
    assert result.problems == [
        "No questions of the chosen kinds for the chosen topics: include more kinds or choose "
        "other topics."
    ]
    # Behavioral left out: a behavioral topic is then not required to give one.
    weights = {"rag": 1, "inference": 1, "behavioral": 1}
    result = compose(BANK, planned_minutes=25, topic_weights=weights, seed=1, kinds=["conceptual"])
    assert result.ok and {p.item.kind for p in result.picks} == {"conceptual"}


def test_seeds_vary_the_session():
    items = [item(i, f"Subject {i} question?", minutes=5, difficulty=i % 5 + 1) for i in range(30)]
    sessions = {
        tuple(compose(items, planned_minutes=30, topic_weights={"rag": 1}, seed=s).question_ids)
        for s in range(5)
    }
    assert len(sessions) > 1


def test_lower_bound_is_ninety_percent_rounded_up():
    assert [lower_bound(p) for p in (1, 5, 10, 45, 60, 61)] == [1, 5, 9, 41, 54, 55]


def bulk_items(count, *, minutes=lambda i: 3 + i % 10, kinds=KINDS):
    """The texts make_bank writes: a long chain of near-duplicates (the hard case)."""
    return [
        item(
            i + 1,
            f"Bulk question {i} about subject {i * 31 % 997} and idea {i} (set 1)",
            f"big-{i % 12}",
            i % 5 + 1,
            minutes(i),
            kinds[i % len(kinds)],
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("plan", [5, 7, 13, 60, 240])
def test_a_large_bank_full_of_rewordings_still_meets_every_rule(plan):
    items = bulk_items(1500)
    weights = {f"big-{i}": 1 + i % 3 for i in range(12)}
    result = compose(items, planned_minutes=plan, topic_weights=weights, seed=plan)
    assert result.ok, result.problems
    assert_rules(
        result, items=items, planned_minutes=plan, topic_weights=weights, exclude_ids=set()
    )


def test_a_large_bank_that_cannot_fill_the_band_says_so():
    items = bulk_items(1500, minutes=lambda i: 40)
    result = compose(items, planned_minutes=60, topic_weights={"big-1": 1, "big-2": 1}, seed=1)
    assert result.picks == []
    assert "adds up to 54 to 60 minutes" in result.problems[0]
    # With a behavioral question required, a large pool needs one that fits.
    items = bulk_items(1500, minutes=lambda i: 11 if i % 5 == 3 else 3)
    weights = {f"big-{i}": 1 for i in range(12)}
    result = compose(items, planned_minutes=13, topic_weights=weights, seed=1)
    assert result.ok and result.total_minutes == 12
    result = compose(
        items, planned_minutes=13, topic_weights=weights, seed=1, require_behavioral=True
    )
    assert result.picks == []
    assert result.problems[0].startswith(
        "No set of the available questions with a behavioral question adds up to 12 to 13 minutes"
    )
    assert "The fullest session within the plan lasts 11 min" in result.problems[0]


# --- The database layer -----------------------------------------------------------------------


@pytest.fixture
def engineer_interview(guide_bank, interviewer):
    level = Level.objects.get(slug="engineer")
    candidate = services.candidate_create(name="Gia Guide", level=level, created_by=interviewer)
    return assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=60
    )


def written(interview):
    return list(interview.items.order_by("position").select_related("question"))


def test_autocompose_on_the_real_guide(engineer_interview):
    result = autocompose_interview(interview=engineer_interview, topic_slugs=None, seed=7)
    assert result.ok, result.problems
    items = written(engineer_interview)
    assert [i.question_id for i in items] == result.question_ids
    assert [i.reason for i in items] == [p.reason[:300] for p in result.picks]
    assert all(i.reason and i.planned for i in items)
    minutes = sum(i.estimated_minutes for i in items)
    assert 54 <= minutes <= 60
    difficulties = [i.difficulty for i in items]
    assert difficulties == sorted(difficulties) and len(set(difficulties)) >= 3
    assert any(i.kind == Kind.BEHAVIORAL for i in items)
    for a, b in itertools.combinations(items, 2):
        assert not near_duplicates(a.text, b.text)
    engineer = Level.objects.get(slug="engineer")
    for i in items:
        assert i.question.is_active and engineer in i.question.levels.all()
    # Topic names, not slugs, in the reasons; topics spread over the session.
    assert any(i.reason.startswith("Chosen for Behavioral Questions") for i in items)
    # A 60-minute Engineer interview mixes in a coding or system-design question.
    assert any(i.kind in TECHNICAL for i in items)
    assert len({i.topics[0][0] for i in items}) >= 8
    # The same seed gives the same session; it replaces what was there.
    again = autocompose_interview(interview=engineer_interview, topic_slugs=None, seed=7)
    assert again.question_ids == result.question_ids
    assert [i.question_id for i in written(engineer_interview)] == result.question_ids
    others = [
        autocompose_interview(interview=engineer_interview, topic_slugs=None, seed=s).question_ids
        for s in (8, 9)
    ]
    assert any(ids != result.question_ids for ids in others)

    # Questions the candidate was asked in another (submitted) interview are left out.
    earlier = assigned_interview(
        interviewer=engineer_interview.interviewer,
        candidate=engineer_interview.candidate,
        level=engineer_interview.level,
        planned_minutes=30,
    )
    asked = result.question_ids[:4]
    for question in Question.objects.filter(pk__in=asked):
        # planned in this loop already (the draft above): a repeat, confirmed
        services.interview_add_question(interview=earlier, question=question, confirm_repeat=True)
    make_status(earlier, InterviewStatus.SUBMITTED)
    later = autocompose_interview(interview=engineer_interview, topic_slugs=None, seed=7)
    assert later.ok, later.problems
    assert not set(later.question_ids) & set(asked)
    assert "Left out 4 question(s) already asked to this candidate." in later.notes
    assert not set(engineer_interview.items.values_list("question_id", flat=True)) & set(asked)


def test_autocompose_with_chosen_topics_and_weights(engineer_interview):
    rag, inference = "rag-retrieval-augmented-generation", "inference-optimization"
    chosen = [rag, inference, "behavioral-questions-use-star-framework"]
    result = autocompose_interview(
        interview=engineer_interview,
        topic_slugs=chosen,
        weights={rag: 3, inference: 1},
        seed=1,
        kinds=["conceptual", "behavioral", "scenario"],
    )
    assert result.ok, result.problems
    topics = Counter(i.topics[0][0] for i in written(engineer_interview))
    assert set(topics) == set(chosen)
    minutes = Counter()
    for i in written(engineer_interview):
        minutes[i.topics[0][0]] += i.estimated_minutes
    assert minutes[rag] > minutes[inference]
    assert not {i.kind for i in written(engineer_interview)} & TECHNICAL
    # With every kind, the 60-minute Engineer session mixes in one of the two technical
    # questions these topics have (system designs of 25 minutes on RAG, 30 on inference): the
    # one of the heavier topic, and says so.
    result = autocompose_interview(
        interview=engineer_interview, topic_slugs=chosen, weights={rag: 3, inference: 1}, seed=1
    )
    assert result.ok, result.problems
    (technical,) = [i for i in written(engineer_interview) if i.kind in TECHNICAL]
    assert technical.kind == Kind.SYSTEM_DESIGN and technical.topics[0][0] == rag
    assert technical.text == "How do you build a production-grade RAG system?"
    assert "it is the session's system design question" in technical.reason


def test_autocompose_mixes_kinds_by_level_and_plan(guide_bank, interviewer):
    """Engineer and Scientist from 45 minutes: a coding or system-design question; not an
    Intern interview, not a 30-minute one, not with those kinds left out."""

    def kinds_of(level_slug, minutes, kinds=None, seed=3):
        level = Level.objects.get(slug=level_slug)
        candidate = services.candidate_create(
            name=f"Kim {level_slug} {minutes} {kinds}", level=level, created_by=interviewer
        )
        interview = services.interview_create(
            interviewer=interviewer, candidate=candidate, level=level, planned_minutes=minutes
        )
        result = autocompose_interview(
            interview=interview, topic_slugs=None, seed=seed, kinds=kinds
        )
        assert result.ok, result.problems
        return {i.kind for i in written(interview)}

    for level_slug in ("engineer", "scientist"):
        for minutes in (45, 90):
            for seed in (1, 2, 3):
                assert kinds_of(level_slug, minutes, seed=seed) & TECHNICAL
        assert not kinds_of(level_slug, 45, ["conceptual", "behavioral", "scenario"]) & TECHNICAL
        assert kinds_of(level_slug, 45, ["conceptual", "behavioral", "coding"]) & TECHNICAL == {
            "coding"
        }
    assert technical_wanted(level="engineer", planned_minutes=45)
    assert not technical_wanted(level="engineer", planned_minutes=44)
    assert not technical_wanted(level="intern", planned_minutes=90)
    assert not technical_wanted(level="scientist", planned_minutes=60, kinds=["conceptual"])


def test_problems_write_nothing(draft, level):
    before = list(draft.items.values_list("question_id", flat=True))
    Topic.objects.create(name="Quantum", slug="quantum", position=9)
    cases = {
        ("quantum",): "No questions for the chosen topics (Quantum)",
        ("nope",): "Unknown topic(s): nope.",
        (): "Choose at least one topic to cover.",
    }
    for slugs, message in cases.items():
        result = autocompose_interview(interview=draft, topic_slugs=list(slugs), seed=1)
        assert result.picks == [] and result.problems[0].startswith(message)
        assert list(draft.items.values_list("question_id", flat=True)) == before


def test_only_a_draft_is_composed(live_interview):
    before = list(live_interview.items.values_list("question_id", flat=True))
    result = autocompose_interview(interview=live_interview, topic_slugs=None, seed=1)
    assert result.problems == ["Only a draft can be auto-composed: this interview is live."]
    assert list(live_interview.items.values_list("question_id", flat=True)) == before


def test_retired_questions_and_other_levels_are_never_picked(draft, level, topics, bank):
    retired = QuestionFactory(
        text="A retired RAG question?", levels=[level], topics=[topics[0]], status="retired"
    )
    elsewhere = QuestionFactory(text="An intern RAG question?", topics=[topics[0]])
    result = autocompose_interview(interview=draft, topic_slugs=None, seed=3)
    assert result.ok, result.problems
    ids = set(draft.items.values_list("question_id", flat=True))
    assert ids <= {q.pk for q in bank} and not ids & {retired.pk, elsewhere.pk}
    assert InterviewQuestion.objects.filter(interview=draft).count() == len(result.picks)


def test_query_count_does_not_grow_with_the_bank(draft, level, topics):
    with CaptureQueriesContext(connection) as small:
        assert autocompose_interview(interview=draft, topic_slugs=None, seed=5).ok
    make_bank(600, levels=[level], topics=topics)
    with CaptureQueriesContext(connection) as large:
        result = autocompose_interview(interview=draft, topic_slugs=None, seed=5)
    assert result.ok, result.problems
    assert len(large) == len(small)
    reads = [q["sql"] for q in large if q["sql"].lstrip().upper().startswith("SELECT")]
    assert sum('FROM "questionbank_question"' in sql for sql in reads) <= 2


# A large pool: composed from a seeded sample (issue 14) ------------------------------------


@pytest.fixture
def small_sample(monkeypatch):
    """Sampling thresholds scaled down so the real bank counts as a large pool."""
    from interviews import autocompose_services as autocompose

    monkeypatch.setattr(autocompose, "SAMPLE_ABOVE", 100)
    monkeypatch.setattr(autocompose, "SAMPLE_SIZE", 80)
    monkeypatch.setattr(autocompose, "THIN_TOPIC", 2)
    loaded = []
    real_items = autocompose._items

    def spy(pool):
        items = real_items(pool)
        loaded.append(len(items))
        return items

    monkeypatch.setattr(autocompose, "_items", spy)
    return loaded


def test_a_large_pool_is_composed_from_a_seeded_sample(small_sample, engineer_interview):
    pool = Question.objects.active().for_level(engineer_interview.level).count()
    slugs = list(Topic.objects.values_list("slug", flat=True))
    result = autocompose_interview(interview=engineer_interview, topic_slugs=slugs, seed=3)
    assert result.ok, result.problems
    assert lower_bound(60) <= result.total_minutes <= 60
    # the sample and the thin topics' questions only, never the whole pool
    assert sum(small_sample) < pool
    items = list(written(engineer_interview))
    assert len({i.question_id for i in items}) == len(items)
    assert not any(near_duplicates(a.text, b.text) for a, b in itertools.combinations(items, 2))
    again = autocompose_interview(interview=engineer_interview, topic_slugs=slugs, seed=3)
    assert again.question_ids == result.question_ids  # deterministic


def test_a_sample_that_cannot_meet_the_rules_falls_back_to_the_whole_pool(
    small_sample, engineer_interview, monkeypatch
):
    from interviews import autocompose_services as autocompose

    monkeypatch.setattr(autocompose, "SAMPLE_SIZE", 1)
    monkeypatch.setattr(autocompose, "THIN_TOPIC", 0)
    pool = Question.objects.active().for_level(engineer_interview.level).count()
    slugs = list(Topic.objects.values_list("slug", flat=True))
    result = autocompose_interview(interview=engineer_interview, topic_slugs=slugs, seed=3)
    assert result.ok, result.problems
    assert small_sample[-1] == pool  # the whole pool decided
    assert lower_bound(60) <= result.total_minutes <= 60


WORDS = ["attention", "cache", "kv", "model", "models", "decoding", "latency", "the", "how"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
        min_size=1,
        max_size=30,
    )
)
def test_the_near_duplicate_index_finds_exactly_what_comparing_every_pair_finds(texts):
    items = [
        Item(id=i, text=t, topic_slugs=("t",), difficulty=1, minutes=5, kind="conceptual")
        for i, t in enumerate(texts)
    ]
    index = NearDuplicateIndex(items)
    for it in items:
        expected = {o.id for o in items if near_duplicates(it.text, o.text)}
        assert index.near(it) == expected
