"""Journey 7: the interviewer's everyday. Find a past interview on the interviews page (with
and without JavaScript); edit a draft's details and schedule it, then discard another draft;
the duplicate-candidate warning on a new interview; the calendar file of a scheduled
interview, downloaded and parsed back."""

import re
from datetime import UTC, timedelta
from pathlib import Path

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from interviews import kits, services
from interviews.models import Candidate, Interview, Kit
from questionbank.models import Level

from .helpers import JOURNEY, check_page, make_interview

pytestmark = JOURNEY


def submit(interview, summary="Solid.", recommendation="hire"):
    for item in interview.items.all():
        services.item_score(item=item, score=3)
    services.interview_submit(interview=interview, recommendation=recommendation, summary=summary)


def test_find_a_past_interview_on_the_interviews_page(open_page, make_user, real_bank):
    ines = make_user("ines", "Interviewers")
    omar = make_user("omar", "Interviewers")
    level = Level.objects.get(slug="engineer")
    people = ["Ada Lovelace", "Bo Brummel", "Cy Young", "Di Prince"]
    for i, name in enumerate(people):
        candidate = services.candidate_create(name=name, level=level, created_by=ines)
        interview = make_interview(ines, candidate=candidate, count=2, skip=2 * i)
        submit(interview)
        make_interview(ines, candidate=candidate, count=1, skip=20 + i, start=False)
    others = make_interview(omar, count=1, title="Omar's round")
    target = Interview.objects.get(candidate__name="Cy Young", status="submitted")

    page = open_page(ines)
    page.goto("/")
    page.get_by_role("link", name="All interviews").click()
    expect(page.get_by_role("heading", name="Interviews", level=1)).to_be_visible()
    results = page.locator("#results")
    expect(results.locator(".result-count")).to_contain_text("8 interviews")
    expect(results).not_to_contain_text("Omar's round")
    check_page(page, "interviews")

    # Search and filter in place: the URL follows, the page does not reload.
    page.evaluate("window.__marker = 1")
    page.get_by_label("Search").fill("cy")
    expect(page).to_have_url(re.compile(r"q=cy"))
    expect(results.locator(".result-count")).to_contain_text("2 interviews match")
    page.get_by_label("Status").select_option(label="Submitted")
    expect(page).to_have_url(re.compile(r"status=submitted"))
    expect(results.locator("tbody tr")).to_have_count(1)
    assert page.evaluate("window.__marker") == 1, "filtering reloaded the whole page"
    check_page(page, "interviews-filtered", screenshots=False)

    # A bad date range says so and lists nothing.
    page.get_by_label("From").fill("2030-01-02")
    page.get_by_label("To").fill("2030-01-01")
    expect(results.get_by_role("alert")).to_contain_text("“To” is before “From”")
    expect(results.locator("tbody tr")).to_have_count(0)
    page.get_by_label("From").fill("")
    page.get_by_label("To").fill("")
    expect(results.locator("tbody tr")).to_have_count(1)

    # The filtered URL is shareable: reloading it gives the same results.
    page.reload()
    expect(page.get_by_label("Search")).to_have_value("cy")
    expect(results.locator("tbody tr")).to_have_count(1)
    results.get_by_role("link", name=target.title).click()
    expect(page).to_have_url(re.compile(rf"/interviews/{target.pk}/$"))
    expect(page.get_by_role("heading", name=re.compile("^Recommendation"))).to_contain_text("Hire")

    # Without JavaScript: the same filters as a plain form.
    plain = open_page(ines, js=False)
    plain.goto("/interviews/")
    plain.get_by_label("Search").fill("ada")
    plain.get_by_label("Order").select_option(label="Oldest first")
    plain.get_by_role("button", name="Filter").click()
    expect(plain).to_have_url(re.compile(r"q=ada.*sort=date"))
    expect(plain.locator("#results tbody tr")).to_have_count(2)
    check_page(plain, "interviews-no-js", screenshots=False)
    assert Interview.objects.filter(pk=others.pk).exists()


