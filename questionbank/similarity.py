"""The same question: one definition, for the admin's warning and for auto-compose.

The definition, defined once here:

- the tokeniser, ``text_tokens``: a question's content words, case-folded (``normalize_text``),
  plurals folded, "(large) language model(s)" and "LLM model(s)" read as "llm", and the
  ``STOP_WORDS`` (question words, auxiliaries, articles, prepositions) dropped;
- the measure, ``similarity``: the Jaccard similarity of two texts' content words, kept exact
  (``word_overlap``, a ``Fraction``; ``overlaps`` compares it in integers);
- the thresholds, one per use, the only thing the two uses set differently:

  - ``NEAR_DUPLICATE`` (auto-compose): two questions of one session must not ask the same
    thing; strictly above 3/5, calibrated on the real guide (see ``near_duplicates``);
  - ``LIKELY_DUPLICATE`` (the admin): a curator adding a question is warned before saving one
    the bank may already have; at least 1/2, wider on purpose: a warning costs a tick ("Save
    anyway"), a missed duplicate stays in the bank. Everything auto-compose would refuse to
    put in one session is also flagged when it is typed.

The admin's check asks the database only for candidates, and this definition decides, on both
backends. A bank text overlapping a new text's n content words by at least 1/2 shares at least
ceil(n / 2) of them, so it contains one of any n - ceil(n / 2) + 1 of them (prefix filtering):
on PostgreSQL the check reads only the questions containing one of the new text's longest such
words (``icontains``, which the trigram GIN index ``question_text_upper_trgm`` of migration 0008
serves) and, counted by the database, as many of its words as a likely duplicate needs
(``candidate_patterns``); on SQLite it reads every question. Each candidate
is then kept or dropped by ``likely_duplicate``'s own test, so both backends give the same
answers with the same scores; PostgreSQL simply reads fewer rows. (Where Python's case folding
and PostgreSQL's ``UPPER`` differ, a few non-ASCII letters such as "ß", PostgreSQL may miss a
candidate.) The trigram *similarity* of whole texts is not used: it measures something else
(sentence skeletons such as "What is X, and how does it improve Y?" score high, the guide's
"mixture of experts" rewording scores 0.41), so it could not agree with this definition.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When

from .models import Question, normalize_text

# --- The thresholds ----------------------------------------------------------------------------

# Auto-compose's near-duplicate rule: content words overlapping strictly above 3/5. Pairs the
# guide's five rewordings and no unrelated pair (the closest scores 1/2).
NEAR_DUPLICATE = Fraction(3, 5)
# The admin's likely-duplicate warning: content words overlapping at least 1/2. Wider than a
# near-duplicate (a warning is cheap); on the guide it adds four pairs on one subject, e.g.
# "What is the concept of an LLM agent?" / "What are the basic concepts and strategies for
# implementing agents with LLMs?".
LIKELY_DUPLICATE = Fraction(1, 2)

# --- The tokeniser -----------------------------------------------------------------------------

# Question words, auxiliaries, articles, prepositions: they say nothing about the subject.
_STOP_WORDS_TEXT = """
    a about an and any are as at be been between by can could describe did do does explain
    for from give had has have how i if in into is it its me my of on or our should some tell
    that the their them then there these they this those to us was we were what when where which
    who why will with work works would you your"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_PHRASES = (
    (re.compile(r"\blarge language models?\b"), "llm"),
    (re.compile(r"\bllms?\s+models?\b"), "llm"),
    (re.compile(r"\blanguage models?\b"), "llm"),
)
_WORD = re.compile(r"[^\W_]+")


