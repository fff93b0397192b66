"""Admins register endpoints; deliveries are read-only, with the receiver's answers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from webhooks.models import Delivery, DeliveryStatus, Endpoint, Event

from .conftest import make_endpoint

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def as_admin(client, superuser):
    client.force_login(superuser)
    return client


def test_an_admin_registers_an_endpoint_for_chosen_events(as_admin):
    add = reverse("admin:webhooks_endpoint_add")
    page = as_admin.get(add).content.decode()
    for value, label in Event.choices:
        assert f'value="{value}"' in page and label in page
    response = as_admin.post(
        add,
        {
            "name": "ATS",
            "url": "https://ats.example.com/hooks",
            "secret": "a-long-shared-secret-123",
            "events": [Event.SCORECARD_SUBMITTED, Event.CANDIDATE_ERASED],
            "active": "on",
        },
    )
    assert response.status_code == 302
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["scorecard.submitted", "candidate.erased"]
    assert endpoint.secret == "a-long-shared-secret-123" and endpoint.active


def test_a_new_endpoint_is_offered_a_generated_secret(as_admin):
    page = as_admin.get(reverse("admin:webhooks_endpoint_add")).content.decode()
    assert 'name="secret"' in page and 'value=""' not in page.split('name="secret"')[1][:200]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"events": []}, "This field is required."),
        ({"events": ["scorecard.lost"]}, "Select a valid choice."),
        ({"url": "not a url"}, "Enter a valid URL."),
        ({"secret": "short"}, "Use a secret of at least 16 characters."),
    ],
)
def test_a_bad_endpoint_is_refused_with_a_message_and_nothing_saved(as_admin, change, error):
    data = {
        "name": "ATS",
        "url": "https://ats.example.com/hooks",
        "secret": "a-long-shared-secret-123",
        "events": [Event.SCORECARD_SUBMITTED],
        **change,
    }
    response = as_admin.post(reverse("admin:webhooks_endpoint_add"), data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Endpoint.objects.exists()


def deliveries(count: int) -> list[Delivery]:
    endpoints = [make_endpoint(f"https://e{i}.example.com/", name=f"E{i}") for i in range(3)]
    now = timezone.now()
    return Delivery.objects.bulk_create(
        Delivery(
            endpoint=endpoints[i % 3],
            event=Event.CANDIDATE_ERASED,
            payload={"candidate": {"id": i}},
            status=DeliveryStatus.FAILED,
            attempts=3,
            last_response_status=503,
            last_response_body=f"busy {i}",
            created_at=now - timedelta(minutes=i),
        )
        for i in range(count)
    )


def test_the_deliveries_list_reads_in_a_flat_number_of_queries(
    as_admin, django_assert_max_num_queries
):
    deliveries(60)
    with django_assert_max_num_queries(12):
        response = as_admin.get(reverse("admin:webhooks_delivery_changelist"))
    assert response.status_code == 200
    assert response.content.decode().count("Candidate erased") >= 60


def test_a_delivery_shows_the_receivers_answer_and_cannot_be_added_or_changed(as_admin):
    [delivery] = deliveries(1)
    url = reverse("admin:webhooks_delivery_change", args=[delivery.pk])
    page = as_admin.get(url).content.decode()
    assert "busy 0" in page and "503" in page and str(delivery.uuid) in page
    assert 'name="status"' not in page  # read-only
    assert as_admin.get(reverse("admin:webhooks_delivery_add")).status_code == 403
    as_admin.post(url, {"status": DeliveryStatus.DELIVERED})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


def test_send_again_now_retries_a_failed_delivery(
    as_admin, receiver, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(receiver.url)
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event=Event.CANDIDATE_ERASED,
        payload={"candidate": {"id": 1}},
        status=DeliveryStatus.FAILED,
        attempts=9,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(
            reverse("admin:webhooks_delivery_changelist"),
            {"action": "send_again_now", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 10
    assert receiver.accepted() == [str(delivery.uuid)]


def test_an_endpoints_page_shows_its_events_ticked(as_admin):
    endpoint = make_endpoint("https://ats.example.com/hooks", events=[Event.SCORECARD_AMENDED])
    page = as_admin.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
    html = page.content.decode()
    assert 'value="scorecard.amended" id="id_events_1" checked' in html.replace("\n", "")
    assert 'value="scorecard.submitted" id="id_events_0" checked' not in html
