"""The independence rule and erasure hold in the API as on the pages."""

import pytest

from interviews import services
from interviews.models import ErasureRecord
from people.models import AuditEvent, Verb

from .conftest import run_interview


def test_no_other_scorecard_before_submitting_ones_own(api, world, bank, users):
    omar = api("other")
    ines_id = world["ines"].pk
    cam = world["candidate"].pk
    assert omar.get(f"/api/v1/scorecards/{ines_id}").status_code == 404
    assert omar.get("/api/v1/scorecards").json()["count"] == 0
    debrief = omar.get(f"/api/v1/candidates/{cam}/scorecards").json()
    assert debrief["unlocked"] is False
    entry = next(e for e in debrief["entries"] if e["interview"] == ines_id)
    assert entry == {
        "interview": ines_id,
        "interviewer": "interviewer",
        "status": "submitted",
        "own": False,
        "revealed": False,
        "scorecard": None,
        "co_scorers": [],
    }
    # The list of interviews does not give it away either: Omar sees his own only.
    assert [i["id"] for i in omar.get("/api/v1/interviews").json()["items"]] == [world["omar"].pk]


def test_the_others_scorecards_open_after_submitting_a_scored_own(api, world, bank, users):
    world["omar"].delete()  # Omar runs his stage from the start
    run_interview(
        stage=world["stage_o"], interviewer=users["other"], questions=bank[4:5], scores=[2]
    )
    cam = world["candidate"].pk
    debrief = api("other").get(f"/api/v1/candidates/{cam}/scorecards").json()
    assert debrief["unlocked"] is True
    ines = next(e for e in debrief["entries"] if e["interview"] == world["ines"].pk)
    assert ines["revealed"] is True
    assert ines["scorecard"]["mean"] == 3.5
    assert [i["score"] for i in ines["scorecard"]["items"]] == [3, 4]
    # Recorded once, as on the debrief page.
    api("other").get(f"/api/v1/candidates/{cam}/scorecards")
    unlocks = AuditEvent.objects.filter(actor=users["other"], verb=Verb.UNLOCK)
    assert unlocks.count() == 1
    # The scorecard's own address stays the page's rule: one's own, or a hiring manager.
    assert api("other").get(f"/api/v1/scorecards/{world['ines'].pk}").status_code == 404


def test_reading_a_scorecard_is_in_the_audit_trail(api, world, users):
    api("manager").get(f"/api/v1/scorecards/{world['ines'].pk}")
    api("manager").get("/api/v1/scorecards")
    reads = AuditEvent.objects.filter(actor=users["manager"], verb=Verb.READ)
    assert [(e.target_type, e.target_id) for e in reads] == [("interview", world["ines"].pk)] * 2


@pytest.mark.parametrize("role", ["interviewer", "other", "manager"])
def test_an_erased_candidate_is_gone_from_the_api(api, world, users, role):
    cam = world["candidate"]
    ids = {"candidate": cam.pk, "loop": world["loop"].pk, "ines": world["ines"].pk}
    services.candidate_erase(candidate=cam, by=users["manager"])
    assert ErasureRecord.objects.count() == 1
    client = api(role)
    for path in (
        f"/api/v1/candidates/{ids['candidate']}",
        f"/api/v1/candidates/{ids['candidate']}/scorecards",
        f"/api/v1/loops/{ids['loop']}",
        f"/api/v1/interviews/{ids['ines']}",
        f"/api/v1/scorecards/{ids['ines']}",
    ):
        assert client.get(path).status_code == 404, path
    for path in ("candidates", "loops", "interviews", "scorecards"):
        assert client.get(f"/api/v1/{path}").json()["count"] == 0, path
