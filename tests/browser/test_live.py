"""Journey 2 (the live interview by keyboard, the scorecard, the exports) and journey 3 (notes
survive a broken network; a stale tab cannot overwrite newer notes)."""

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interviews.models import Interview, InterviewQuestion, InterviewStatus
from questionbank.models import Question

from .helpers import (
    DESKTOP,
    JOURNEY,
    PHONE,
    assert_focus_visible,
    check_page,
    make_interview,
    new_tab,
    tab_to,
)

pytestmark = JOURNEY

NOTES_URL = re.compile(r"/items/\d+/notes/$")


def live_url(interview, position=None):
    return f"/interviews/{interview.pk}/live/" + (f"?q={position}" if position else "")


def expect_question(page, items, position):
    focus = page.locator("#focus")
    expect(focus).to_have_attribute("data-position", str(position))
    expect(page.locator("#focus-heading")).to_contain_text(items[position - 1].text[:40])


def type_notes(page, item, text):
    """Reach the notes box with Tab, type, wait for the save, leave it with Escape."""
    tab_to(page, f"#notes-{item.pk}")
    page.keyboard.type(text)
    expect(page.locator("#save-status")).to_have_text("Saved")
    page.keyboard.press("Escape")


def test_interview_by_keyboard_reload_submit_scorecard_exports(open_page, make_user, real_bank):
    user = make_user("ines", "Interviewers")
    interview = make_interview(user)
    items = list(interview.items.order_by("position"))
    page = open_page(user)
    page.goto(live_url(interview))
    expect_question(page, items, 1)
    check_page(page, "live")
    assert_focus_visible(page)
    page.evaluate("document.activeElement.blur()")  # shortcuts act when no field has focus

    # 1: score 3, notes; n. 2: skip; n. 3: score 1, notes; p back to 2; n n; 4: score 4.
    page.keyboard.press("3")
    expect(page.locator(f"#score-{items[0].pk}-3")).to_have_attribute("aria-pressed", "true")
    type_notes(page, items[0], "Explained BPE clearly.\nMissed byte fallback.")
    page.keyboard.press("n")
    expect_question(page, items, 2)
    page.keyboard.press("s")
    expect(page.locator(f"#skip-{items[1].pk}")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("n")
    expect_question(page, items, 3)
    page.keyboard.press("1")
    expect(page.locator(f"#score-{items[2].pk}-1")).to_have_attribute("aria-pressed", "true")
    type_notes(page, items[2], "Could not describe the trade-off.")
    page.keyboard.press("p")
    expect_question(page, items, 2)
    expect(page.locator(f"#nav-item-{items[1].pk}")).to_have_attribute("data-state", "skipped")
    page.keyboard.press("n")
    expect_question(page, items, 3)
    page.keyboard.press("n")
    expect_question(page, items, 4)
    page.keyboard.press("4")
    expect(page.locator(f"#score-{items[3].pk}-4")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#progress")).to_contain_text("Answered 3 of 4 · 1 skipped")
    expect(page).to_have_url(re.compile(r"\?q=4$"))

    page.reload()
    expect_question(page, items, 4)
    expect(page.locator(f"#score-{items[3].pk}-4")).to_have_attribute("aria-pressed", "true")
    for position, score, notes in ((1, 3, "Explained BPE"), (3, 1, "Could not describe")):
        page.goto(live_url(interview, position))
        item = items[position - 1]
        expect(page.locator(f"#score-{item.pk}-{score}")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(f"#notes-{item.pk}")).to_have_value(re.compile(notes))
    states = {i.position: (i.score, i.skipped) for i in interview.items.all()}
    assert states == {1: (3, False), 2: (None, True), 3: (1, False), 4: (4, False)}
    saved = InterviewQuestion.objects.get(pk=items[0].pk)
    assert saved.notes == "Explained BPE clearly.\nMissed byte fallback."

    # Submit with the keyboard: the link, a radio, the summary, the button.
    page.locator("a", has_text="Finish and submit").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your recommendation")).to_be_visible()
    check_page(page, "submit")
    page.get_by_label("Hire", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label(re.compile("^Summary")).focus()
    page.keyboard.type("Strong on tokenization, weaker on trade-offs.")
    page.get_by_role("button", name="Submit scorecard").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile("^Recommendation"))).to_contain_text("Hire")
    expect(page).to_have_url(re.compile(rf"/interviews/{interview.pk}/$"))
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED and interview.recommendation == "hire"
    expect(page.locator(".scorecard")).to_contain_text("Explained BPE clearly.")
    check_page(page, "scorecard")

    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert any(items[0].text in row for row in rows)
    with page.expect_download() as info:
        page.get_by_role("link", name="Export JSON").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert "Explained BPE clearly." in json.dumps(data)
    with page.expect_download() as info:
        page.get_by_role("link", name="Export Markdown").click()
    assert info.value.suggested_filename.endswith(".md")
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert items[2].text in markdown and "Could not describe the trade-off." in markdown


def test_notes_survive_a_broken_network_and_a_reload(open_page, make_user, real_bank):
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=2)
    item = interview.items.get(position=1)
    page = open_page(user)
    page.goto(live_url(interview, 1))
    status = page.locator("#save-status")
    notes = page.locator(f"#notes-{item.pk}")

    failed = []

    def fail(route):
        failed.append(route.request.url)
        route.abort("internetdisconnected")

    page.route(NOTES_URL, fail)
    notes.click()
    page.keyboard.type("Talked about KV cache eviction.")
    expect(status).to_contain_text("Not saved")
    expect(status).to_have_attribute("role", "status")  # announced politely
    expect(status).to_have_attribute("aria-live", "polite")
    assert failed, "the page never tried to save"
    page.keyboard.type(" Then paged attention.")
    expect(notes).to_have_value("Talked about KV cache eviction. Then paged attention.")
    item.refresh_from_db()
    assert item.notes == ""

    # Leaving now warns; staying offline, the reloaded page puts the unsaved text back.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.reload()
    assert dialogs == ["beforeunload"]
    notes = page.locator(f"#notes-{item.pk}")
    expect(notes).to_have_value("Talked about KV cache eviction. Then paged attention.")
    expect(status).to_contain_text("Not saved")

    page.unroute(NOTES_URL)
    expect(status).to_have_text("Saved", timeout=20000)
    item.refresh_from_db()
    assert item.notes == "Talked about KV cache eviction. Then paged attention."
    assert item.notes_version == 1


