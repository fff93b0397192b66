"""Auto-compose's database access: read the pool, run the pure algorithm, write the picks.

``autocompose_interview()`` loads the level's active questions as ``Item``s (only the columns
auto-compose reads, with their topics in two queries, plus one for topic names and one for
what the candidate was already asked), runs ``interviews.autocompose.compose()`` and writes the
picks through ``services.interview_replace_questions``. The rules themselves live in
``interviews.autocompose``, over plain data.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Mod

from questionbank.models import Question, Topic

from . import services
from .autocompose import (
    BEHAVIORAL_SLUG_MARK,
    Item,
    Result,
    behavioral_topics,
    clean_weights,
    compose,
    join_names,
    refused,
)
from .models import Interview, InterviewQuestion

# A level pool larger than this is composed from a seeded sample of about SAMPLE_SIZE questions
# (plus every question of the requested topics the sample leaves thin), and from the whole pool
# only when the sample cannot meet the rules. At 100,000 questions the pool of a level holds
# tens of thousands: shuffling, tokenising and scanning them all took seconds.
SAMPLE_ABOVE = 3000
SAMPLE_SIZE = 1500
THIN_TOPIC = 40  # a requested topic with fewer sampled questions brings all of its own
_HASH = 2654435761  # Knuth's multiplicative hash: sequential ids spread over the sample buckets


class _Pool:
    """The active questions of a level, as the columns auto-compose reads (no guidance, no
    anchors), loaded on demand: the sample first, the whole pool only if needed."""

    def __init__(self, level_id: int) -> None:
        self.level_id = level_id
        self.qs: QuerySet[Question] = Question.objects.active().for_level(level_id)
        # The level's question ids, from the small levels table: sizing and sampling the pool
        # there never reads the question rows (wide: their guidance and anchors).
        self.tagged = Question.levels.through.objects.filter(level_id=level_id)


def _level_pool(level_id: int) -> _Pool:
    return _Pool(level_id)


def _sample(pool: _Pool, *, seed: int, wanted: set[str]) -> list[Item] | None:
    """The items of a seeded sample of a large pool (plus every question of the requested
    topics the sample leaves thin), or None when the pool is small."""
    size = pool.tagged.count()
    if size <= SAMPLE_ABOVE:
        return None
    buckets = 1000
    keep = max(1, math.ceil(buckets * SAMPLE_SIZE / size))
    mix = random.Random(seed).randrange(buckets)
    # The ids as a list (about SAMPLE_SIZE): the question rows are then read by primary key,
    # where a subquery lets the planner misjudge the sample's size and scan them all.
    bucket = Mod(F("question_id") * Value(_HASH) + Value(mix), Value(buckets))
    ids = list(
        pool.tagged.alias(bucket=bucket)
        .filter(bucket__lt=keep)  # type: ignore[misc]  # django-stubs: an alias is a field
        .values_list("question_id", flat=True)
    )
    items = _items(Question.objects.active().filter(pk__in=ids))
    counts = Counter(slug for it in items for slug in set(it.topic_slugs) & wanted)
    thin = sorted(slug for slug in wanted if counts[slug] < THIN_TOPIC)
    if thin:
        have = {it.id for it in items}
        extra = pool.qs.filter(topics__slug__in=thin).exclude(pk__in=have)
        items += [it for it in _items(extra) if it.id not in have]
    return items


def _items(pool: _Pool | QuerySet[Question]) -> list[Item]:
    """``Item``s of a pool (a ``_Pool`` or a queryset) in two queries: the columns auto-compose
    needs, and the topics' slugs in the topics' order."""
    qs = pool.qs if isinstance(pool, _Pool) else pool
    rows = list(qs.order_by().values_list("pk", "text", "difficulty", "estimated_minutes", "kind"))
    slugs: dict[int, list[str]] = defaultdict(list)
    ids = [row[0] for row in rows]
    # The ids themselves when few (no second pass over the question rows), else a subquery.
    through = Question.topics.through.objects.filter(
        question__in=ids if len(ids) <= 5000 else qs.values("pk")
    )
    for question_id, slug in through.order_by(
        "topic__position", "topic__name", "topic_id"
    ).values_list("question_id", "topic__slug"):
        slugs[question_id].append(slug)
    return [
        Item(
            id=pk,
            text=text,
            topic_slugs=tuple(slugs[pk]),
            difficulty=difficulty,
            minutes=minutes,
            kind=kind,
        )
        for pk, text, difficulty, minutes, kind in rows
    ]


class _Refused(Exception):
    """A request auto-compose refuses before composing, with the message to show."""


def _topics(
    items: list[Item],
    *,
    topic_slugs: list[str] | None,
    weights: dict[str, float] | None,
) -> tuple[dict[str, float], dict[str, str]]:
    """(The topics to cover with their weights, every topic's name by slug).

    ``topic_slugs`` None means the level's topics (those with a question among ``items``) plus
    the behavioral topic; with ``weights`` and no ``topic_slugs``, the weights' topics.
    Weights default to equal; a topic missing from ``weights`` gets the mean of the given ones.
    """
    requested = list(topic_slugs) if topic_slugs is not None else list(weights or ())
    level_topics: dict[str, Topic] = {}
    if topic_slugs is None and not weights:
        present = {slug for it in items for slug in it.topic_slugs}
        level_topics = {t.slug: t for t in Topic.objects.filter(slug__in=present)}
    others = {
        t.slug: t
        for t in Topic.objects.filter(
            Q(slug__in=requested) | Q(slug__icontains=BEHAVIORAL_SLUG_MARK)
        ).order_by("position", "name")
    }
    labels = {slug: t.name for slug, t in {**others, **level_topics}.items()}
    if topic_slugs is None and not weights:
        ordered = sorted(level_topics.values(), key=lambda t: (t.position, t.name))
        chosen = [t.slug for t in ordered]
        chosen += [slug for slug in behavioral_topics(items, labels) if slug not in chosen]
    else:
        chosen = list(dict.fromkeys(requested))
        if unknown := [slug for slug in chosen if slug not in labels]:
            raise _Refused(f"Unknown topic(s): {join_names(unknown)}.")
    if not chosen:
        raise _Refused("Choose at least one topic to cover.")
    given = {slug: w for slug, w in (weights or {}).items() if slug in chosen}
    valid = clean_weights(given)[0]
    fallback = sum(valid.values()) / len(valid) if valid else 1.0
    return {slug: given.get(slug, fallback) for slug in chosen}, labels


def autocompose_interview(
    *,
    interview: Interview,
    topic_slugs: list[str] | None,
    seed: int,
    weights: dict[str, float] | None = None,
    kinds: list[str] | None = None,
) -> Result:
    """Fill a draft interview with a composed session; on problems, write nothing.

    ``kinds`` are the kinds of question to include (None: all); the interview's level and
    plan decide whether a coding or system-design question is mixed in.

    ``topic_slugs`` None means the level's topics (those with active questions at the level)
    plus the behavioral topic. ``weights`` default to equal; a topic missing from ``weights``
    gets the mean of the given ones. With ``weights`` and no ``topic_slugs``, the weights'
    topics are the ones covered.
    """
    if not interview.is_draft:
        return refused(
            "Only a draft can be auto-composed: this interview is "
            f"{interview.get_status_display().lower()}."
        )
    requested = list(topic_slugs) if topic_slugs is not None else list(weights or ())
    pool = _level_pool(interview.level_id)
    sampled = None
    if topic_slugs is not None or weights:
        sampled = _sample(pool, seed=seed, wanted=set(requested))
    items = sampled if sampled is not None else _items(pool)
    try:
        topic_weights, labels = _topics(items, topic_slugs=topic_slugs, weights=weights)
    except _Refused as refusal:
        return refused(*refusal.args)
    exclude_ids = InterviewQuestion.objects.asked_question_ids(
        interview.candidate, exclude=interview
    )

    def run(pool_items: list[Item]) -> Result:
        return compose(
            pool_items,
            planned_minutes=interview.planned_minutes,
            topic_weights=topic_weights,
            seed=seed,
            exclude_ids=exclude_ids,
            topic_labels=labels,
            level=interview.level.slug,
            kinds=kinds,
        )

    result = run(items)
    if result.problems and sampled is not None:
        # The sample could not meet the rules: the whole pool decides (slower, exact).
        result = run(_items(pool))
    if result.problems:
        return result
    return _write(interview, result)


def _write(interview: Interview, result: Result) -> Result:
    """The picks written to the draft through the interview services, or the refusal."""
    try:
        services.interview_replace_questions(
            interview=interview,
            # The service reads the chosen questions whole (for their snapshots) by id.
            questions=[Question(pk=p.item.id) for p in result.picks],
            reasons=[p.reason for p in result.picks],
        )
    except ValidationError as exc:
        return refused(*exc.messages)
    return result
