"""One definition of "the same question": the tokeniser, the measure, the two thresholds, and
the admin's query agreeing with the definition on both backends."""

import itertools
import json
from fractions import Fraction
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from questionbank.models import Question
from questionbank.similarity import (
    LIKELY_DUPLICATE,
    NEAR_DUPLICATE,
    candidate_patterns,
    least_overlap,
    likely_duplicate,
    near_duplicates,
    overlaps,
    similar_questions,
    similarity,
    text_tokens,
    word_overlap,
)
from tests.factories import QuestionFactory

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "questionbank.json"


def test_the_tokeniser_keeps_content_words_folds_plurals_and_llm():
    assert text_tokens("How do you evaluate RAG pipelines?") == {"evaluate", "rag", "pipeline"}
    assert text_tokens("What are retrieval strategies?") == {"retrieval", "strategy"}
    assert text_tokens("What is bias? What is loss? Focus.") == {"bias", "loss", "focus"}
    for text in ("a large language model", "Language Models", "LLMs", "an LLM model"):
        assert text_tokens(text) == {"llm"}, text
    assert text_tokens("What is it?") == {"what", "is", "it"}  # only stop words: all kept
    assert text_tokens("???") == {"???"}


def test_the_measure_is_the_jaccard_of_content_words_kept_exact():
    a = text_tokens("How does nucleus sampling choose the next token?")
    b = text_tokens("How does nucleus (top-p) sampling choose the next token?")
    assert a == {"nucleus", "sampling", "choose", "next", "token"}
    assert word_overlap(a, b) == Fraction(5, 7)
    assert similarity("What is a KV cache?", "Explain the KV cache.") == 1.0
    assert similarity("What is a KV cache?", "What is beam search?") == 0.0


def test_the_two_thresholds_one_strict_one_inclusive():
    assert (Fraction(3, 5), Fraction(1, 2)) == (NEAR_DUPLICATE, LIKELY_DUPLICATE)
    three, five = frozenset("abc"), frozenset("abcde")  # 3/5 exactly
    assert not overlaps(three, five, NEAR_DUPLICATE, strictly=True)
    assert overlaps(three, five, LIKELY_DUPLICATE, strictly=False)
    two, four = frozenset("ab"), frozenset("abcd")  # 1/2 exactly
    assert overlaps(two, four, LIKELY_DUPLICATE, strictly=False)
    assert least_overlap(5, NEAR_DUPLICATE, strictly=True) == 4
    assert least_overlap(5, LIKELY_DUPLICATE, strictly=False) == 3
    assert least_overlap(4, LIKELY_DUPLICATE, strictly=False) == 2


def test_every_near_duplicate_is_also_a_likely_duplicate_on_the_real_guide():
    """What auto-compose keeps apart, the admin warns about when it is typed."""
    records = json.loads(FIXTURE.read_text())
    texts = [r["fields"]["text"] for r in records if r["model"] == "questionbank.question"]
    near = {(a, b) for a, b in itertools.combinations(texts, 2) if near_duplicates(a, b)}
    likely = {(a, b) for a, b in itertools.combinations(texts, 2) if likely_duplicate(a, b)}
    assert len(near) == 5 and near < likely and len(likely) == 9
    assert (
        "What is the concept of an LLM “agent”?",
        "What are the basic concepts and strategies for implementing agents with LLMs?",
    ) in likely


WORDS = ["attention", "cache", "kv", "model", "models", "strategy", "strategies", "the", "how"]
texts_st = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(texts_st, texts_st)
def test_a_likely_duplicate_contains_enough_candidate_patterns(text, other):
    """The admin's query on PostgreSQL reads only texts containing one of the prefix patterns
    and ``need`` patterns in all: it misses no likely duplicate."""
    if likely_duplicate(text, other):
        patterns, need = candidate_patterns(text)
        contained = [any(p in other.casefold() for p in group) for group in patterns]
        assert sum(contained) >= need and any(contained[: len(patterns) - need + 1])


@pytest.mark.django_db
def test_the_admin_check_lists_likely_duplicates_most_similar_first():
    exact = QuestionFactory(text="How does nucleus sampling choose the next token?")
    close = QuestionFactory(text="How does nucleus (top-p) sampling choose the next token?")
    QuestionFactory(text="Explain the KV cache.")
    found = similar_questions("Nucleus sampling: how does it choose the next token?")
    assert [(q.pk, round(score, 3)) for q, score in found] == [(exact.pk, 1.0), (close.pk, 0.714)]
    assert similar_questions("  ") == []
    assert similar_questions(exact.text, exclude_pk=exact.pk) == [(close, 5 / 7)]


@pytest.mark.django_db
def test_the_admin_check_agrees_with_the_definition_on_the_real_guide(guide_bank):
    """On either backend (PostgreSQL reads only the candidates), the questions listed are
    exactly those the definition calls likely duplicates."""
    texts = dict(Question.objects.values_list("pk", "text"))
    assert len(texts) == 312
    for pk, text in texts.items():
        expected = sorted(
            (o for o, other in texts.items() if o != pk and likely_duplicate(text, other))
        )
        found = similar_questions(text, exclude_pk=pk, limit=50)
        assert sorted(q.pk for q, _ in found) == expected, (connection.vendor, text)
