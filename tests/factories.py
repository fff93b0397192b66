import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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


def make_bank(count: int, *, levels=None, topics=None) -> list[Question]:
    """A large bank fast: bulk inserts, every question tagged with one level and one topic."""
    batch = next(_made)
    levels = levels or [
        LevelFactory(name=f"Bulk L{i}", slug=f"bulk-l{i}", rank=200 + i) for i in range(3)
    ]
    topics = topics or [TopicFactory(name=f"Bulk T{i}", slug=f"bulk-t{i}") for i in range(12)]
    kinds = list(Kind.values)
    questions = Question.objects.bulk_create(
        Question(
            text=f"Bulk question {i} about subject {i * 31 % 997} and idea {i} (set {batch})",
            kind=kinds[i % len(kinds)],
            difficulty=i % 5 + 1,
            estimated_minutes=3 + i % 10,
            guidance="Point one\nPoint two\nPoint three",
        )
        for i in range(count)
    )
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