def test_edit_a_draft_then_discard_another(open_page, make_user, real_bank):
    ines = make_user("ines", "Interviewers")
    draft = make_interview(ines, count=3, start=False, title="First round")
    candidate = draft.candidate
    kit = kits.kit_save_from_interview(interview=draft, owner=ines, name="Starter kit")
    doomed = make_interview(
        ines, candidate=candidate, count=2, skip=3, start=False, title="Throwaway"
    )
    when = timezone.localtime() + timedelta(days=7)
    when = when.replace(hour=14, minute=30, second=0, microsecond=0)

    page = open_page(ines)
    page.goto(f"/interviews/{draft.pk}/compose/?level=engineer")
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_role("heading", name="Edit details")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("First round")
    check_page(page, "interview-edit")

    # A bad duration is refused in place; nothing changes.
    page.get_by_label("Title").fill("Retrieval deep dive")
    page.get_by_label(re.compile("^Duration")).fill("30")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved.")
    expect(page.locator("#details-form")).to_contain_text("Give the date and time too")
    draft.refresh_from_db()
    assert draft.title == "First round" and draft.scheduled_at is None
    check_page(page, "interview-edit-error", screenshots=False)

    page.get_by_label(re.compile("^Date and time")).fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Planned minutes").fill("60")
    page.get_by_role("button", name="Save details").click()
    expect(page).to_have_url(re.compile(rf"/interviews/{draft.pk}/compose/"))
    expect(page.get_by_role("heading", name="Retrieval deep dive", level=1)).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Details saved.")
    draft.refresh_from_db()
    assert draft.scheduled_at == when and draft.duration_minutes == 30
    assert draft.planned_minutes == 60 and draft.items.count() == 3

    page.goto("/")
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Upcoming"))
    expect(upcoming).to_contain_text("Retrieval deep dive")
    check_page(page, "dashboard-upcoming", screenshots=False)

    # Discard the other draft: a confirmation first, the tick is required.
    page.goto(f"/interviews/{doomed.pk}/compose/?level=engineer")
    page.get_by_role("link", name="Discard draft").click()
    expect(page.get_by_role("heading", name="Discard this draft?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("its 2 questions")
    check_page(page, "interview-discard")
    tick = page.get_by_label("Yes, discard this draft and its questions")
    page.get_by_role("button", name="Discard draft").click()  # the browser asks for the tick
    assert tick.evaluate("el => el.validity.valueMissing")
    expect(page).to_have_url(re.compile(rf"/interviews/{doomed.pk}/discard/$"))
    assert Interview.objects.filter(pk=doomed.pk).exists()
    tick.check()
    page.get_by_role("button", name="Discard draft").click()
    expect(page).to_have_url(re.compile(r"/interviews/$"))
    expect(page.locator(".messages")).to_contain_text("Draft “Throwaway” discarded.")
    expect(page.locator("#results")).not_to_contain_text("Throwaway")
    assert not Interview.objects.filter(pk=doomed.pk).exists()
    assert Candidate.objects.filter(pk=candidate.pk).exists()
    assert Interview.objects.filter(pk=draft.pk).exists()
    assert Kit.objects.get(pk=kit.pk).items.count() == 3

    # Once live, the details can no longer be edited.
    services.interview_start(interview=draft)
    page.goto(f"/interviews/{draft.pk}/edit/")
    expect(page.locator("#not-draft")).to_contain_text("only a draft can be edited")


def test_a_duplicate_email_offers_the_existing_candidate(open_page, make_user, real_bank):
    # A hiring manager who also interviews: she adds candidates (opening their loop).
    ines = make_user("ines", "Interviewers", "Hiring managers")
    level = Level.objects.get(slug="engineer")
    ada = services.candidate_create(
        name="Ada Lovelace", email="ada@example.org", level=level, created_by=ines
    )

    page = open_page(ines)
    page.goto("/interviews/new/")
    page.get_by_label("Name", exact=True).fill("Ada L.")
    page.get_by_label("Email (optional)").fill("ADA@Example.org")
    page.get_by_label("Target level").select_option(label="Engineer")
    page.get_by_role("button", name="Create and compose").click()
    offer = page.locator(".duplicate-offer")
    expect(offer).to_contain_text("Already a candidate?")
    expect(page.locator("#new-form")).to_contain_text("A candidate with this e-mail already exists")
    assert Candidate.objects.count() == 1 and not Interview.objects.exists()
    check_page(page, "interview-new-duplicate")

    offer.get_by_role("button", name="Use Ada Lovelace").click()
    expect(page).to_have_url(re.compile(r"/interviews/\d+/compose/"))
    interview = Interview.objects.get()
    assert interview.candidate == ada
    assert Candidate.objects.count() == 1
    expect(page.locator(".compose-head")).to_contain_text("Ada Lovelace")


def test_download_the_calendar_file_of_a_scheduled_interview(open_page, make_user, real_bank):
    ines = make_user("ines", "Interviewers")
    interview = make_interview(ines, count=2, start=False, title="Design, part 2; bring a pen")
    when = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    services.interview_update_details(
        interview=interview,
        title=interview.title,
        planned_minutes=45,
        level=interview.level,
        scheduled_at=when,
        duration_minutes=50,
    )

    page = open_page(ines)
    page.goto("/")
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Upcoming"))
    with page.expect_download() as info:
        upcoming.get_by_role("link", name=re.compile("^Calendar file")).click()
    download = info.value
    assert download.suggested_filename == f"interview-{interview.pk}.ics"
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    host = page.url.split("//")[1].split(":")[0].split("/")[0]
    assert str(event["UID"]) == f"interview-{interview.pk}@{host}"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == when.astimezone(UTC)
    assert event.decoded("DTEND") == when.astimezone(UTC) + timedelta(minutes=50)
    assert str(event["SUMMARY"]) == "Design, part 2; bring a pen"
    assert "Cam Candidate" in str(event["DESCRIPTION"])


def test_merge_a_duplicate_then_archive_the_candidate(open_page, make_user, real_bank):
    # A hiring manager who also interviews: she added both records and reads both.
    ines = make_user("ines", "Interviewers", "Hiring managers")
    level = Level.objects.get(slug="engineer")
    keep = services.candidate_create(
        name="Ada Lovelace", email="ada@example.org", level=level, created_by=ines
    )
    dup = services.candidate_create(
        name="Ada Lovelace", level=level, created_by=ines, notes="Met at the fair."
    )
    moved = make_interview(ines, candidate=dup, count=2, title="Phone screen")

    page = open_page(ines)
    page.goto(f"/candidates/{keep.pk}/")
    page.get_by_role("link", name="Merge a duplicate into Ada Lovelace").click()
    expect(page.get_by_role("heading", name="Likely duplicates")).to_be_visible()
    page.get_by_label("Duplicate to merge into this candidate").select_option(str(dup.pk))
    page.get_by_role("button", name="Review the merge").click()
    confirm = page.locator("#merge-confirm")
    expect(confirm).to_contain_text(f"1 interview (0 submitted) of #{dup.pk} moves to #{keep.pk}.")
    check_page(page, "candidate-merge")
    assert Candidate.objects.count() == 2
    confirm.get_by_role("button", name=f"Merge #{dup.pk} into #{keep.pk}").click()
    expect(page).to_have_url(re.compile(rf"/candidates/{keep.pk}/$"))
    expect(page.locator(".messages")).to_contain_text("merged into Ada Lovelace")
    expect(page.locator(f"#interview-{moved.pk}")).to_contain_text("Phone screen")
    assert list(Candidate.objects.all()) == [keep]

    page.get_by_role("button", name="Archive").click()
    expect(page.locator(".archived-note")).to_contain_text("Archived")
    check_page(page, "candidate-archived")
    page.goto("/candidates/")
    expect(page.locator("#candidate-results")).not_to_contain_text("Ada Lovelace")
    page.get_by_role("link", name="Archived candidates").click()
    expect(page.locator("#candidate-results")).to_contain_text("Ada Lovelace")
    page.get_by_role("link", name="Ada Lovelace").click()
    page.get_by_role("button", name="Unarchive").click()
    expect(page.locator(".archived-note")).to_have_count(0)
