"""A draft's details (title, level, planned minutes, date and time, duration) and discarding
it: only the interviewer's own drafts; refused, with nothing changed, otherwise."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interviews import kits, services
from interviews.models import Candidate, Interview, InterviewQuestion, InterviewStatus, Kit
from questionbank.models import Level

from .conftest import make_status

HX = {"HX-Request": "true"}


def edit_url(interview):
    return reverse("interviews:interview_edit", args=[interview.pk])


def discard_url(interview):
    return reverse("interviews:interview_discard", args=[interview.pk])


def text(response):
    return response.content.decode()


@pytest.fixture
def senior(db):
    return Level.objects.create(name="Senior", slug="senior", rank=5)


def details(**overrides):
    data = {
        "title": "Retrieval deep dive",
        "level": "",
        "planned_minutes": "60",
        "scheduled_at": "2026-12-03T14:30",
        "duration_minutes": "50",
    }
    data.update(overrides)
    return data


def snapshot(interview):
    interview = Interview.objects.get(pk=interview.pk)
    return (
        interview.title,
        interview.level_id,
        interview.planned_minutes,
        interview.scheduled_at,
        interview.duration_minutes,
        interview.schedule_sequence,
        interview.status,
        list(interview.items.values_list("pk", "position")),
    )


# Edit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_url", [edit_url, discard_url], ids=["edit", "discard"])
def test_other_interviewers_cannot_edit_or_discard(as_other, draft, page_url):
    before = snapshot(draft)
    url = page_url(draft)
    assert as_other.get(url).status_code == 404
    assert as_other.post(url, details(level=draft.level_id, confirm="on")).status_code == 404
    assert snapshot(draft) == before


@pytest.mark.parametrize("page_url", [edit_url, discard_url], ids=["edit", "discard"])
def test_anonymous_cannot_edit_or_discard(client, draft, page_url):
    before = snapshot(draft)
    response = client.post(page_url(draft), details(level=draft.level_id, confirm="on"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert snapshot(draft) == before


def test_the_edit_page_shows_the_current_details(as_interviewer, draft):
    draft = services.interview_update_details(
        interview=draft,
        title="First round",
        planned_minutes=50,
        level=draft.level,
        scheduled_at=timezone.make_aware(datetime(2026, 12, 3, 14, 30)),
        duration_minutes=45,
    )
    response = as_interviewer.get(edit_url(draft))
    body = text(response)
    assert response.status_code == 200 and "<h1>Edit details</h1>" in body
    assert 'value="First round"' in body
    assert 'type="datetime-local" name="scheduled_at" value="2026-12-03T14:30"' in body
    assert 'name="duration_minutes" value="45"' in body
    assert 'name="planned_minutes" value="50"' in body


def test_saving_details_changes_them_and_returns_to_the_composer(as_interviewer, draft, senior):
    response = as_interviewer.post(edit_url(draft), details(level=senior.pk))
    assert response.status_code == 303
    compose = reverse("interviews:compose", args=[draft.pk])
    assert response["Location"] == f"{compose}?level=senior"  # straight to the new level
    draft.refresh_from_db()
    assert draft.title == "Retrieval deep dive"
    assert draft.level == senior and draft.planned_minutes == 60
    assert draft.scheduled_at == timezone.make_aware(datetime(2026, 12, 3, 14, 30))
    assert draft.duration_minutes == 50
    assert draft.schedule_sequence == 1
    assert draft.items.count() == 3  # the questions stay


def test_the_schedule_sequence_rises_only_when_the_schedule_changes(draft):
    kwargs = {
        "interview": draft,
        "title": "A",
        "planned_minutes": 45,
        "level": draft.level,
        "scheduled_at": timezone.make_aware(datetime(2026, 12, 3, 14, 30)),
        "duration_minutes": 45,
    }
    assert services.interview_update_details(**kwargs).schedule_sequence == 1
    assert services.interview_update_details(**kwargs | {"title": "B"}).schedule_sequence == 1
    later = kwargs | {"scheduled_at": timezone.make_aware(datetime(2026, 12, 4, 9, 0))}
    assert services.interview_update_details(**later).schedule_sequence == 2
    assert (
        services.interview_update_details(**later | {"duration_minutes": 30}).schedule_sequence == 3
    )
    unscheduled = later | {"scheduled_at": None, "duration_minutes": None}
    assert services.interview_update_details(**unscheduled).schedule_sequence == 4


def test_htmx_save_redirects_the_client(as_interviewer, draft):
    response = as_interviewer.post(edit_url(draft), details(level=draft.level_id), headers=HX)
    assert response.status_code == 200
    compose = reverse("interviews:compose", args=[draft.pk])
    assert response["HX-Redirect"] == f"{compose}?level=engineer"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "   "}, "title", "This field is required"),
        ({"planned_minutes": "4"}, "planned_minutes", "greater than or equal to 5"),
        ({"planned_minutes": "481"}, "planned_minutes", "less than or equal to 480"),
        ({"planned_minutes": "soon"}, "planned_minutes", "Enter a whole number"),
        ({"level": "999"}, "level", "Select a valid choice"),
        ({"scheduled_at": "next tuesday"}, "scheduled_at", "Enter a valid date/time"),
        ({"duration_minutes": "0"}, "duration_minutes", "greater than or equal to 5"),
        ({"duration_minutes": "-30"}, "duration_minutes", "greater than or equal to 5"),
        ({"duration_minutes": "481"}, "duration_minutes", "less than or equal to 480"),
        (
            {"scheduled_at": "", "duration_minutes": "30"},
            "scheduled_at",
            "Give the date and time too",
        ),
    ],
)
def test_bad_details_are_refused_with_nothing_changed(
    as_interviewer, draft, overrides, field, message
):
    before = snapshot(draft)
    data = details(level=draft.level_id) | overrides
    response = as_interviewer.post(edit_url(draft), data)
    assert response.status_code == 422
    body = text(response)
    assert "Nothing was saved." in body and message in body
    assert f'id="details-{field}"' in body
    assert snapshot(draft) == before
    # The htmx form gets only itself back, with the same errors.
    response = as_interviewer.post(edit_url(draft), data, headers=HX)
    assert response.status_code == 422
    assert "<html" not in text(response) and message in text(response)


@pytest.mark.parametrize("status", [InterviewStatus.LIVE, InterviewStatus.SUBMITTED])
def test_editing_is_refused_once_the_interview_is_not_a_draft(
    as_interviewer, draft, senior, status
):
    make_status(draft, status)
    before = snapshot(draft)
    for response in (
        as_interviewer.get(edit_url(draft)),
        as_interviewer.post(edit_url(draft), details(level=senior.pk)),
    ):
        assert response.status_code == 409
        assert f"This interview is {status}: only a draft can be edited." in text(response)
        assert "Nothing was changed." in text(response)
    response = as_interviewer.post(edit_url(draft), details(level=senior.pk), headers=HX)
    assert response.status_code == 409
    assert "<html" not in text(response) and 'id="not-draft"' in text(response)
    assert snapshot(draft) == before
    with pytest.raises(ValidationError, match="Cannot edit the details: this interview is"):
        services.interview_update_details(
            interview=draft, title="X", planned_minutes=30, level=senior
        )
    assert snapshot(draft) == before


def test_the_duration_needs_a_date_in_the_database_too(draft):
    with pytest.raises(ValidationError, match="Give the date and time too"):
        services.interview_update_details(
            interview=draft,
            title="X",
            planned_minutes=30,
            level=draft.level,
            duration_minutes=30,
        )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.filter(pk=draft.pk).update(duration_minutes=30)
    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.filter(pk=draft.pk).update(
            scheduled_at=timezone.now(), duration_minutes=0
        )


def test_the_composer_links_to_edit_and_discard(as_interviewer, draft):
    body = text(
        as_interviewer.get(reverse("interviews:compose", args=[draft.pk]), {"level": "engineer"})
    )
    assert f'href="{edit_url(draft)}"' in body and f'href="{discard_url(draft)}"' in body


# Discard ------------------------------------------------------------------------------------


@pytest.fixture
def neighbours(interviewer, candidate, level, draft, bank):
    """What must survive a discard: a kit from the draft, another draft, the candidate."""
    kit = kits.kit_save_from_interview(interview=draft, owner=interviewer, name="Kept kit")
    other = services.interview_create(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30, kit=kit
    )
    return kit, other


def test_discard_asks_for_confirmation_first(as_interviewer, draft):
    response = as_interviewer.get(discard_url(draft))
    body = text(response)
    assert response.status_code == 200
    assert "Discard this draft?" in body and "3 questions" in body
    assert '<button type="submit" class="danger">Discard draft</button>' in body
    assert Interview.objects.filter(pk=draft.pk).exists()


def test_discard_without_the_tick_changes_nothing(as_interviewer, draft):
    before = snapshot(draft)
    response = as_interviewer.post(discard_url(draft), {})
    assert response.status_code == 422
    assert "Tick “Yes, discard this draft” to discard it." in text(response)
    assert snapshot(draft) == before


def test_discard_deletes_only_that_draft_and_its_questions(
    as_interviewer, draft, neighbours, candidate
):
    kit, other = neighbours
    items = set(draft.items.values_list("pk", flat=True))
    kit_items = list(kit.items.values_list("question_id", "position"))
    other_items = list(other.items.values_list("pk", flat=True))
    response = as_interviewer.post(discard_url(draft), {"confirm": "on"})
    assert response.status_code == 303
    assert response["Location"] == reverse("interviews:interview_list")
    assert not Interview.objects.filter(pk=draft.pk).exists()
    assert not InterviewQuestion.objects.filter(pk__in=items).exists()
    assert Candidate.objects.filter(pk=candidate.pk).exists()
    assert list(Kit.objects.get(pk=kit.pk).items.values_list("question_id", "position")) == (
        kit_items
    )
    assert list(other.items.values_list("pk", flat=True)) == other_items
    assert Interview.objects.filter(pk=other.pk).exists()
    follow = as_interviewer.get(response["Location"])
    assert f"Draft “{draft.title}” discarded." in text(follow)


@pytest.mark.parametrize("status", [InterviewStatus.LIVE, InterviewStatus.SUBMITTED])
def test_discard_is_refused_once_the_interview_is_not_a_draft(as_interviewer, draft, status):
    make_status(draft, status)
    before = snapshot(draft)
    response = as_interviewer.post(discard_url(draft), {"confirm": "on"})
    assert response.status_code == 409
    assert f"This interview is {status}: only a draft can be discarded." in text(response)
    assert snapshot(draft) == before
    with pytest.raises(ValidationError, match="Cannot discard"):
        services.interview_discard(interview=draft)
    assert snapshot(draft) == before