def _stem(word: str) -> str:
    """A crude plural fold: models -> model, strategies -> strategy; bias, loss, focus stay."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "as")):
        return word[:-1]
    return word


@lru_cache(maxsize=16384)
def text_tokens(text: str) -> frozenset[str]:
    """The content words of a question: case-folded, plurals folded, stop words dropped.

    "(large) language model(s)" and "LLM model(s)" read as "llm". A text made only of stop
    words keeps all its words; one without any word is its own single token.
    """
    norm = normalize_text(text)
    for pattern, replacement in _PHRASES:
        norm = pattern.sub(replacement, norm)
    words = _WORD.findall(norm)
    content = frozenset(_stem(w) for w in words if w not in STOP_WORDS)
    return content or frozenset(words) or frozenset({norm})


# --- The measure -------------------------------------------------------------------------------


def word_overlap(a: frozenset[str], b: frozenset[str]) -> Fraction:
    """Jaccard similarity of two token sets (0..1), exact."""
    union = len(a | b)
    return Fraction(len(a & b), union) if union else Fraction(1)


def overlaps(a: frozenset[str], b: frozenset[str], threshold: Fraction, *, strictly: bool) -> bool:
    """Do the token sets overlap above (``strictly``) or at least ``threshold``? In integers."""
    inter = len(a & b)
    left = threshold.denominator * inter
    right = threshold.numerator * (len(a) + len(b) - inter)
    return left > right if strictly else left >= right


def least_overlap(size: int, threshold: Fraction, *, strictly: bool) -> int:
    """The fewest tokens a set of ``size`` tokens must share with another to overlap it above
    (``strictly``) or at least ``threshold``: overlap >= t |union| >= t size."""
    if strictly:
        return threshold.numerator * size // threshold.denominator + 1
    return -(-threshold.numerator * size // threshold.denominator)


def similarity(text_a: str, text_b: str) -> float:
    """How alike two question texts are: the Jaccard similarity of their content words."""
    return float(word_overlap(text_tokens(text_a), text_tokens(text_b)))


# --- The two rules -----------------------------------------------------------------------------


def near_duplicates(text_a: str, text_b: str) -> bool:
    """True when two questions ask the same thing in other words (auto-compose's rule).

    Content-word Jaccard above ``NEAR_DUPLICATE`` (0.6). Calibrated on the real guide: it
    pairs "How does mixture of experts (MoE) work in large language models?" with "How does
    Mixture of Experts (MoE) enhance LLM scalability?" (0.67), "...considerations for LLM model
    serving in production?" with "...considerations for deploying LLMs in production?" (0.67)
    and the KV-cache conceptual/coding pair (0.83), while no unrelated pair reaches it: the
    closest, "What defines a Large Language Model (LLM)?" / "How do you define stopping
    criteria in LLMs?", scores 0.5.
    """
    return overlaps(text_tokens(text_a), text_tokens(text_b), NEAR_DUPLICATE, strictly=True)


def likely_duplicate(text_a: str, text_b: str) -> bool:
    """True when a curator adding one text should be warned about the other (the admin's
    rule): content-word Jaccard at least ``LIKELY_DUPLICATE`` (0.5)."""
    return overlaps(text_tokens(text_a), text_tokens(text_b), LIKELY_DUPLICATE, strictly=False)


# --- The admin's query -------------------------------------------------------------------------


def _pattern(token: str) -> tuple[str, ...]:
    """Substrings every text with ``token`` among its content words contains (up to case):
    "strategy" may come from "strategies", "llm" from "language model"."""
    if token == "llm":
        return ("llm", "language")
    if token.endswith("y") and len(token) > 2:
        return (token[:-1],)
    return (token,)


def candidate_patterns(text: str) -> tuple[list[tuple[str, ...]], int]:
    """(Substrings, one group per content word of ``text``; how many groups a likely duplicate
    of ``text`` contains at least). Every likely duplicate shares ceil(n / 2) of the n content
    words, so it contains a substring of that many groups (``least_overlap``), and one of any
    n - ceil(n / 2) + 1 groups (prefix filtering). Groups longest first: the likeliest to be
    rare. No groups for a text without a word."""
    tokens = text_tokens(text)
    if not _WORD.search(normalize_text(text)):
        return [], 0
    patterns = sorted((_pattern(t) for t in tokens), key=lambda p: (-min(map(len, p)), p))
    return patterns, least_overlap(len(tokens), LIKELY_DUPLICATE, strictly=False)


def _contains(group: tuple[str, ...]) -> Q:
    found = Q()
    for pattern in group:
        found |= Q(text__icontains=pattern)
    return found


def _candidates(qs: QuerySet[Question], text: str) -> QuerySet[Question]:
    """PostgreSQL: only the questions that contain enough of ``text``'s content words to be a
    likely duplicate. The trigram GIN index on ``UPPER(text)`` finds those with one of the
    prefix words; the database then counts the words each of them contains."""
    patterns, need = candidate_patterns(text)
    if not patterns:
        return qs
    prefix = Q()
    for group in patterns[: len(patterns) - need + 1]:
        prefix |= _contains(group)
    shared = sum(
        (Case(When(_contains(group), then=Value(1)), default=Value(0)) for group in patterns),
        start=Value(0),
    )
    return qs.filter(prefix).alias(shared=shared).filter(shared__gte=need)


def similar_questions(
    text: str, *, exclude_pk: int | None = None, limit: int = 5
) -> list[tuple[Question, float]]:
    """The bank questions that are likely duplicates of ``text``, most similar first, with
    their similarity."""
    text = text.strip()
    if not text:
        return []
    qs: QuerySet[Question] = Question.objects.only("pk", "text")  # all the warning shows
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        qs = _candidates(qs, text)
    tokens = text_tokens(text)
    scored = []
    for pk, other in qs.values_list("pk", "text"):
        other_tokens = text_tokens(other)
        if overlaps(tokens, other_tokens, LIKELY_DUPLICATE, strictly=False):
            scored.append((pk, float(word_overlap(tokens, other_tokens))))
    scored.sort(key=lambda row: (-row[1], row[0]))
    scored = scored[:limit]
    by_pk = qs.in_bulk([pk for pk, _ in scored])
    return [(by_pk[pk], score) for pk, score in scored]
