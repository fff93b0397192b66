"""The measures in the API: who may read which, that every figure is the measures pages' own
(the same cached snapshot, never a second computation), question health's filters and pages,
the stale mark, query counts flat in the data's size; and the loop's decision in the loop."""

import datetime
import typing

import pytest
from django.core.cache import cache
from django.urls import reverse

from api.schemas import FlagName
from api.services import token_create
from interviews import measuring, services
from interviews.models import Decision
from interviews.simulation import Settings, simulate
from interviews.views.measures import FLAGS
from tests.simulated import write_simulation

from .conftest import ROLES, ApiClient

AGREEMENT = "/api/v1/measures/agreement"
CALIBRATION = "/api/v1/measures/calibration"
QUESTIONS = "/api/v1/measures/questions"

SMALL = Settings(
    candidates=100,
    interviewers=6,
    questions=30,
    questions_per_interview=4,
    co_scored_share=0.5,
    non_discriminating=2,
    mis_tagged=2,
    over_time=2,
)

EXPECTED = {
    AGREEMENT: {
        "interviewer": 403,
        "other": 403,
        "outsider": 403,
        "manager": 200,
        "curator": 403,
        "admin": 200,
        "none": 403,
    },
    CALIBRATION: {
        "interviewer": 403,
        "other": 403,
        "outsider": 403,
        "manager": 200,
        "curator": 403,
        "admin": 200,
        "none": 403,
    },
    QUESTIONS: {
        "interviewer": 403,
        "other": 403,
        "outsider": 403,
        "manager": 200,
        "curator": 200,
        "admin": 200,
        "none": 403,
    },
}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The figures' refresh runs at once, as on SQLite (PostgreSQL's worker is not running)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def simulated(db):
    return write_simulation(simulate(SMALL, seed=3))


def manager_of(written) -> ApiClient:
    user = written.hiring_manager
    return ApiClient(token_create(user=user, name="tests", actor=user).secret)


# -- Roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(EXPECTED))
def test_every_role_on_every_measures_endpoint(api, world, role, path):
    response = api(role).get(path)
    assert response.status_code == EXPECTED[path][role]
    if response.status_code == 403:
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["title"] == "Not allowed"
    else:
        assert response.json()["stale"] is False


@pytest.mark.parametrize("path", list(EXPECTED))
def test_no_token_is_401(api, world, path):
    response = api(None).get(path)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"


# -- The pages' figures --------------------------------------------------------------------------


def test_the_api_answers_the_pages_snapshot(client, simulated):
    client.force_login(simulated.hiring_manager)
    assert client.get(reverse("interviews:measures_agreement")).status_code == 200
    snapshot = measuring.current()  # what the page laid out, kept in the cache
    m = snapshot.measures
    api = manager_of(simulated)

    body = api.get(AGREEMENT).json()
    at = snapshot.computed_at  # written to the millisecond
    assert datetime.datetime.fromisoformat(body["computed_at"]) == at.replace(
        microsecond=at.microsecond // 1000 * 1000
    )
    overall = m.agreement.overall
    assert body["overall"] == {
        "units": overall.n_units,
        "alpha": overall.value,
        "interval": {"low": overall.interval.low, "high": overall.interval.high},
        "flagged": overall.flagged,
        "reason": "",
    }
    assert [t["topic"] for t in body["topics"]] == [
        s for s in snapshot.topics if s in m.agreement.by_topic
    ]
    assert {q["question"]: q["alpha"] for q in body["questions"]} == {
        pk: a.value for pk, a in m.agreement.by_question.items()
    }
    assert {(p["raters"][0]["id"], p["raters"][1]["id"]): p["units"] for p in body["pairs"]} == {
        pair: a.n_units for pair, a in m.agreement.by_pair.items()
    }
    first = simulated.users[0]
    pair = next(p for p in body["pairs"] if p["raters"][0]["id"] == first.pk)
    assert pair["raters"][0]["name"] == first.get_full_name()

    body = api.get(CALIBRATION).json()
    assert body["min_scored_items"] == 30
    assert len(body["interviewers"]) == 6
    assert {x["interviewer"]["id"]: x["leniency"] for x in body["interviewers"]} == {
        x.interviewer_id: x.estimate for x in m.leniency
    }
    rates = {r.interviewer_id: r for r in m.hire_rates}
    row = next(x for x in body["interviewers"] if x["interviewer"]["id"] == first.pk)
    assert row["interviewer"]["name"] == first.get_full_name()
    assert row["decided_loops"] == rates[first.pk].n > 0
    assert row["recommended_hire"]["value"] == rates[first.pk].recommended.value

    body = api.get(QUESTIONS, {"limit": 200}).json()
    assert body["count"] == len(m.questions) == 30
    assert body["next_offset"] is None
    by_id = {q.question_id: q for q in m.questions}
    for item in body["items"]:
        q = by_id[item["question"]]
        assert item["times_asked"] == q.times_asked
        assert item["discrimination"] == q.discrimination
        assert item["difficulty"] == q.difficulty
        assert item["skip_rate"] == q.skip_rate
        assert item["agreement"]["alpha"] == q.agreement.value
        assert item["flags"] == [slug for slug, flag in FLAGS.items() if flag in q.flags]
    assert [i["question"] for i in body["items"]] == sorted(by_id)
    # Never a second computation: the snapshot kept is the one the page computed.
    assert measuring.current().computed_at == snapshot.computed_at


