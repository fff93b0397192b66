"""Journey 1, the bank part: search and filters update the results in place (the topic choices
counted for the chosen level), the URL keeps the filters, the back button restores them, the
guidance opens."""

import re

from playwright.sync_api import expect

from questionbank.models import Question, Topic

from .helpers import JOURNEY, assert_focus_visible, check_page, login

pytestmark = JOURNEY


def topic_labels(level_slug=None) -> list[str]:
    topics = Topic.objects.with_question_counts(level_slug).filter(question_count__gt=0)
    return ["Any topic"] + [f"{t.name} ({t.question_count})" for t in topics]


def test_bank_search_and_filters_update_in_place(open_page, make_user, real_bank):
    make_user("ines", "Interviewers")
    page = open_page()
    login(page, "ines", next_url="/bank/", check=True)
    expect(page).to_have_url(re.compile(r"/bank/$"))
    total = Question.objects.active().count()
    count = page.locator(".result-count")
    expect(count).to_contain_text(f"{total} questions")
    check_page(page, "bank")
    assert_focus_visible(page)

    page.evaluate("window.__marker = 1")  # gone if the page reloads
    page.get_by_label("Search").fill("training")
    expect(count).to_contain_text("match these filters")
    expect(page).to_have_url(re.compile(r"q=training"))
    searched = count.inner_text()
    first = page.locator(".question-list .question-text").first
    expect(first).to_contain_text(re.compile("train", re.I))

    topic_options = page.locator("#bank-topic option")
    expect(topic_options).to_have_text(topic_labels())
    page.get_by_label("Level").select_option(label="Intern")
    expect(page).to_have_url(re.compile(r"level=intern"))
    expect(count).not_to_have_text(searched)
    expect(topic_options).to_have_text(topic_labels("intern"))
    filtered = count.inner_text()
    assert page.evaluate("window.__marker") == 1, "the filters reloaded the whole page"

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"level=intern"))
    expect(page).to_have_url(re.compile(r"q=training"))
    expect(count).to_have_text(searched, use_inner_text=True)
    expect(page.get_by_label("Level")).to_have_value("")
    expect(topic_options).to_have_text(topic_labels())
    assert filtered != searched

    guidance = page.locator("details.guidance").first
    guidance.locator("summary").click()
    expect(guidance).to_have_attribute("open", "")
    expect(guidance.get_by_role("heading", name="A strong answer covers")).to_be_visible()
    check_page(page, "bank-filtered", screenshots=False)