def test_a_stale_tab_cannot_overwrite_newer_notes(open_page, make_user, real_bank):
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=2)
    item = interview.items.get(position=1)
    first = open_page(user)
    first.goto(live_url(interview, 1))
    second = new_tab(first)
    second.goto(live_url(interview, 1))  # loaded before the first tab saves: stale from now on

    first.locator(f"#notes-{item.pk}").fill("Newer: strong answer on batching.")
    expect(first.locator("#save-status")).to_have_text("Saved")
    item.refresh_from_db()
    assert (item.notes, item.notes_version) == ("Newer: strong answer on batching.", 1)

    with second.expect_response(NOTES_URL) as refused:
        second.locator(f"#notes-{item.pk}").fill("Stale text typed in the old tab.")
    assert refused.value.status == 409
    expect(second.locator("#save-status")).to_contain_text("Not saved")
    conflict = second.locator(".notes-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_have_attribute("role", "alert")
    expect(second.locator(f"#notes-{item.pk}")).to_have_value("Stale text typed in the old tab.")
    check_page(second, "live-notes-conflict")
    item.refresh_from_db()
    assert (item.notes, item.notes_version) == ("Newer: strong answer on batching.", 1)

    second.get_by_role("link", name="Load newer notes").click()
    expect(second.locator(f"#notes-{item.pk}")).to_have_value("Newer: strong answer on batching.")
    item.refresh_from_db()
    assert item.notes == "Newer: strong answer on batching."


def test_notes_on_the_second_question_read_saved(open_page, make_user, real_bank):
    """Score question 1, press n, type notes on question 2: the status must end on "Saved"
    (it stayed on "Saving…" while question 1, never typed in, ranked as the worst entry)."""
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=3)
    items = list(interview.items.order_by("position"))
    page = open_page(user)
    page.goto(live_url(interview))
    expect_question(page, items, 1)
    page.evaluate("document.activeElement.blur()")

    page.keyboard.press("3")
    expect(page.locator(f"#score-{items[0].pk}-3")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("n")
    expect_question(page, items, 2)
    with page.expect_response(NOTES_URL) as saved:
        page.locator(f"#notes-{items[1].pk}").click()
        page.keyboard.type("Knew paged attention well.")
    assert saved.value.status == 200
    expect(page.locator("#save-status")).to_have_text("Saved")
    item = InterviewQuestion.objects.get(pk=items[1].pk)
    assert item.notes == "Knew paged attention well."

    # On to question 3: the status follows the notes typed, not the questions seen.
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    expect_question(page, items, 3)
    page.locator(f"#notes-{items[2].pk}").fill("Third.")
    expect(page.locator("#save-status")).to_have_text("Saved")


def test_notes_typed_just_before_moving_on_are_saved(open_page, make_user, real_bank):
    """n pressed before the autosave's pause: the notes are sent as the question leaves, and
    their answer, reaching a form htmx has swapped out, still says "Saved"."""
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=3)
    items = list(interview.items.order_by("position"))
    page = open_page(user)
    page.goto(live_url(interview))
    expect_question(page, items, 1)
    with page.expect_response(NOTES_URL) as saved:
        page.locator(f"#notes-{items[0].pk}").click()
        page.keyboard.type("Quick note.")
        page.keyboard.press("Escape")
        page.keyboard.press("n")
    assert saved.value.status == 200
    expect_question(page, items, 2)
    expect(page.locator("#save-status")).to_have_text("Saved")
    assert InterviewQuestion.objects.get(pk=items[0].pk).notes == "Quick note."