def test_the_mark_of_stale_figures(simulated, settings, django_capture_on_commit_callbacks):
    api = manager_of(simulated)
    assert api.get(CALIBRATION).json()["stale"] is False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        services.candidate_erase(candidate=simulated.candidates[0], by=simulated.hiring_manager)
    assert api.get(CALIBRATION).json()["stale"] is True
    assert api.get(QUESTIONS).json()["stale"] is True


# -- Question health: filters and pages ----------------------------------------------------------


def test_question_health_filters_by_flag_level_and_topic(simulated):
    api = manager_of(simulated)
    snapshot = measuring.current()
    everything = api.get(QUESTIONS, {"limit": 200}).json()["items"]
    flagged = [i["question"] for i in everything if i["flags"]]
    assert 0 < len(flagged) < 30
    body = api.get(QUESTIONS, {"flagged": "true", "limit": 200}).json()
    assert [i["question"] for i in body["items"]] == flagged
    assert body["count"] == len(flagged)
    body = api.get(QUESTIONS, {"flagged": "false", "limit": 200}).json()
    assert body["count"] == 30 - len(flagged)
    for slug, flag in FLAGS.items():
        body = api.get(QUESTIONS, {"flag": slug, "limit": 200}).json()
        expected = sorted(q.question_id for q in snapshot.measures.questions if flag in q.flags)
        assert [i["question"] for i in body["items"]] == expected
    assert api.get(QUESTIONS, {"flag": "no-discrimination"}).json()["count"] >= 1
    level = everything[0]["levels"][0]
    topic = everything[0]["topics"][0]
    body = api.get(QUESTIONS, {"level": level, "topic": topic, "limit": 200}).json()
    assert 1 <= body["count"] < 30
    assert all(level in i["levels"] and topic in i["topics"] for i in body["items"])
    assert api.get(QUESTIONS, {"topic": "no-such-topic"}).json()["count"] == 0


def test_the_flags_are_the_pages_flags():
    assert typing.get_args(FlagName) == tuple(FLAGS)


def test_question_health_pages_add_up_to_the_whole(simulated):
    api = manager_of(simulated)
    seen, offset = [], 0
    while offset is not None:
        body = api.get(QUESTIONS, {"limit": 7, "offset": offset}).json()
        assert body["count"] == 30 and body["limit"] == 7
        seen += [i["question"] for i in body["items"]]
        offset = body["next_offset"]
    assert len(seen) == 30 and seen == sorted(seen)
    assert api.get(QUESTIONS, {"offset": 30}).json()["items"] == []


@pytest.mark.parametrize(
    "query",
    [{"flag": "bogus"}, {"flagged": "perhaps"}, {"limit": 0}, {"limit": 201}, {"offset": -1}],
)
def test_bad_filters_are_a_422_problem(api, world, query):
    response = api("curator").get(QUESTIONS, query)
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]


# -- Query counts: pinned, and flat in the size of the data --------------------------------------


@pytest.fixture
def locmem(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("path", [AGREEMENT, CALIBRATION, QUESTIONS])
def test_query_counts_pinned_and_flat(db, locmem, path, django_assert_num_queries):
    # the token (with its user), the user's groups; the figures come from the cache
    small = write_simulation(simulate(SMALL, seed=1), prefix="a")
    api = manager_of(small)
    assert api.get(path).status_code == 200  # computes, keeps; writes the token's last use
    with django_assert_num_queries(2):
        assert api.get(path).status_code == 200
    bigger = Settings(**{**SMALL.__dict__, "candidates": 250, "interviewers": 9})
    write_simulation(simulate(bigger, seed=2), prefix="b")
    measuring._new_generation()
    assert api.get(path).status_code == 200
    with django_assert_num_queries(2):
        body = api.get(path).json()
    assert body["computed_at"] == api.get(path).json()["computed_at"]


# -- The loop's decision -------------------------------------------------------------------------


def test_the_loop_shows_its_decision(api, world, users):
    loop = world["loop"]
    body = api("manager").get(f"/api/v1/loops/{loop.pk}").json()
    assert (body["decision"], body["decided_on"], body["decided_by"], body["decision_note"]) == (
        None,
        None,
        None,
        "",
    )
    manager = users["manager"]
    manager.first_name, manager.last_name = "Hana", "Rossi"
    manager.save()
    loop.decision = Decision.NO_HIRE
    loop.decided_on = datetime.date(2026, 11, 30)
    loop.decided_by = manager
    loop.decision_note = "Not this time."
    loop.save()
    for role in ("manager", "interviewer"):
        body = api(role).get(f"/api/v1/loops/{loop.pk}").json()
        assert body["decision"] == "no_hire"
        assert body["decided_on"] == "2026-11-30"
        assert body["decided_by"] == {"id": manager.pk, "name": "Hana Rossi"}
        assert body["decision_note"] == "Not this time."
    [listed] = api("manager").get("/api/v1/loops").json()["items"]
    assert listed["decision"] == "no_hire"
