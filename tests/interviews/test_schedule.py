"""Scheduling: an optional date, time and duration; the dashboard's Upcoming; the calendar
file (.ics) of a scheduled interview, parsed back with icalendar."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from interviews import services
from interviews.models import Interview, InterviewStatus

from .conftest import make_status

DASHBOARD = reverse("interviews:dashboard")
NEW = reverse("interviews:interview_new")


def ics_url(interview):
    return reverse("interviews:interview_ics", args=[interview.pk])


def text(response):
    return response.content.decode()


def schedule(interview, when, *, duration=None, title=None):
    return services.interview_update_details(
        interview=interview,
        title=title or interview.title,
        planned_minutes=interview.planned_minutes,
        level=interview.level,
        scheduled_at=when,
        duration_minutes=duration,
    )


def event_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    with timezone.override("Europe/Berlin"):
        yield


def test_the_calendar_file_of_a_scheduled_interview(as_interviewer, draft, berlin):
    when = timezone.make_aware(datetime(2026, 12, 3, 14, 30))  # Berlin: 13:30 UTC
    title = 'RAG, "tuning"; and ranking\\ with Cam'
    draft = schedule(draft, when, duration=50, title=title)
    response = as_interviewer.get(ics_url(draft))
    assert response["Content-Disposition"] == f'attachment; filename="interview-{draft.pk}.ics"'
    raw = response.content.decode()
    assert "\r\n" in raw and "DTSTART:20261203T133000Z" in raw  # UTC, not local time
    assert 'SUMMARY:RAG\\, "tuning"\\; and ranking\\\\ with Cam' in raw  # escaped
    calendar, event = event_of(response)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert str(event["UID"]) == f"interview-{draft.pk}@testserver"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 13, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 12, 3, 14, 20, tzinfo=UTC)
    assert str(event["SUMMARY"]) == title
    description = str(event["DESCRIPTION"])
    assert "Candidate: Cam Candidate" in description and "Level: Engineer" in description
    assert f"http://testserver{reverse('interviews:compose', args=[draft.pk])}" in description
    assert event.decoded("DTSTAMP").tzinfo is not None


def test_a_new_schedule_keeps_the_uid_and_raises_sequence_and_dtstamp(as_interviewer, draft):
    draft = schedule(draft, timezone.now() + timedelta(days=2), duration=45)
    _, first = event_of(as_interviewer.get(ics_url(draft)))
    Interview.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    draft.refresh_from_db()
    _, again = event_of(as_interviewer.get(ics_url(draft)))
    draft = schedule(draft, timezone.now() + timedelta(days=3), duration=30)
    _, moved = event_of(as_interviewer.get(ics_url(draft)))
    assert str(first["UID"]) == str(moved["UID"])
    assert moved["SEQUENCE"] == first["SEQUENCE"] + 1
    assert moved.decoded("DTSTAMP") > again.decoded("DTSTAMP")
    assert moved.decoded("DTEND") - moved.decoded("DTSTART") == timedelta(minutes=30)


def test_without_a_duration_the_event_lasts_the_planned_minutes(as_interviewer, draft):
    draft = schedule(draft, timezone.now() + timedelta(days=1))
    _, event = event_of(as_interviewer.get(ics_url(draft)))
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)


def test_the_calendar_file_is_the_interviewers_only(client, as_other, draft, hiring_manager):
    draft = schedule(draft, timezone.now() + timedelta(days=1))
    assert as_other.get(ics_url(draft)).status_code == 404
    client.force_login(hiring_manager)
    assert client.get(ics_url(draft)).status_code == 404
    client.logout()
    response = client.get(ics_url(draft))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unscheduled_interview_has_no_calendar_file(as_interviewer, draft):
    assert as_interviewer.get(ics_url(draft)).status_code == 404


def test_upcoming_lists_my_scheduled_interviews_soonest_first(
    as_interviewer, interviewer, other_interviewer, candidate, level, bank
):
    now = timezone.now()

    def make(who, title, when, status=InterviewStatus.DRAFT):
        interview = services.interview_create(
            interviewer=who,
            candidate=candidate,
            level=level,
            planned_minutes=30,
            title=title,
            scheduled_at=when,
        )
        services.interview_add_question(interview=interview, question=bank[0], confirm_repeat=True)
        return make_status(interview, status)

    later = make(interviewer, "Later round", now + timedelta(days=5))
    soon = make(interviewer, "Soon round", now + timedelta(hours=2))
    make(interviewer, "Past round", now - timedelta(days=1))
    make(interviewer, "Done round", now + timedelta(days=1), InterviewStatus.SUBMITTED)
    make(other_interviewer, "Omar round", now + timedelta(days=1))
    make(interviewer, "Unscheduled round", None)
    body = text(as_interviewer.get(DASHBOARD))
    upcoming = body[body.index('id="upcoming-title"') : body.index('id="drafts-title"')]
    assert upcoming.index("Soon round") < upcoming.index("Later round")
    for absent in ("Past round", "Done round", "Omar round", "Unscheduled round"):
        assert absent not in upcoming
    assert f'href="{ics_url(soon)}"' in upcoming and f'href="{ics_url(later)}"' in upcoming


def test_an_empty_upcoming_says_how_to_schedule(as_interviewer):
    assert "Nothing scheduled." in text(as_interviewer.get(DASHBOARD))


def test_a_new_interview_can_be_scheduled(as_interviewer, interviewer, candidate, level):
    # Ines is assigned a stage of the candidate's loop (what lets her interview them).
    loop = services.loop_open(candidate=candidate, hiring_manager=None)
    services.stage_add(loop=loop, name="Fundamentals", interviewer=interviewer, actor=None)
    response = as_interviewer.post(
        NEW,
        {
            "who": "existing",
            "candidate": candidate.pk,
            "planned_minutes": 45,
            "scheduled_at": "2026-12-03T09:15",
            "duration_minutes": "60",
        },
    )
    assert response.status_code == 303
    interview = Interview.objects.get()
    assert interview.scheduled_at == timezone.make_aware(datetime(2026, 12, 3, 9, 15))
    assert interview.duration_minutes == 60


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scheduled_at": "3rd of May"}, "Enter a valid date/time"),
        ({"duration_minutes": "45"}, "Give the date and time too"),
        ({"scheduled_at": "2026-12-03T09:15", "duration_minutes": "0"}, "greater than or equal"),
    ],
)
def test_a_bad_schedule_creates_nothing(as_interviewer, candidate, data, message):
    base = {"who": "existing", "candidate": candidate.pk, "planned_minutes": 45}
    response = as_interviewer.post(NEW, base | data)
    assert response.status_code == 422 and message in text(response)
    assert not Interview.objects.exists()


def test_a_naive_time_is_a_programming_error(interviewer, candidate, level):
    with pytest.raises(ValueError, match="timezone-aware"):
        services.interview_create(
            interviewer=interviewer,
            candidate=candidate,
            level=level,
            planned_minutes=30,
            scheduled_at=datetime(2026, 1, 1, 9, 0),
        )
    assert not Interview.objects.exists()
