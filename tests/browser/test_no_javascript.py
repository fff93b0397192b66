"""Journey 6: with JavaScript off, the bank filters, the topic choices for a level, the compact
or detailed bank, composing (add, remove, move) and scoring still work, as plain forms and
full-page loads."""

import re

from playwright.sync_api import expect

from interviews.models import InterviewStatus
from questionbank.models import Question, Topic

from .helpers import JOURNEY, check_page, make_interview

pytestmark = JOURNEY


def order(interview):
    return list(interview.items.order_by("position").values_list("pk", flat=True))


def test_bank_compose_and_score_without_javascript(open_page, make_user, real_bank):
    user = make_user("ines", "Interviewers")
    interview = make_interview(user, count=2, start=False)
    page = open_page(user, js=False)

    # The bank: a GET form with a Filter button.
    page.goto("/bank/")
    page.get_by_label("Search").fill("attention")
    page.get_by_label("Kind").select_option(label="Conceptual")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"q=attention.*kind=conceptual"))
    expected = Question.objects.active().filter(text__icontains="attention", kind="conceptual")
    assert expected.count() > 0
    expect(page.locator(".result-count")).to_contain_text(f"{expected.count()} question")
    texts = page.locator(".question-list .question-text").all_inner_texts()
    assert texts and all("attention" in t.lower() for t in texts)
    check_page(page, "bank-no-js", screenshots=False)

    # The composer: the topic choices follow the level once the form is sent.
    page.goto(f"/interviews/{interview.pk}/compose/")
    page.get_by_label("Level", exact=True).select_option(label="Intern")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"level=intern"))
    intern = Topic.objects.with_question_counts("intern").filter(question_count__gt=0)
    expect(page.locator("#bank-topic option")).to_have_text(
        ["Any topic"] + [f"{t.name} ({t.question_count})" for t in intern]
    )
    # The compact bank opens a question in place and links to its guidance; the view
    # switches by a link, remembered.
    row = page.locator("#bank .bank-list.is-compact > li").first
    row.locator("summary").click()
    expect(row.get_by_role("link", name="Answer guidance and rubric")).to_be_visible()
    page.get_by_role("link", name="detailed cards").click()
    expect(page.locator("#bank .bank-list:not(.is-compact)")).to_be_visible()
    page.goto(f"/interviews/{interview.pk}/compose/?level=engineer")
    expect(page.locator("#bank .bank-list:not(.is-compact)")).to_be_visible()
    page.get_by_role("link", name="a compact list").click()
    expect(page.locator("#bank .bank-list.is-compact")).to_be_visible()

    # Filter, add, move, remove; each a form post and a full page.
    page.goto(f"/interviews/{interview.pk}/compose/")
    page.locator("#bank-q").fill("attention")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"q=attention"))
    first, second = order(interview)
    page.locator("#bank").get_by_role("button", name=re.compile("^Add: ")).first.click()
    expect(page).to_have_url(re.compile(r"q=attention"))  # back to the same filtered bank
    expect(page.locator(".total-count")).to_have_text("3")
    assert interview.items.count() == 3
    added = order(interview)[2]
    page.locator(f"#up-{added}").click()
    expect(page.locator(f"#item-{added} .item-position")).to_have_text("2.")
    assert order(interview) == [first, added, second]
    page.locator(f"#remove-{first}").click()
    expect(page.locator(".total-count")).to_have_text("2")
    assert order(interview) == [added, second]
    check_page(page, "composer-no-js", screenshots=False)

    # Start, then score, skip and write notes without a script.
    page.get_by_role("button", name="Start interview").click()
    expect(page).to_have_url(re.compile(rf"/interviews/{interview.pk}/live/"))
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.LIVE
    page.locator(f"#score-{added}-3").click()
    expect(page.locator(f"#score-{added}-3")).to_have_attribute("aria-pressed", "true")
    page.locator(f"#notes-{added}").fill("Written with scripts off.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.locator(f"#notes-{added}")).to_have_value("Written with scripts off.")
    check_page(page, "live-no-js", screenshots=False)
    page.get_by_role("link", name=re.compile("^Next")).click()
    expect(page.locator("#focus")).to_have_attribute("data-position", "2")
    page.locator(f"#skip-{second}").click()
    expect(page.locator(f"#skip-{second}")).to_have_attribute("aria-pressed", "true")
    items = {i.pk: i for i in interview.items.all()}
    assert (items[added].score, items[added].notes) == (3, "Written with scripts off.")
    assert items[second].skipped

    page.get_by_role("link", name="Finish and submit").first.click()
    page.get_by_label("No hire", exact=True).check()
    page.get_by_label(re.compile("^Summary")).fill("Scored with scripts off.")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", name=re.compile("^Recommendation"))).to_contain_text(
        "No hire"
    )
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.SUBMITTED