def test_notes_of_a_question_moved_away_from_are_retried(open_page, make_user, real_bank):
    """Notes that failed to save on question 1 are retried from question 2, whose page no
    longer has their form, until the server has them."""
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=3)
    items = list(interview.items.order_by("position"))
    page = open_page(user)
    page.goto(live_url(interview))
    expect_question(page, items, 1)
    status = page.locator("#save-status")
    page.route(NOTES_URL, lambda route: route.abort("internetdisconnected"))
    page.locator(f"#notes-{items[0].pk}").click()
    page.keyboard.type("Written offline.")
    expect(status).to_contain_text("Not saved")
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    expect_question(page, items, 2)
    expect(status).to_contain_text("Not saved")

    page.unroute(NOTES_URL)
    expect(status).to_have_text("Saved", timeout=20000)
    item = InterviewQuestion.objects.get(pk=items[0].pk)
    assert (item.notes, item.notes_version) == ("Written offline.", 1)
    page.keyboard.press("p")
    expect_question(page, items, 1)
    expect(page.locator(f"#notes-{items[0].pk}")).to_have_value("Written offline.")


def test_the_pace_hint_shows_as_time_passes_and_goes_with_the_work(open_page, make_user, real_bank):
    """The pace rule is the server's; the page shows its hint when the clock passes the second
    the server named (no request), and a score moves that second on."""
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=3, planned_minutes=5)
    # Behind after 30 s with nothing done (10% of 5 minutes); loaded at about 5 s, on plan.
    Interview.objects.filter(pk=interview.pk).update(
        started_at=timezone.now() - timedelta(seconds=5)
    )
    page = open_page(user)
    page.clock.install()
    page.goto(live_url(interview))
    hint = page.locator("#pace-hint")
    expect(page.locator("#progress")).to_have_attribute("data-behind-after", "30")
    expect(hint).to_be_hidden()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.clock.fast_forward(30_000)
    expect(hint).to_have_text("Running behind plan: 3 questions left, 4 minutes left")
    expect(hint).to_be_visible()
    assert requests == []  # the clock asked nothing

    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("3")  # 1 of 3 done: behind after 130 s
    expect(page.locator("#progress")).to_have_attribute("data-behind-after", "130")
    page.clock.fast_forward(2_000)
    expect(hint).to_be_hidden()


def test_a_key_pressed_as_a_question_arrives_moves_on_in_place(open_page, make_user, real_bank):
    """n pressed in the moment between htmx swapping question 2 in and wiring it up (the swap
    settles ~20 ms later) clicked a link htmx did not handle yet: the whole page reloaded, and
    keys pressed while it loaded were lost (the keyboard journey's old flake). It now waits for
    the settle and moves on in place."""
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=4)
    items = list(interview.items.order_by("position"))
    page = open_page(user)
    page.goto(live_url(interview))
    expect_question(page, items, 1)
    page.evaluate("document.activeElement.blur()")
    page.evaluate(
        """() => {
            window.__samePage = true;
            document.addEventListener('htmx:afterSwap', () => {
                const key = new KeyboardEvent('keydown', {key: 'n', bubbles: true});
                document.body.dispatchEvent(key);  // the second n, as fast as can be
            }, {once: true});
        }"""
    )
    page.keyboard.press("n")
    expect_question(page, items, 3)
    expect(page).to_have_url(re.compile(r"\?q=3$"))
    assert page.evaluate("window.__samePage") is True, "the page reloaded"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_the_questions_own_anchors_show_before_the_notes(open_page, make_user, real_bank, viewport):
    """Issue 12: the rubric the interviewer scores on is the question's own four anchors, with
    the scoring rule beside them, all above the notes at desktop and phone widths."""
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=2)
    item = interview.items.order_by("position").first()
    question = Question.objects.get(text=item.text)
    own = [
        question.anchor_poor,
        question.anchor_mixed,
        question.anchor_good,
        question.anchor_excellent,
    ]
    page = open_page(user, viewport=viewport)
    page.goto(live_url(interview))
    notes_top = page.locator(f"#notes-{item.pk}").bounding_box()["y"]
    for score, anchor in enumerate(own, 1):
        button = page.locator(f"#score-{item.pk}-{score}")
        expect(button).to_contain_text(anchor)
        box = button.bounding_box()
        assert box["y"] + box["height"] <= notes_top, (score, box, notes_top)
    rule = page.get_by_text("Scoring rule", exact=True)
    expect(rule).to_be_visible()
    assert rule.bounding_box()["y"] < notes_top
