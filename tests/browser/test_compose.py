"""Journey 1: an interviewer logs in, creates a candidate and an interview, filters and searches
the bank in the composer (topic choices counted for the chosen level, the bank a compact list
with details on demand, or detailed cards, remembered), adds questions, reorders them by drag
and drop and by keyboard, sees the totals and charts change, saves a kit, and auto-composes
another interview (which mixes in a coding or system-design question)."""

import re

from playwright.sync_api import expect

from interviews.models import Interview, Kit
from questionbank.models import Kind, Topic

from .helpers import JOURNEY, assert_focus_visible, check_page, login

pytestmark = JOURNEY


def order(interview):
    return list(interview.items.order_by("position").values_list("pk", flat=True))


def new_interview(page, name: str, minutes: int) -> Interview:
    page.goto("/")
    page.get_by_role("link", name="New interview", exact=True).click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Target level").select_option(label="Engineer")
    page.get_by_label("Planned minutes").fill(str(minutes))
    page.get_by_role("button", name="Create and compose").click()
    expect(page).to_have_url(re.compile(r"/interviews/\d+/compose/\?level=engineer"))
    return Interview.objects.get(candidate__name=name)


def topic_labels(level_slug: str) -> list[str]:
    """The topic choices the bank should offer at a level: those with active questions there,
    each with its count."""
    topics = Topic.objects.with_question_counts(level_slug).filter(question_count__gt=0)
    return ["Any topic"] + [f"{t.name} ({t.question_count})" for t in topics]


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_compose_an_interview_reorder_save_a_kit_and_autocompose(open_page, make_user, real_bank):
    make_user("ines", "Interviewers", "Hiring managers")  # she adds candidates too
    page = open_page()
    login(page, "ines")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    check_page(page, "dashboard")
    page.get_by_role("link", name="New interview", exact=True).click()
    check_page(page, "interview-new")
    interview = new_interview(page, "Dana Developer", 30)
    assert interview.interviewer.username == "ines" and interview.level.slug == "engineer"
    expect(page.get_by_role("heading", name=interview.title, level=1)).to_be_visible()
    check_page(page, "composer-empty", screenshots=False)

    # Search and filter the bank in place.
    page.evaluate("window.__marker = 1")
    bank = page.locator("#bank")
    totals = page.locator(".totals")

    # The topic choices follow the level, each with its number of questions there.
    topic_options = page.locator("#bank-topic option")
    engineer_labels = topic_labels("engineer")
    expect(topic_options).to_have_text(engineer_labels)
    page.get_by_label("Level", exact=True).select_option(label="Intern")
    intern_labels = topic_labels("intern")
    assert intern_labels != engineer_labels
    expect(topic_options).to_have_text(intern_labels)
    name, count = re.fullmatch(r"(.*) \((\d+)\)", intern_labels[1]).groups()
    page.get_by_label("Topic", exact=True).select_option(label=intern_labels[1])
    expect(page).to_have_url(re.compile(r"level=intern&topic="))
    expect(bank.locator(".result-count")).to_contain_text(f"{count} questions match")
    expect(page.get_by_label("Topic", exact=True)).to_have_value(Topic.objects.get(name=name).slug)
    page.get_by_label("Topic", exact=True).select_option(label="Any topic")
    page.get_by_label("Level", exact=True).select_option(label="Engineer")
    expect(topic_options).to_have_text(engineer_labels)
    expect(page.get_by_label("Topic", exact=True)).to_have_value("")

    # The bank is a compact list: one line per question, its guidance when opened.
    expect(bank.locator(".bank-list.is-compact > li")).to_have_count(25)
    compact_height = page_height(page)
    row = bank.locator(".bank-list > li").first
    row.locator("summary").click()
    expect(row.get_by_role("heading", name="A strong answer covers")).to_be_visible()
    expect(row.get_by_role("heading", name="Rubric")).to_be_visible()
    check_page(page, "composer-compact-open")
    # Detailed cards instead, remembered for the next visit; then back to compact.
    bank.get_by_role("link", name="detailed cards").click()
    expect(page).to_have_url(re.compile(r"view=detailed"))
    expect(bank.locator(".bank-list:not(.is-compact) > li")).to_have_count(25)
    detailed_height = page_height(page)
    check_page(page, "composer-detailed", screenshots=False)
    page.goto(f"/interviews/{interview.pk}/compose/?level=engineer")
    expect(bank.locator(".bank-list:not(.is-compact) > li")).to_have_count(25)
    bank.get_by_role("link", name="a compact list").click()
    expect(bank.locator(".bank-list.is-compact > li")).to_have_count(25)
    print(f"composer height: compact {compact_height} px, detailed {detailed_height} px")
    assert compact_height < detailed_height / 2, (compact_height, detailed_height)
    page.evaluate("window.__marker = 1")
    page.locator("#bank-q").fill("attention")
    expect(page).to_have_url(re.compile(r"q=attention"))
    expect(bank.locator(".result-count")).to_contain_text("3 questions match")
    add_buttons = bank.get_by_role("button", name=re.compile("^Add: "))
    add_buttons.first.click()
    expect(page.locator(".total-count")).to_have_text("1")
    expect(bank.locator(".added-mark")).to_have_count(1)  # the bank knows it was added
    add_buttons.first.click()
    expect(page.locator(".total-count")).to_have_text("2")
    expect(bank.locator(".added-mark")).to_have_count(2)
    ramp_before = page.locator("#ramp-desc").text_content()
    topics_before = page.locator("#topics-desc").text_content()
    minutes_before = totals.locator(".total-minutes dd").inner_text()

    page.locator("#bank-q").fill("")
    page.get_by_label("Kind").select_option(Kind.BEHAVIORAL)
    expect(page).to_have_url(re.compile(r"kind=behavioral"))
    expect(page).not_to_have_url(re.compile(r"q=attention"))
    add_buttons.first.click()
    expect(page.locator(".total-count")).to_have_text("3")
    expect(totals).to_contain_text("Behavioral")
    expect(totals.locator(".total-minutes dd")).not_to_have_text(minutes_before)
    expect(page.locator("#ramp-desc")).not_to_have_text(ramp_before)
    expect(page.locator("#topics-desc")).not_to_have_text(topics_before)
    assert page.evaluate("window.__marker") == 1, "the composer reloaded the whole page"
    a, b, c = order(interview)

    # Drag the third question above the first by its handle.
    items = page.locator(".compose-list > li")
    items.nth(2).locator(".drag-handle").drag_to(items.nth(0), target_position={"x": 40, "y": 5})
    expect(items.first).to_have_attribute("data-item", str(c))
    expect(page.locator(".compose-list .item-position").first).to_have_text("1.")
    page.wait_for_function(
        "() => !document.querySelector('.compose-list').closest('.htmx-request')"
    )
    expect(page.locator(f"#item-{c} .item-position")).to_have_text("1.")
    assert order(interview) == [c, a, b]

    # Move by keyboard: focus a question's "Move down" button and press Enter. Each button is
    # named after its question.
    a_text = interview.items.get(pk=a).text
    expect(page.get_by_role("button", name=f"Move down: {a_text}", exact=True)).to_have_id(
        f"down-{a}"
    )
    expect(page.get_by_role("button", name=f"Remove: {a_text}", exact=True)).to_be_visible()
    page.locator(f"#down-{a}").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#item-{a} .item-position")).to_have_text("3.")
    assert order(interview) == [c, b, a]
    expect(page.locator("#compose-announce")).not_to_be_empty()
    check_page(page, "composer")
    assert_focus_visible(page)

    # Save the list as a kit.
    page.locator("summary", has_text="Save as a kit").click()
    page.get_by_label("Kit name").fill("Engineer screen")
    page.get_by_role("button", name="Save as kit").click()
    expect(page.locator("#save-kit .message-success")).to_contain_text("Engineer screen")
    kit = Kit.objects.get(name="Engineer screen")
    assert list(kit.items.order_by("position").values_list("question_id", flat=True)) == [
        interview.items.get(pk=pk).question_id for pk in (c, b, a)
    ]
    page.locator("#save-kit .message-success").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Engineer screen", level=1)).to_be_visible()
    expect(page.locator(".kit-list > li")).to_have_count(3)
    check_page(page, "kit")

    # Another interview, composed automatically.
    other = new_interview(page, "Eli Engineer", 45)
    tool = page.locator("#autocompose")
    expect(tool).to_be_visible()  # open when the interview has no questions
    tool.get_by_role("button", name="Auto-compose").click()
    expect(tool.locator(".message-success")).to_be_visible()
    expect(page.locator(".total-count")).not_to_have_text("0")
    count = other.items.count()
    assert count >= 3
    expect(page.locator(".total-count")).to_have_text(str(count))
    assert other.items.filter(kind=Kind.BEHAVIORAL).exists()
    # A 45-minute Engineer interview mixes in a coding or system-design question.
    (technical,) = other.items.filter(kind__in=[Kind.CODING, Kind.SYSTEM_DESIGN])
    expect(page.locator(f"#item-{technical.pk} .reason")).to_contain_text(
        f"it is the session's {technical.get_kind_display().lower()} question"
    )
    expect(page.locator(".compose-list .reason").first).to_be_visible()
    expect(page.locator(".compose-list .reason").first).to_contain_text("Why: Chosen for ")
    check_page(page, "composer-autocomposed")
