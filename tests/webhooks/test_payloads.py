"""What each event sends, and what an erased candidate leaves in the deliveries."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from interviews import services as interview_services
from tests.factories import UserFactory
from webhooks import payloads, services
from webhooks.models import Delivery, DeliveryStatus, Event

from .conftest import make_endpoint

pytestmark = pytest.mark.usefixtures("immediate_tasks")
WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_the_scorecard_payload(live_interview, django_assert_max_num_queries):
    items = list(live_interview.items.all())
    interview_services.item_score(item=items[0], score=4)
    interview = interview_services.interview_submit(
        interview=live_interview, recommendation="hire", summary="Good.", allow_unscored=True
    )
    with django_assert_max_num_queries(4):
        data = payloads.scorecard_payload(interview)
    assert data["interview"]["status"] == "submitted" and data["interview"]["level"] == "engineer"
    assert data["interview"]["path"] == reverse("interviews:scorecard", args=[interview.pk])
    assert data["interviewer"] == {"id": interview.interviewer_id, "username": "ines",
                                   "email": "ines@example.com"}  # fmt: skip
    assert data["scores"][0] == {
        "position": 1,
        "question_id": items[0].question_id,
        "kind": "conceptual",
        "topics": ["rag"],
        "score": 4,
        "skipped": False,
    }
    assert [s["score"] for s in data["scores"]] == [4, None, None]


def test_the_loop_decision_payload(db):
    candidate = type("C", (), {"pk": 5, "name": "Cam", "email": "cam@example.com"})()
    manager = UserFactory(username="hana")
    data = payloads.loop_decision_payload(
        loop_id=3, candidate=candidate, decision="hire", decided_by=manager, decided_at=WHEN,
        note="Strong loop.",
    )  # fmt: skip
    assert data == {
        "loop": {"id": 3},
        "candidate": {"id": 5, "name": "Cam", "email": "cam@example.com"},
        "decision": "hire",
        "decided_on": None,
        "note": "Strong loop.",
        "decided_by": {"id": manager.pk, "username": "hana", "email": "hana@example.com"},
        "decided_at": "2026-12-01T09:30:00+00:00",
    }


def test_the_candidate_erased_payload_names_the_id_alone():
    assert payloads.candidate_erased_payload(candidate_id=9, erased_at=WHEN) == {
        "candidate": {"id": 9},
        "erased_at": "2026-12-01T09:30:00+00:00",
    }


def test_forgetting_a_candidate_scrubs_their_deliveries_and_cancels_pending_ones(db):
    endpoint = make_endpoint("https://ats.example.com/hooks")
    mine = {"candidate": {"id": 9, "name": "Cam", "email": "cam@example.com"}}
    [pending] = services.emit(Event.SCORECARD_SUBMITTED, mine)
    [delivered] = services.emit(Event.SCORECARD_AMENDED, mine)
    Delivery.objects.filter(pk=delivered.pk).update(
        status=DeliveryStatus.DELIVERED, delivered_at=WHEN, next_attempt_at=None
    )
    [other] = services.emit(Event.SCORECARD_SUBMITTED, {"candidate": {"id": 10, "name": "Ora"}})
    [erased] = services.emit(
        Event.CANDIDATE_ERASED, payloads.candidate_erased_payload(candidate_id=9, erased_at=WHEN)
    )
    assert services.deliveries_forget_candidate(candidate_id=9) == 2
    for delivery in (pending, delivered, other, erased):
        delivery.refresh_from_db()
    assert pending.payload == delivered.payload == {"candidate": {"id": 9}, "erased": True}
    assert pending.status == DeliveryStatus.FAILED and pending.next_attempt_at is None
    assert pending.last_error == "Cancelled: the candidate was erased."
    assert delivered.status == DeliveryStatus.DELIVERED
    assert other.payload["candidate"]["name"] == "Ora" and other.status == DeliveryStatus.PENDING
    assert erased.status == DeliveryStatus.PENDING and endpoint.deliveries.count() == 4
