"""Pages in id order, filters, incremental sync, problem details, the rate limit, audit of
writes, and query counts flat in the size of the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interviews import services
from interviews.models import Candidate, Interview, Loop
from people.models import AuditEvent, Verb
from questionbank.models import Question
from tests.factories import QuestionFactory


def test_pages_cover_every_question_once_in_id_order(api, bank):
    client = api("curator")
    seen, offset, pages = [], 0, 0
    while offset is not None:
        body = client.get("/api/v1/questions", {"limit": 3, "offset": offset}).json()
        assert body["count"] == 8 and body["limit"] == 3
        seen += [q["id"] for q in body["items"]]
        offset = body["next_offset"]
        pages += 1
    assert pages == 3
    assert seen == sorted(q.pk for q in bank)


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"level": "intern"}, 4),
        ({"topic": "inference"}, 4),
        ({"difficulty": 4}, 2),
        ({"kind": "coding"}, 2),
        ({"status": "retired"}, 1),
        ({"status": "active", "topic": "inference"}, 3),
        ({"level": "intern", "kind": "coding"}, 1),
        ({"q": "inference difficulty 2"}, 1),
        ({"level": "no-such-level"}, 0),
    ],
)
def test_question_filters(api, bank, query, count):
    body = api("interviewer").get("/api/v1/questions", query).json()
    assert body["count"] == count
    assert len(body["items"]) == count


def test_incremental_sync_of_questions(api, bank):
    Question.objects.update(updated_at=timezone.now() - timedelta(days=1))
    since = timezone.now()
    client = api("curator")
    assert (
        client.get("/api/v1/questions", {"updated_since": since.isoformat()}).json()["count"] == 0
    )
    assert (
        client.patch(f"/api/v1/questions/{bank[2].pk}", {"topics": ["inference"]}).status_code
        == 200
    )
    changed = client.get("/api/v1/questions", {"updated_since": since.isoformat()}).json()
    assert [q["id"] for q in changed["items"]] == [bank[2].pk]
    assert changed["items"][0]["topics"] == ["inference"]


def test_incremental_sync_of_candidates_loops_and_interviews(api, world, users):
    Candidate.objects.update(updated_at=timezone.now() - timedelta(days=1))
    Loop.objects.update(updated_at=timezone.now() - timedelta(days=1))
    Interview.objects.update(updated_at=timezone.now() - timedelta(days=1))
    since = {"updated_since": timezone.now().isoformat()}
    client = api("manager")
    for path in ("candidates", "loops", "interviews"):
        assert client.get(f"/api/v1/{path}", since).json()["count"] == 0
    services.candidate_set_archived(
        candidate=world["candidate"], archived=True, actor=users["manager"]
    )
    services.stage_add(
        loop=world["loop"], name="Extra", interviewer=users["outsider"], actor=users["manager"]
    )
    services.interview_add_question(
        interview=world["omar"],
        question=Question.objects.get(text__startswith="Inference question at difficulty 1"),
    )
    services.interview_start(interview=world["omar"])
    assert [c["archived"] for c in client.get("/api/v1/candidates", since).json()["items"]] == [
        True
    ]
    loops = client.get("/api/v1/loops", since).json()["items"]
    assert [s["name"] for s in loops[0]["stages"]] == ["Fundamentals", "Systems", "Extra"]
    assert [i["id"] for i in client.get("/api/v1/interviews", since).json()["items"]] == [
        world["omar"].pk
    ]


def test_interview_filters(api, world):
    client = api("manager")
    today = timezone.localdate().isoformat()
    assert client.get("/api/v1/interviews", {"status": "submitted"}).json()["count"] == 1
    assert client.get("/api/v1/interviews", {"status": "draft"}).json()["count"] == 1
    assert client.get("/api/v1/interviews", {"interviewer": "other"}).json()["count"] == 1
    assert (
        client.get("/api/v1/interviews", {"date_from": today, "date_to": today}).json()["count"]
        == 2
    )
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.get("/api/v1/interviews", {"date_from": tomorrow}).json()["count"] == 0
    assert client.get("/api/v1/loops", {"status": "closed"}).json()["count"] == 0
    assert client.get("/api/v1/candidates", {"archived": "true"}).json()["count"] == 0


# Problem details ------------------------------------------------------------------------------


def test_invalid_input_is_a_422_problem_naming_each_field(api, bank):
    before = Question.objects.count()
    response = api("curator").post(
        "/api/v1/questions", {"text": "", "kind": "riddle", "difficulty": 9, "levels": []}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/api/v1/problems/invalid"
    assert body["title"] == "Invalid input"
    assert body["status"] == 422
    assert {e["field"] for e in body["errors"]} == {
        "text",
        "kind",
        "difficulty",
        "levels",
        "topics",
    }
    assert Question.objects.count() == before


def test_refused_by_the_service_is_a_422_problem(api, bank):
    client = api("curator")
    unknown = client.post(
        "/api/v1/questions", {"text": "New?", "levels": ["nope"], "topics": ["rag"]}
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "levels", "message": "Unknown levels: nope"}]
    duplicate = client.post(
        "/api/v1/questions",
        {"text": "  rag QUESTION at difficulty 1? ", "levels": ["engineer"], "topics": ["rag"]},
    )
    assert duplicate.status_code == 422
    assert "already exists" in duplicate.json()["errors"][0]["message"]
    null = client.patch(f"/api/v1/questions/{bank[0].pk}", {"text": None})
    assert null.status_code == 422
    assert Question.objects.count() == 8


def test_malformed_json_is_a_problem(api, bank):
    response = api("curator").client.post(
        "/api/v1/questions",
        "{not json",
        content_type="application/json",
        headers=api("curator").headers,
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_a_duplicate_email_and_a_second_open_loop_are_refused(api, world, level):
    client = api("manager")
    again = client.post(
        "/api/v1/candidates", {"name": "Cam Again", "email": "CAM@example.com", "level": "engineer"}
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "email"
    loop = client.post("/api/v1/loops", {"candidate": world["candidate"].pk})
    assert loop.status_code == 422
    assert "already has an open loop" in loop.json()["detail"] + str(loop.json()["errors"])
    assert Candidate.objects.count() == 1 and Loop.objects.count() == 1


def test_another_users_ids_and_unknown_ids_look_the_same(api, world):
    client = api("outsider")
    hidden = client.get(f"/api/v1/scorecards/{world['ines'].pk}")
    missing = client.get("/api/v1/scorecards/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden.json() == {
        "type": "/api/v1/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No such resource, or not one you may read.",
    }
    # Opening a loop for a candidate one cannot see: the same 404.
    assert client.get(f"/api/v1/loops/{world['loop'].pk}").json() == missing.json()


# Writes: the pages' services, the audit trail -------------------------------------------------


def test_api_writes_are_in_the_audit_trail(api, bank, users):
    curator = api("curator")
    created = curator.post(
        "/api/v1/questions",
        {
            "text": "What is speculative decoding?",
            "levels": ["engineer"],
            "topics": ["inference"],
            "kind": "conceptual",
            "difficulty": 4,
        },
    ).json()
    assert created["estimated_minutes"] == 5  # the kind's default, as in the admin
    curator.patch(f"/api/v1/questions/{created['id']}", {"difficulty": 5, "status": "retired"})
    curator.patch(f"/api/v1/questions/{created['id']}", {"difficulty": 5})  # no change
    manager = api("manager")
    cand = manager.post(
        "/api/v1/candidates", {"name": "Fay", "email": "fay@example.com", "level": "engineer"}
    ).json()
    loop = manager.post("/api/v1/loops", {"candidate": cand["id"]}).json()
    assert loop["hiring_manager"] == "manager" and loop["status"] == "open"
    rows = list(
        AuditEvent.objects.exclude(target_type="apitoken")
        .order_by("id")
        .values_list("actor__username", "verb", "target_type", "summary")
    )
    assert rows == [
        ("curator", Verb.CREATE, "question", ""),
        ("curator", Verb.UPDATE, "question", "changed difficulty, status"),
        ("manager", Verb.CREATE, "candidate", ""),
        ("manager", Verb.OPEN_LOOP, "loop", ""),
    ]


# Rate limit -----------------------------------------------------------------------------------


def test_rate_limit_per_token(api, settings, bank):
    settings.API_RATE_PER_MINUTE = 3
    client = api("curator")
    assert [client.get("/api/v1/levels").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/levels")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["title"] == "Too many requests"
    # Another token has its own count.
    assert api("manager").get("/api/v1/levels").status_code == 200


# Query counts ---------------------------------------------------------------------------------


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, users, bank, level, n):
    for i in range(n):
        QuestionFactory(
            text=f"Extra question {n}-{i}?", levels=[level], topics=bank[0].topics.all()
        )
        cand = services.candidate_create(name=f"C{n}-{i}", level=level, created_by=users["manager"])
        loop = services.loop_open(candidate=cand, hiring_manager=users["manager"])
        stage = services.stage_add(
            loop=loop, name="S", interviewer=users["interviewer"], actor=users["manager"]
        )
        from .conftest import run_interview

        run_interview(
            stage=stage, interviewer=users["interviewer"], questions=bank[:2], scores=[2, 3]
        )


# Pinned under the locmem cache (the rate-limit count in a memory cache costs no query);
# test_rate_limit_bookkeeping_is_a_fixed_cost pins what the database cache adds.
PINNED = {
    "/api/v1/levels": 3,
    "/api/v1/topics": 3,
    "/api/v1/questions": 7,
    "/api/v1/candidates": 4,
    "/api/v1/loops": 6,
    "/api/v1/interviews": 4,
    "/api/v1/scorecards": 7,  # + the co-scorers (none here: their lines not asked)
}


@pytest.fixture
def locmem(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.parametrize("path", list(PINNED))
def test_query_counts_pinned_and_flat(api, world, users, bank, level, locmem, path):
    client = api("manager")
    client.get("/api/v1/levels")  # the token's last use written: not in the counts below
    small = _queries(client, path)
    _grow(world, users, bank, level, 6)
    large = _queries(client, path)
    assert (small, large) == (PINNED[path], PINNED[path])


def test_rate_limit_bookkeeping_is_a_fixed_cost(api, world, users, bank, level):
    """With the database cache (the default without Redis) the per-token count adds the same
    few queries to every request, whatever the data."""
    client = api("manager")
    client.get("/api/v1/levels")
    small = _queries(client, "/api/v1/questions")
    _grow(world, users, bank, level, 6)
    large = _queries(client, "/api/v1/questions")
    assert small == large
    # A read and a write of the counter: the database cache's SELECT, then its set (count of
    # rows for culling, SELECT, UPDATE, in a savepoint). Redis: one INCR.
    assert small - PINNED["/api/v1/questions"] == 6


def test_a_nul_character_in_a_body_is_a_400_problem(api, bank):
    response = api("curator").patch(f"/api/v1/questions/{bank[0].pk}", {"guidance": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]
    assert Question.objects.get(pk=bank[0].pk).guidance == bank[0].guidance


def test_unknown_api_addresses_are_problems_not_pages(api, db):
    for client in (api("manager"), api(None)):
        for response in (
            client.get("/api/v1/no-such-thing/"),
            client.patch("/api/v1/questions/-1", {"difficulty": 2}),
        ):
            assert response.status_code == 404
            assert response["Content-Type"] == "application/problem+json"


def test_token_calls_need_no_csrf_token(tokens, bank):
    """A bearer token is no ambient credential: the API's writes are exempt from CSRF (the
    pages' forms keep it)."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/questions",
        {"text": "Why does top-p sampling help?", "levels": ["engineer"], "topics": ["rag"]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens['curator']}"},
    )
    assert response.status_code == 201
    # Logged in with a session but no token: the API does not take the session.
    browser = Client(enforce_csrf_checks=True)
    from django.contrib.auth import get_user_model

    browser.force_login(get_user_model().objects.get(username="curator"))
    assert browser.get("/api/v1/levels").status_code == 401


def test_a_nul_character_in_a_query_is_a_400_problem(api, bank):
    response = api("curator").get("/api/v1/questions", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_updated_since_takes_any_offset_and_refuses_the_unrepresentable(api, bank):
    client = api("curator")
    odd = client.get("/api/v1/questions", {"updated_since": "2000-01-01T00:00:00-22:43"})
    assert odd.status_code == 200 and odd.json()["count"] == 8
    naive = client.get("/api/v1/candidates", {"updated_since": "2000-01-01T00:00:00"})
    assert naive.status_code == 403  # a curator reads no candidates: the filter parsed
    far = client.get("/api/v1/questions", {"updated_since": "9999-12-31T23:59:59-23:00"})
    assert far.status_code == 422
    assert far.json()["errors"][0]["field"] == "updated_since"
