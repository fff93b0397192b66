"""A scheduled interview as an iCalendar file (RFC 5545) for the interviewer's calendar.

The event's UID is the same for every download of an interview (``interview-<pk>@<host>``)
and its SEQUENCE rises with every change of the date, time or duration, so a calendar that
imports the file again replaces the event instead of adding a second one.
"""

from datetime import UTC

from django.http.request import split_domain_port
from icalendar import Calendar, Event

from .models import Interview

PRODID = "-//Interview Kit//Interview Kit//EN"


def event_uid(interview: Interview, host: str) -> str:
    domain, _port = split_domain_port(host)
    return f"interview-{interview.pk}@{domain or 'localhost'}"


def interview_ics(interview: Interview, *, host: str, url: str) -> bytes:
    """The calendar file of a scheduled interview (``scheduled_at`` set), times in UTC."""
    if interview.scheduled_at is None:
        raise ValueError("Only a scheduled interview has a calendar file.")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", event_uid(interview, host))
    event.add("sequence", interview.schedule_sequence)
    event.add("dtstamp", interview.updated_at.astimezone(UTC))
    event.add("last-modified", interview.updated_at.astimezone(UTC))
    event.add("dtstart", interview.scheduled_at.astimezone(UTC))
    event.add("dtend", interview.ends_at.astimezone(UTC))
    event.add("summary", interview.title)
    candidate = interview.candidate
    lines = [
        f"Candidate: {candidate.name}" + (f" <{candidate.email}>" if candidate.email else ""),
        f"Level: {interview.level.name}",
        f"Planned: {interview.planned_minutes} minutes",
        f"Interview Kit: {url}",
    ]
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()


def ics_filename(interview: Interview) -> str:
    return f"interview-{interview.pk}.ics"
