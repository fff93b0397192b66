"""Co-scorers' sheets in the scorecards (the independence rule of the pages), and the loop's
decision through the API (hiring managers only, the debrief form's service)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interviews import coscoring, services
from interviews.models import Loop
from people.models import AuditEvent, Verb
from tests.factories import UserFactory
from webhooks.models import Delivery, Endpoint, Event

from .conftest import ROLES

SHADOW_SHEET_ITEMS = [
    {"position": 1, "score": 4, "skipped": False, "notes": "Named the retriever's recall."},
    {"position": 2, "score": None, "skipped": True, "notes": ""},
]


@pytest.fixture
def shadow(db):
    return UserFactory(
        username="shadow", first_name="Sasha", last_name="Shadow", groups=["Interviewers"]
    )


@pytest.fixture
def co(world, users, bank, shadow):
    """Omar's interview (two questions) co-scored by the outsider (panel) and Sasha (shadow).
    Omar scores 2 and 3 and submits; Sasha scores 4, skips the second, writes a note and
    submits; the outsider scores 1 and does not submit."""
    omar = world["omar"]
    for question in bank[4:6]:
        services.interview_add_question(interview=omar, question=question)
    panel = coscoring.coscorer_add(interview=omar, user=users["outsider"], actor=users["other"])
    sasha = coscoring.coscorer_add(
        interview=omar, user=shadow, actor=users["manager"], role="shadow"
    )
    services.interview_start(interview=omar)
    items = list(omar.items.order_by("position"))
    coscoring.coscore_score(sheet=panel, item=items[0], score=1)
    coscoring.coscore_score(sheet=sasha, item=items[0], score=4)
    coscoring.coscore_score(sheet=sasha, item=items[1], skipped=True)
    coscoring.coscore_save_notes(
        sheet=sasha, item=items[0], notes="Named the retriever's recall.", base_version=0
    )
    coscoring.coscorer_submit(sheet=sasha, recommendation="strong_hire", summary="Deep.")
    world["sasha"] = sasha
    world["panel"] = panel
    world["items"] = items
    return world


def _submit_omar(co):
    for item, score in zip(co["items"], [2, 3], strict=True):
        services.item_score(item=item, score=score)
    services.interview_submit(interview=co["omar"], recommendation="no_hire", summary="Thin.")


def _client(api, role, shadow):
    if role == "shadow":
        from api.services import token_create

        from .conftest import ApiClient

        return ApiClient(token_create(user=shadow, name="t", actor=shadow).secret)
    return api(role)


def _debrief_sheets(client, co) -> tuple[int, list[str]]:
    response = client.get(f"/api/v1/candidates/{co['candidate'].pk}/scorecards")
    if response.status_code != 200:
        return response.status_code, []
    entry = next(e for e in response.json()["entries"] if e["interview"] == co["omar"].pk)
    if entry["scorecard"] is not None:
        assert entry["scorecard"]["co_scorers"] == entry["co_scorers"]
    return 200, [s["scorer"]["name"] for s in entry["co_scorers"]]


# role -> (debrief status, sheets seen on Omar's entry; /scorecards/{omar} status, sheets seen)
AFTER_OMAR_SUBMITS = {
    "interviewer": ((200, ["Sasha Shadow"]), (404, None)),  # Ines: submitted, scored: unlocked
    "other": ((200, ["Sasha Shadow"]), (200, ["Sasha Shadow"])),  # Omar: his own scorecard
    "outsider": ((200, []), (404, None)),  # co-scorer who has not submitted: nothing
    "shadow": ((200, ["Sasha Shadow"]), (404, None)),  # submitted a scored sheet: unlocked
    "manager": ((200, ["Sasha Shadow"]), (200, ["Sasha Shadow"])),
    "curator": ((403, []), (403, None)),
    "admin": ((403, []), (403, None)),
    "none": ((403, []), (403, None)),
}


@pytest.mark.parametrize("role", list(AFTER_OMAR_SUBMITS))
def test_sheets_by_role_under_the_independence_rule(role, api, co, shadow):
    _submit_omar(co)
    client = _client(api, role, shadow)
    debrief, card = AFTER_OMAR_SUBMITS[role]
    assert _debrief_sheets(client, co) == debrief
    response = client.get(f"/api/v1/scorecards/{co['omar'].pk}")
    assert response.status_code == card[0]
    if card[1] is not None:
        assert [s["scorer"]["name"] for s in response.json()["co_scorers"]] == card[1]


def test_a_sheet_in_full(api, co, shadow):
    _submit_omar(co)
    sheets = api("manager").get(f"/api/v1/scorecards/{co['omar'].pk}").json()["co_scorers"]
    submitted_at = co["sasha"].__class__.objects.get(pk=co["sasha"].pk).submitted_at
    questions = [item.question_id for item in co["items"]]
    assert sheets == [
        {
            "scorer": {"id": shadow.pk, "name": "Sasha Shadow"},
            "role": "shadow",
            "recommendation": "strong_hire",
            "summary": "Deep.",
            "submitted_at": submitted_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "mean": 4.0,
            "items": [
                {**line, "question": q}
                for line, q in zip(SHADOW_SHEET_ITEMS, questions, strict=True)
            ],
        }
    ]
    # The list holds the same sheets; Ines's scorecard has none.
    listed = {
        c["id"]: c["co_scorers"] for c in api("manager").get("/api/v1/scorecards").json()["items"]
    }
    assert listed == {co["ines"].pk: [], co["omar"].pk: sheets}


def test_an_interviewer_who_has_not_submitted_sees_no_sheet(api, co, shadow):
    # Sasha submitted her sheet; Omar has not submitted his scorecard yet.
    assert _debrief_sheets(api("other"), co) == (200, [])
    assert api("other").get(f"/api/v1/scorecards/{co['omar'].pk}").status_code == 404
    debrief = api("other").get(f"/api/v1/candidates/{co['candidate'].pk}/scorecards").json()
    assert debrief["unlocked"] is False
    assert [e["co_scorers"] for e in debrief["entries"]] == [[], []]
    # Sasha, submitted, sees her own sheet and (unlocked) Ines's scorecard.
    assert _debrief_sheets(_client(api, "shadow", shadow), co) == (200, ["Sasha Shadow"])


def test_a_co_scorer_sees_the_others_once_their_own_sheet_is_in(api, co, shadow):
    _submit_omar(co)
    outsider = api("outsider")
    assert _debrief_sheets(outsider, co) == (200, [])
    coscoring.coscorer_submit(
        sheet=co["panel"], recommendation="no_hire", summary="Shaky.", allow_unscored=True
    )
    assert _debrief_sheets(outsider, co) == (200, ["outsider", "Sasha Shadow"])


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def _another_co_scored(users, bank, level, shadow, n):
    manager = users["manager"]
    for i in range(n):
        cand = services.candidate_create(name=f"K{n}-{i}", level=level, created_by=manager)
        loop = services.loop_open(candidate=cand, hiring_manager=manager)
        stage = services.stage_add(loop=loop, name="S", interviewer=users["other"], actor=manager)
        interview = services.stage_create_interview(stage=stage, interviewer=users["other"])
        services.interview_add_question(interview=interview, question=bank[0])
        sheet = coscoring.coscorer_add(interview=interview, user=shadow, actor=manager)
        services.interview_start(interview=interview)
        item = interview.items.get()
        services.item_score(item=item, score=3)
        coscoring.coscore_score(sheet=sheet, item=item, score=2)
        coscoring.coscorer_submit(sheet=sheet, recommendation="hire", summary="s")
        services.interview_submit(interview=interview, recommendation="hire", summary="s")


@pytest.fixture
def locmem(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_query_counts_stay_flat_with_sheets(api, co, users, bank, level, shadow, locmem):
    _submit_omar(co)
    client = api("manager")
    client.get("/api/v1/levels")  # the token's last use written: not in the counts below
    debrief = f"/api/v1/candidates/{co['candidate'].pk}/scorecards"
    small = (_count(client, "/api/v1/scorecards"), _count(client, debrief))
    _another_co_scored(users, bank, level, shadow, 5)
    large = (_count(client, "/api/v1/scorecards"), _count(client, debrief))
    # scorecards: token, groups, count, page, items, co-scorers, lines, the audit INSERT;
    # the debrief: the same whatever the number of interviews elsewhere
    assert (small, large) == ((8, 10), (8, 10))


# The loop's decision --------------------------------------------------------------------------

DECIDE = dict.fromkeys(ROLES, 403) | {"manager": 200}


@pytest.fixture
def endpoint(db):
    return Endpoint.objects.create(
        name="ATS", url="https://ats.example.com/hooks", events=[Event.LOOP_DECISION_RECORDED]
    )


def _unchanged(loop):
    loop.refresh_from_db()
    assert (loop.decision, loop.decided_on, loop.decided_by, loop.decision_note) == (
        "",
        None,
        None,
        "",
    )
    assert not AuditEvent.objects.filter(verb=Verb.DECIDE).exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("role", list(DECIDE))
def test_the_decision_by_role(role, api, world, users, endpoint):
    loop = world["loop"]
    response = api(role).post(
        f"/api/v1/loops/{loop.pk}/decision", {"decision": "hire", "note": " Strong. "}
    )
    assert response.status_code == DECIDE[role]
    if DECIDE[role] != 200:
        assert response["Content-Type"] == "application/problem+json"
        _unchanged(loop)
        return
    body = response.json()
    today = timezone.localdate().isoformat()
    assert (body["decision"], body["decided_on"], body["decided_by"], body["decision_note"]) == (
        "hire",
        today,
        {"id": users["manager"].pk, "name": "manager"},
        "Strong.",
    )
    assert list(AuditEvent.objects.filter(verb=Verb.DECIDE).values_list("summary", flat=True)) == [
        "Hire"
    ]
    (delivery,) = Delivery.objects.filter(endpoint=endpoint)
    assert (delivery.payload["decision"], delivery.payload["decided_on"]) == ("hire", today)


def test_a_decision_can_be_changed_and_dated(api, world):
    loop = world["loop"]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    path = f"/api/v1/loops/{loop.pk}/decision"
    api("manager").post(path, {"decision": "hire"})
    body = api("manager").post(path, {"decision": "no_hire", "decided_on": yesterday}).json()
    assert (body["decision"], body["decided_on"], body["decision_note"]) == (
        "no_hire",
        yesterday,
        "",
    )
    summaries = AuditEvent.objects.filter(verb=Verb.DECIDE).order_by("id")
    assert list(summaries.values_list("summary", flat=True)) == ["Hire", "Hire → No hire"]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"decision": "maybe"}, "decision", "Input should be 'hire' or 'no_hire'"),
        ({}, "decision", "Field required"),
        ({"decision": "hire", "decided_on": "tomorrow"}, "decided_on", "The decision cannot"),
        ({"decision": "hire", "decided_on": "2026-13-01"}, "decided_on", "Input should be"),
        ({"decision": "hire", "note": "x" * 3001}, "note", "String should have at most"),
    ],
)
def test_a_bad_decision_is_a_422_and_changes_nothing(payload, field, message, api, world, endpoint):
    if payload.get("decided_on") == "tomorrow":
        payload["decided_on"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    loop = world["loop"]
    response = api("manager").post(f"/api/v1/loops/{loop.pk}/decision", payload)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert errors[0]["message"].startswith(message), errors
    _unchanged(loop)


def test_an_unknown_loop_is_a_404_and_no_token_a_401(api, world, endpoint):
    missing = Loop.objects.order_by("-pk").first().pk + 1
    response = api("manager").post(f"/api/v1/loops/{missing}/decision", {"decision": "hire"})
    assert (response.status_code, response.json()["title"]) == (404, "Not found")
    response = api(None).post(f"/api/v1/loops/{world['loop'].pk}/decision", {"decision": "hire"})
    assert response.status_code == 401
    _unchanged(world["loop"])
