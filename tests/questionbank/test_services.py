"""The service that writes questions enforces what the database cannot: at least one level and
one topic. Nothing is written when a rule fails."""

import pytest
from django.core.exceptions import ValidationError

from questionbank.models import Kind, Question
from questionbank.services import question_create, question_set_tags
from tests.factories import LevelFactory, TopicFactory


@pytest.fixture
def tags(db):
    return LevelFactory(), TopicFactory()


def test_question_create_with_tags_and_the_kind_default_minutes(tags):
    level, topic = tags
    question = question_create(
        text="  Why does RoPE extrapolate poorly?  ",
        kind=Kind.CODING,
        difficulty=4,
        levels=[level],
        topics=[topic],
    )
    assert question.text == "Why does RoPE extrapolate poorly?"
    assert question.estimated_minutes == 20
    assert list(question.levels.all()) == [level] and list(question.topics.all()) == [topic]


@pytest.mark.parametrize("missing", ["levels", "topics"])
def test_question_create_needs_a_level_and_a_topic(tags, missing):
    level, topic = tags
    kwargs = {"levels": [level], "topics": [topic], missing: []}
    with pytest.raises(ValidationError) as excinfo:
        question_create(text="Tagless?", **kwargs)
    assert missing in excinfo.value.message_dict
    assert Question.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"), [("difficulty", 6), ("kind", "essay"), ("estimated_minutes", 0)]
)
def test_question_create_refuses_values_out_of_range(tags, field, value):
    level, topic = tags
    with pytest.raises(ValidationError):
        question_create(text="Out of range?", levels=[level], topics=[topic], **{field: value})
    assert Question.objects.count() == 0


def test_question_create_refuses_a_duplicate_up_to_case_and_spaces(tags):
    level, topic = tags
    question_create(text="What is a token?", levels=[level], topics=[topic])
    with pytest.raises(ValidationError, match="already exists"):
        question_create(text="what  IS a TOKEN?", levels=[level], topics=[topic])
    assert Question.objects.count() == 1


def test_question_set_tags_keeps_at_least_one_of_each(tags):
    level, topic = tags
    question = question_create(text="Retag me?", levels=[level], topics=[topic])
    other = TopicFactory()
    question_set_tags(question=question, levels=[level], topics=[other])
    assert list(question.topics.all()) == [other]
    with pytest.raises(ValidationError):
        question_set_tags(question=question, levels=[], topics=[topic])
    assert list(question.levels.all()) == [level] and list(question.topics.all()) == [other]
