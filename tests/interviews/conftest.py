"""Shared fixtures for the interviews tests: users in their groups, a bank, interviews."""

import pytest

from interviews import services
from interviews.models import InterviewStatus
from questionbank.models import Kind, Level, Question, Topic
from tests.factories import (
    QuestionFactory,
    TopicFactory,
    UserFactory,
    assigned_interview,
    bank_rows,
    insert_bank,
)


@pytest.fixture
def interviewer(db):
    return UserFactory(username="ines", groups=["Interviewers"])


@pytest.fixture
def other_interviewer(db):
    return UserFactory(username="omar", groups=["Interviewers"])


@pytest.fixture
def hiring_manager(db):
    return UserFactory(username="hana", groups=["Hiring managers"])


@pytest.fixture
def as_interviewer(client, interviewer):
    client.force_login(interviewer)
    return client


@pytest.fixture
def as_other(client, other_interviewer):
    client.force_login(other_interviewer)
    return client


@pytest.fixture
def as_manager(client, hiring_manager):
    client.force_login(hiring_manager)
    return client


@pytest.fixture
def level(db):
    return Level.objects.create(name="Engineer", slug="engineer", rank=3)


@pytest.fixture
def topics(db):
    return [
        Topic.objects.create(name="RAG", slug="rag", position=1),
        Topic.objects.create(name="Inference", slug="inference", position=2),
        Topic.objects.create(
            name="Behavioral Questions (Use STAR Framework)", slug="behavioral", position=3
        ),
    ]


@pytest.fixture
def bank(level, topics):
    """Twelve active questions: four per topic, difficulties 1..4, the last topic behavioral."""
    questions = []
    for t, topic in enumerate(topics):
        for d in range(1, 5):
            questions.append(
                QuestionFactory(
                    text=f"{topic.name} question at difficulty {d}?",
                    difficulty=d,
                    kind=Kind.BEHAVIORAL if t == 2 else Kind.CONCEPTUAL,
                    estimated_minutes=5,
                    levels=[level],
                    topics=[topic],
                )
            )
    return questions


@pytest.fixture
def candidate(interviewer, level):
    return services.candidate_create(name="Cam Candidate", level=level, created_by=interviewer)


@pytest.fixture
def draft(interviewer, candidate, level, bank):
    """A draft with the first three bank questions."""
    interview = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=45
    )
    for question in bank[:3]:
        services.interview_add_question(interview=interview, question=question)
    return interview


@pytest.fixture
def live_interview(draft):
    return services.interview_start(interview=draft)


@pytest.fixture
def submitted(live_interview):
    for i, item in enumerate(live_interview.items.all()):
        services.item_score(item=item, score=i % 4 + 1)
    return services.interview_submit(
        interview=live_interview, recommendation="hire", summary="Solid on retrieval."
    )


@pytest.fixture(scope="session")
def big_bank_rows(django_db_blocker):
    """The 3,000 questions of ``big_interview``, prepared once per session (per xdist worker);
    each test inserts them in its own transaction, so no test sees another's rows."""
    with django_db_blocker.unblock():
        return bank_rows(3000)


@pytest.fixture
def big_interview(interviewer, candidate, level, big_bank_rows):
    """A 40-question interview drawn from a bank of 3,000 questions (query-count tests)."""
    extra_topics = [TopicFactory(name=f"Big topic {i}", slug=f"big-{i}") for i in range(12)]
    ids = insert_bank(big_bank_rows, levels=[level], topics=extra_topics)
    interview = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=240
    )
    for question in Question.objects.filter(pk__in=ids[:40]).order_by("pk"):
        services.interview_add_question(interview=interview, question=question)
    return interview


def make_status(interview, status):
    """Move an interview to a status through the services (test helper)."""
    if status in (InterviewStatus.LIVE, InterviewStatus.SUBMITTED):
        services.interview_start(interview=interview)
    if status == InterviewStatus.SUBMITTED:
        services.interview_submit(
            interview=interview, recommendation="hire", summary="ok", allow_unscored=True
        )
    interview.refresh_from_db()
    return interview
