"""Likely duplicates: similar question text, not only identical.

On PostgreSQL with pg_trgm the database ranks candidates by trigram similarity: the ``%``
operator (its threshold set to ours, 0.45, for the transaction) finds them through the GIN
trigram index ``question_text_trgm`` and only those rows get their similarity computed (tens of
ms at 100,000 questions, where computing it for every row took seconds). Elsewhere (SQLite) a
portable fallback compares word sets and character sequences in Python over every question:
correct, slower.
"""

import re
from difflib import SequenceMatcher
from functools import cache

from django.db import connection, transaction

from .models import Question, normalize_text

TRIGRAM_THRESHOLD = 0.45
FALLBACK_THRESHOLD = 0.7
WORD_RE = re.compile(r"[a-z0-9]+")
STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "do",
        "does",
        "for",
        "how",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "which",
        "why",
        "with",
        "you",
        "your",
        "can",
        "llm",
        "llms",
    ]
)


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in WORD_RE.findall(normalize_text(text)) if w not in STOP)


def text_similarity(a: str, b: str) -> float:
    """0..1: the larger of word-set overlap (Jaccard) and character-sequence similarity."""
    na, nb = normalize_text(a), normalize_text(b)
    if na == nb:
        return 1.0
    wa, wb = words(a), words(b)
    jaccard = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    return max(jaccard, SequenceMatcher(None, na, nb).ratio())


class _Fallback:
    """The portable comparison against one text, with cheap bounds before the costly ratio."""

    def __init__(self, text: str) -> None:
        self.norm, self.words = normalize_text(text), words(text)
        self.matcher = SequenceMatcher(None)
        self.matcher.set_seq2(self.norm)  # SequenceMatcher caches details of the second sequence

    def score(self, other: str) -> float:
        other_words = words(other)
        union = self.words | other_words
        jaccard = len(self.words & other_words) / len(union) if union else 0.0
        if jaccard >= FALLBACK_THRESHOLD:
            return jaccard
        self.matcher.set_seq1(normalize_text(other))
        if self.matcher.real_quick_ratio() < FALLBACK_THRESHOLD:
            return jaccard
        if self.matcher.quick_ratio() < FALLBACK_THRESHOLD:
            return jaccard
        return max(jaccard, self.matcher.ratio())


@cache
def _has_trigram() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def similar_questions(
    text: str, *, exclude_pk=None, limit: int = 5
) -> list[tuple[Question, float]]:
    """The bank questions most like ``text``, most similar first, with their similarity."""
    text = text.strip()
    if not text:
        return []
    qs = Question.objects.only("pk", "text")  # all the warning shows
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if _has_trigram():
        from django.contrib.postgres.search import TrigramSimilarity

        # No savepoint: inside a caller's transaction (the admin's) it simply joins it.
        with transaction.atomic(savepoint=False):
            # The ``%`` operator's threshold, for this transaction only: at our 0.45 the GIN
            # index hands back ten times fewer candidates to recheck than at the default 0.3.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                    [str(TRIGRAM_THRESHOLD)],
                )
            found = list(
                qs.filter(text__trigram_similar=text)
                .annotate(similarity=TrigramSimilarity("text", text))
                .filter(similarity__gte=TRIGRAM_THRESHOLD)
                .order_by("-similarity", "pk")[:limit]
            )
        return [(q, float(q.similarity)) for q in found]
    fallback, scored = _Fallback(text), []
    for pk, other in qs.values_list("pk", "text"):
        score = fallback.score(other)
        if score >= FALLBACK_THRESHOLD:
            scored.append((pk, score))
    scored.sort(key=lambda row: (-row[1], row[0]))
    scored = scored[:limit]
    by_pk = qs.in_bulk([pk for pk, _ in scored])
    return [(by_pk[pk], score) for pk, score in scored]
