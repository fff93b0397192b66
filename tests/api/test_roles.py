"""Every resource × every role: the status each role gets, the number of items each list
holds for it, and that a refused write changes nothing. Then: every list holds exactly what
the pages' rules let the user open."""

import pytest

from interviews import services
from interviews.models import Candidate, Loop
from people.models import AuditEvent
from questionbank.models import Question

from .conftest import ROLES

# path template -> {role: expected status, or for lists (status, count)}
READS = {
    "/api/v1/levels": dict.fromkeys(ROLES[:-1], (200, 2)) | {"none": 403},
    "/api/v1/topics": dict.fromkeys(ROLES[:-1], (200, 2)) | {"none": 403},
    "/api/v1/questions": dict.fromkeys(ROLES[:-1], (200, 8)) | {"none": 403},
    "/api/v1/questions/{question}": dict.fromkeys(ROLES[:-1], 200) | {"none": 403},
    "/api/v1/candidates": {
        "interviewer": (200, 1),
        "other": (200, 1),
        "outsider": (200, 0),
        "manager": (200, 2),
        "curator": 403,
        "admin": 403,
        "none": 403,
    },
    "/api/v1/candidates/{candidate}": {
        "interviewer": 200,
        "other": 200,
        "outsider": 404,
        "manager": 200,
        "curator": 403,
        "admin": 403,
        "none": 403,
    },
    "/api/v1/candidates/{candidate}/scorecards": {
        "interviewer": 200,
        "other": 200,
        "outsider": 404,
        "manager": 200,
        "curator": 403,
        "admin": 403,
        "none": 403,
    },
    "/api/v1/loops": {
        "interviewer": (200, 1),
        "other": (200, 1),
        "outsider": (200, 0),
        "manager": (200, 1),
        "curator": 403,
        "admin": 403,
        "none": 403,
    },
    "/api/v1/loops/{loop}": {
        "interviewer": 200,
        "other": 200,
        "outsider": 404,
        "manager": 200,
        "curator": 403,
        "admin": 403,
        "none": 403,
    },
    "/api/v1/interviews": {
        "interviewer": (200, 1),
        "other": (200, 1),
        "outsider": (200, 0),
        "manager": (200, 2),
        "curator": 403,
        "admin": 403,
        "none": 403,
    },
    "/api/v1/interviews/{ines}": {
        "interviewer": 200,
        "other": 404,
        "outsider": 404,
        "manager": 200,
        "curator": 403,
        "admin": 403,
        "none": 403,
    },
    "/api/v1/scorecards": {
        "interviewer": (200, 1),
        "other": (200, 0),
        "outsider": (200, 0),
        "manager": (200, 1),
        "curator": 403,
        "admin": 403,
        "none": 403,
    },
    "/api/v1/scorecards/{ines}": {
        "interviewer": 200,
        "other": 404,
        "outsider": 404,
        "manager": 200,
        "curator": 403,
        "admin": 403,
        "none": 403,
    },
}


@pytest.fixture
def ids(world, bank, users, level):
    # A second candidate, without a loop (for opening one), added by the manager.
    dee = services.candidate_create(name="Dee", level=level, created_by=users["manager"])
    return {
        "question": bank[0].pk,
        "candidate": world["candidate"].pk,
        "loop": world["loop"].pk,
        "ines": world["ines"].pk,
        "dee": dee.pk,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("template", list(READS))
def test_reads(api, ids, template, role):
    expected = READS[template][role]
    response = api(role).get(template.format(**ids))
    status, count = expected if isinstance(expected, tuple) else (expected, None)
    assert response.status_code == status, response.content
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == status
    elif count is not None:
        body = response.json()
        items = body if isinstance(body, list) else body["items"]
        assert len(items) == count
        if isinstance(body, dict):
            assert body["count"] == count


WRITES = {
    # (method, path, body) -> roles that may
    "question_create": (
        "post",
        "/api/v1/questions",
        {"text": "What is a KV cache?", "levels": ["engineer"], "topics": ["inference"]},
        {"curator": 201, "admin": 201},
    ),
    "question_update": (
        "patch",
        "/api/v1/questions/{question}",
        {"difficulty": 5},
        {"curator": 200, "admin": 200},
    ),
    "candidate_create": (
        "post",
        "/api/v1/candidates",
        {"name": "Eve Example", "email": "eve@example.com", "level": "engineer"},
        {"manager": 201},
    ),
    "loop_create": ("post", "/api/v1/loops", {"candidate": "{dee}"}, {"manager": 201}),
}


def _snapshot():
    return (
        Question.objects.count(),
        sorted(Question.objects.values_list("difficulty", flat=True)),
        Candidate.objects.count(),
        Loop.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", list(WRITES))
def test_writes(api, ids, write, role):
    method, template, body, allowed = WRITES[write]
    body = {
        k: (int(v.format(**ids)) if isinstance(v, str) and "{" in v else v) for k, v in body.items()
    }
    before = _snapshot()
    response = getattr(api(role), method)(template.format(**ids), body)
    expected = allowed.get(role, 403)
    assert response.status_code == expected, response.content
    if expected == 403:
        assert response["Content-Type"] == "application/problem+json"
        assert _snapshot() == before
    else:
        assert _snapshot() != before


@pytest.mark.parametrize("role", ["interviewer", "other", "outsider", "manager"])
def test_lists_hold_exactly_what_the_rules_open(api, ids, users, role):
    """The API's lists and the pages' object rules agree, object by object."""
    user = users[role]
    candidates = {c["id"] for c in api(role).get("/api/v1/candidates").json()["items"]}
    for candidate in Candidate.objects.for_debrief():
        assert (candidate.pk in candidates) == user.has_perm(
            "interviews.view_candidate_page", candidate
        )
    loops = {loop["id"] for loop in api(role).get("/api/v1/loops").json()["items"]}
    for loop in Loop.objects.prefetch_related("stages"):
        assert (loop.pk in loops) == user.has_perm("interviews.read_loop", loop)
