import itertools
from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from questionbank.counts import bank_changed
from questionbank.models import Kind, Level, Question, Topic


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Level {n}")
    slug = factory.Sequence(lambda n: f"level-{n}")
    rank = factory.Sequence(lambda n: n + 100)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    section = "Factory"
    position = factory.Sequence(lambda n: n + 100)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"Factory question number {n}: explain concept {n * 7919}?")
    kind = Kind.CONCEPTUAL
    difficulty = factory.Sequence(lambda n: n % 5 + 1)
    estimated_minutes = 5
    guidance = "First point\nSecond point\nThird point"

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        if create:
            self.levels.set(extracted if extracted is not None else [LevelFactory()])

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            self.topics.set(extracted if extracted is not None else [TopicFactory()])


_made = itertools.count()


def _bulk_question(i: int, batch: int) -> Question:
    kinds = Kind.values
    return Question(
        text=f"Bulk question {i} about subject {i * 31 % 997} and idea {i} (set {batch})",
        kind=kinds[i % len(kinds)],
        difficulty=i % 5 + 1,
        estimated_minutes=3 + i % 10,
        guidance="Point one\nPoint two\nPoint three",
    )


def make_bank(count: int, *, levels=None, topics=None) -> list[Question]:
    """A large bank fast: bulk inserts, every question tagged with one level and one topic."""
    batch = next(_made)
    levels = levels or [
        LevelFactory(name=f"Bulk L{i}", slug=f"bulk-l{i}", rank=200 + i) for i in range(3)
    ]
    topics = topics or [TopicFactory(name=f"Bulk T{i}", slug=f"bulk-t{i}") for i in range(12)]
    questions = Question.objects.bulk_create(_bulk_question(i, batch) for i in range(count))
    Question.levels.through.objects.bulk_create(
        Question.levels.through(question_id=q.pk, level_id=levels[i % len(levels)].pk)
        for i, q in enumerate(questions)
    )
    Question.topics.through.objects.bulk_create(
        Question.topics.through(question_id=q.pk, topic_id=topics[i % len(topics)].pk)
        for i, q in enumerate(questions)
    )
    bank_changed()  # bulk inserts send no signal: drop the cached topic counts
    return questions


@dataclass(frozen=True)
class BankRows:
    """The rows of ``make_bank``'s questions, prepared for the database once: the ORM's work
    per row (building each model, preparing each value) is most of what a large bank costs,
    the insert itself little. ``insert_bank`` writes them, in the test's own transaction."""

    columns: tuple[str, ...]
    values: tuple[tuple, ...]
    marker: str  # how every text of the batch ends


def bank_rows(count: int) -> BankRows:
    batch = next(_made)
    fields = [f for f in Question._meta.concrete_fields if not f.primary_key]
    values = []
    for i in range(count):
        question = _bulk_question(i, batch)
        values.append(
            tuple(f.get_db_prep_save(f.pre_save(question, add=True), connection) for f in fields)
        )
    return BankRows(tuple(f.column for f in fields), tuple(values), f"(set {batch})")


def _insert(model, columns, values, *, per_statement: int = 1000) -> None:
    """Multi-row INSERTs, ``per_statement`` rows each (within SQLite's limit on parameters)."""
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "
    row = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            cursor.execute(head + ", ".join([row] * len(chunk)), [v for r in chunk for v in r])


def insert_bank(rows: BankRows, *, levels, topics) -> list[int]:
    """``make_bank`` from prepared rows: the same questions and tags; their ids, in order."""
    _insert(Question, rows.columns, rows.values)
    ids = list(
        Question.objects.filter(text__endswith=rows.marker)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for tags, field in ((levels, "level"), (topics, "topic")):
        through = getattr(Question, f"{field}s").through
        columns = (
            through._meta.get_field("question").column,
            through._meta.get_field(field).column,
        )
        _insert(through, columns, [(pk, tags[i % len(tags)].pk) for i, pk in enumerate(ids)])
    bank_changed()  # raw inserts send no signal: drop the cached topic counts
    return ids


def assigned_interview(
    *, interviewer, candidate, level, planned_minutes=45, stage_name="Interview", **kwargs
):
    """A draft interview the way the app makes one: for a stage of the candidate's open loop
    (opened if needed) assigned to the interviewer."""
    from interviews import services
    from interviews.models import Loop

    loop = Loop.objects.open().filter(candidate=candidate).first() or services.loop_open(
        candidate=candidate, hiring_manager=None
    )
    stage = services.stage_add(
        loop=loop,
        name=stage_name,
        interviewer=interviewer,
        actor=None,
        planned_minutes=planned_minutes,
    )
    return services.interview_create(
        interviewer=interviewer,
        candidate=candidate,
        level=level,
        planned_minutes=planned_minutes,
        stage=stage,
        **kwargs,
    )
