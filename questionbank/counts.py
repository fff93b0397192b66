"""Topic counts per level, kept in the shared cache.

The bank filter's topic choices and auto-compose's table of topics show, per topic, its active
questions at a level: a count over the whole bank (a second at 100,000 questions) that changes
only when a curator edits the bank. So it is counted once and kept in the cache (shared by every
app server: the database or Redis, see settings), and dropped whenever the bank changes: on a
question's, topic's or level's save or delete and a change of a question's levels or topics
(signals, connected in ``apps.py``), and by the bulk writes that send no signal (the importer,
the admin's bulk actions), which call ``bank_changed()``.
"""

from django.core.cache import cache
from django.db import transaction

KEY = "questionbank:topic-counts"
TIMEOUT = 3600  # an hour at most, should an invalidation ever be missed


def _level_key(level) -> str:
    if level is None or level == "":
        return ""
    if isinstance(level, str):
        return f"slug:{level}"
    return f"pk:{getattr(level, 'pk', level)}"


def topic_counts(level=None) -> dict[int, int]:
    """{topic id: its active questions at ``level``} (a Level, its pk, its slug, or None for
    every level), topics without any left out."""
    from .models import Topic

    cached = cache.get(KEY) or {}
    key = _level_key(level)
    if key not in cached:
        counts = Topic.objects.with_question_counts(level).filter(question_count__gt=0)
        cached[key] = dict(counts.order_by().values_list("pk", "question_count"))
        cache.set(KEY, cached, TIMEOUT)
    return cached[key]


def bank_changed(**kwargs) -> None:
    """Drop the cached counts, now and again once the change commits (a page counting in
    between would otherwise keep the old counts)."""
    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))
