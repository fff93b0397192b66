"""Under the Content-Security-Policy: the journeys' watcher catches any violation; the admin
(question list, change form, import with a preview, export) works with none; unsent note
drafts are forgotten at logout; a hiring manager erases a candidate."""

import re

from playwright.sync_api import expect

from interviews.models import Candidate
from questionbank.models import Question

from .helpers import JOURNEY, check_page, login, make_interview

pytestmark = JOURNEY

CSV = (
    "id,text,kind,difficulty,levels,topics,estimated_minutes,status\n"
    ",How would you cache prompts across users safely?,system_design,3,engineer,"
    "llm-agents-tool-use,,\n"
    ',"=HYPERLINK(""http://example.invalid/"") is it a question?",conceptual,2,intern,'
    "tokenization,,\n"
)
NOTES_URL = re.compile(r"/items/\d+/notes/$")


def test_the_watcher_fails_a_page_that_breaks_the_policy(open_page, live_server, db):
    """An inline script, an inline style and a style attribute, served under the app's policy:
    each is reported (so a journey with no report really had no violation)."""
    page = open_page()
    response = page.goto("/login/")
    policy = response.headers["content-security-policy"]
    html = (
        "<!doctype html><html lang='en'><head><title>probe</title>"
        "<style>p { color: red; }</style></head>"
        "<body><p style='color: blue'>probe</p>"
        "<script>document.title = 'ran';</script></body></html>"
    )
    page.route(
        "**/csp-probe/",
        lambda route: route.fulfill(
            body=html, content_type="text/html", headers={"Content-Security-Policy": policy}
        ),
    )
    page.goto("/csp-probe/")
    expect(page).to_have_title("probe")  # the inline script did not run
    page.wait_for_timeout(300)
    violations = page.watcher.csp_violations
    assert any("script-src" in v for v in violations), violations
    assert any("style-src" in v for v in violations), violations
    assert page.watcher.problems()
    page.watcher.console_errors.clear()  # the probe's violations are this test's point


def test_the_admin_works_under_the_policy(open_page, make_user, real_bank, tmp_path):
    make_user("root", staff=True)
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="root").update(is_superuser=True)
    before = Question.objects.count()
    page = open_page()
    login(page, "root", next_url="/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # The question list: search and a filter.
    page.goto("/admin/questionbank/question/")
    page.locator("#searchbar").fill("tokenizer")
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list")).to_be_visible()
    page.get_by_role("link", name="Conceptual").first.click()
    expect(page).to_have_url(re.compile(r"kind__exact=conceptual"))

    # A change form, with its collapsed anchors opened.
    question = Question.objects.order_by("pk").first()
    page.goto(f"/admin/questionbank/question/{question.pk}/change/")
    expect(page.get_by_label("Text:", exact=True)).to_have_value(question.text)
    page.get_by_text("Rubric anchors (empty: the kind's default anchors apply)").click()
    expect(page.get_by_label("Anchor: 1 Poor:")).to_be_visible()

    # The import page: a preview, then the import.
    page.goto("/admin/questionbank/question/import/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "bank.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("table.import-preview")).to_contain_text("cache prompts across users")
    expect(page.locator("table.import-preview")).to_contain_text('=HYPERLINK("http://example')
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("Import finished")
    assert Question.objects.count() == before + 2
    assert Question.objects.filter(text__startswith='=HYPERLINK("http').exists()

    # The export page: "Select all" (its handler is no longer inline), then a CSV download.
    page.goto("/admin/questionbank/question/export/")
    toggle = page.locator("#select-all-toggle")
    first_field = page.locator(".selectable-field-export-row input[type=checkbox]").first
    toggle.uncheck()
    expect(first_field).not_to_be_checked()
    toggle.check()
    expect(first_field).to_be_checked()
    page.get_by_label("Format").select_option(label="csv")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    body = download.value.path().read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in body  # the formula cell is neutralised

    # The candidates' admin and the erasure records.
    page.goto("/admin/interviews/candidate/")
    page.goto("/admin/interviews/erasurerecord/")
    page.goto("/admin/axes/accessattempt/")
    assert page.watcher.csp_violations == []


def test_unsent_drafts_are_forgotten_at_logout(open_page, make_user, real_bank):
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=2)
    item = interview.items.get(position=1)
    page = open_page(user)
    page.goto(f"/interviews/{interview.pk}/live/?q=1")
    page.route(NOTES_URL, lambda route: route.abort("internetdisconnected"))
    page.locator(f"#notes-{item.pk}").click()
    page.keyboard.type("A draft the server never got.")
    expect(page.locator("#save-status")).to_contain_text("Not saved")
    keys = "() => Object.keys(localStorage).filter(k => k.startsWith('interview-kit:notes:'))"
    assert page.evaluate(keys), "the draft should be kept in the browser's storage"

    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved notes?"
    page.get_by_role("button", name=re.compile("Log out")).click()
    page.wait_for_url(re.compile(r"/login/"))
    assert page.evaluate(keys) == []
    assert page.evaluate("() => localStorage.length") == 0


def test_a_hiring_manager_erases_a_candidate(open_page, make_user, real_bank):
    interviewer = make_user("ines", "Interviewers")
    manager = make_user("hana", "Hiring managers")
    interview = make_interview(interviewer, count=2)
    candidate = interview.candidate
    page = open_page(manager)
    page.goto(f"/candidates/{candidate.pk}/")
    page.get_by_role("link", name="Erase candidate…").click()
    expect(page.get_by_role("heading", name=f"Erase {candidate.name}?")).to_be_visible()
    check_page(page, "erase-candidate")
    page.get_by_role("button", name="Erase for good").click()  # not confirmed yet
    page.get_by_label("Yes, erase this candidate and everything about them").check()
    page.get_by_role("button", name="Erase for good").click()
    expect(page.locator(".messages")).to_contain_text("everything about them were erased")
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
