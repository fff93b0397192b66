"""The API's world: a bank, a candidate with a loop of two stages (Ines and Omar), a third
interviewer with nothing to do with it, a hiring manager, a curator, an admin; each with a
token. ``api(role)`` is a client that sends that role's token."""

import pytest
from django.test import Client

from api.services import token_create
from interviews import services
from interviews.models import InterviewStatus
from questionbank.models import Kind, Level, Topic
from tests.factories import QuestionFactory, UserFactory

ROLES = ("interviewer", "other", "outsider", "manager", "curator", "admin", "none")
GROUPS = {
    "interviewer": ["Interviewers"],
    "other": ["Interviewers"],
    "outsider": ["Interviewers"],
    "manager": ["Hiring managers"],
    "curator": ["Curators"],
    "admin": ["Admins"],
    "none": [],
}


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, token: str | None):
        self.client = Client(enforce_csrf_checks=True)  # as any API client: no CSRF token
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, data=None, **headers):
        return self.client.get(path, data, headers={**self.headers, **headers})

    def post(self, path, data=None, **headers):
        return self.client.post(
            path, data, content_type="application/json", headers={**self.headers, **headers}
        )

    def patch(self, path, data=None, **headers):
        return self.client.patch(
            path, data, content_type="application/json", headers={**self.headers, **headers}
        )


@pytest.fixture(autouse=True)
def _generous_rate(settings):
    settings.API_RATE_PER_MINUTE = 10_000


@pytest.fixture
def level(db):
    return Level.objects.create(name="Engineer", slug="engineer", rank=3)


@pytest.fixture
def intern(db):
    return Level.objects.create(name="Intern", slug="intern", rank=1)


@pytest.fixture
def topics(db):
    return [
        Topic.objects.create(name="RAG", slug="rag", position=1),
        Topic.objects.create(name="Inference", slug="inference", position=2),
    ]


@pytest.fixture
def bank(level, intern, topics):
    """Eight questions: per topic, difficulties 1..4; coding at difficulty 4; the last one
    retired; interns get the RAG questions too."""
    questions = []
    for t, topic in enumerate(topics):
        for d in range(1, 5):
            questions.append(
                QuestionFactory(
                    text=f"{topic.name} question at difficulty {d}?",
                    difficulty=d,
                    kind=Kind.CODING if d == 4 else Kind.CONCEPTUAL,
                    levels=[level, intern] if t == 0 else [level],
                    topics=[topic],
                    status="retired" if (t, d) == (1, 4) else "active",
                )
            )
    return questions


@pytest.fixture
def users(db):
    return {role: UserFactory(username=role, groups=groups) for role, groups in GROUPS.items()}


@pytest.fixture
def tokens(users):
    return {
        role: token_create(user=user, name="tests", actor=user).secret
        for role, user in users.items()
    }


@pytest.fixture
def api(tokens):
    def make(role: str | None):
        return ApiClient(tokens[role] if role else None)

    return make


def run_interview(*, stage, interviewer, questions, scores, submit=True):
    interview = services.stage_create_interview(stage=stage, interviewer=interviewer)
    for question in questions:
        services.interview_add_question(interview=interview, question=question)
    services.interview_start(interview=interview)
    for item, score in zip(interview.items.order_by("position"), scores, strict=True):
        services.item_score(item=item, score=score)
    if submit:
        services.interview_submit(interview=interview, recommendation="hire", summary="Solid.")
    interview.refresh_from_db()
    return interview


@pytest.fixture
def world(users, level, bank):
    """Cam's loop (managed by the manager): Ines's stage submitted with scores 3 and 4,
    Omar's stage composed but not yet started. The outsider interviews nobody here."""
    manager = users["manager"]
    cam = services.candidate_create(
        name="Cam Candidate", email="cam@example.com", level=level, created_by=manager
    )
    loop = services.loop_open(candidate=cam, hiring_manager=manager)
    stage_i = services.stage_add(
        loop=loop, name="Fundamentals", interviewer=users["interviewer"], actor=manager
    )
    stage_o = services.stage_add(
        loop=loop, name="Systems", interviewer=users["other"], actor=manager
    )
    ines = run_interview(
        stage=stage_i, interviewer=users["interviewer"], questions=bank[0:2], scores=[3, 4]
    )
    omar = services.stage_create_interview(stage=stage_o, interviewer=users["other"])
    assert ines.status == InterviewStatus.SUBMITTED
    return {"candidate": cam, "loop": loop, "ines": ines, "omar": omar, "stage_o": stage_o}
