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


# The widest option of each filter select against the room its closed box has for text.
SELECT_FIT_JS = """(form) => {
    const context = document.createElement('canvas').getContext('2d');
    return [...form.querySelectorAll('select')].map(select => {
        const s = getComputedStyle(select);
        context.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        const room = select.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        const widest = [...select.options].reduce((a, o) =>
            context.measureText(o.text).width > context.measureText(a).width ? o.text : a, '');
        return {id: select.id, room: Math.floor(room), widest,
                width: Math.ceil(context.measureText(widest).width),
                whole_row: select.offsetWidth >= form.clientWidth - 1};
    });
}"""


def assert_filters_fit_and_focus_alone(page, form_selector: str) -> None:
    """Every option of every filter select shows whole at 1280 px; on a phone, where a 42-letter
    topic cannot fit at a legible size, a select that cuts one has the whole row. Focusing the
    search field rings that field, not the whole filter block (Pico's role=search group did)."""
    form = page.locator(form_selector)
    page.set_viewport_size({"width": 1280, "height": 800})
    form.locator("[type=search]").focus()
    assert form.evaluate("f => getComputedStyle(f).boxShadow") == "none", "a ring round it all"
    cut = [s for s in form.evaluate(SELECT_FIT_JS) if s["width"] > s["room"]]
    assert not cut, f"at 1280px these selects cut an option: {cut}"
    page.set_viewport_size({"width": 390, "height": 844})
    cramped = [
        s for s in form.evaluate(SELECT_FIT_JS) if s["width"] > s["room"] and not s["whole_row"]
    ]
    assert not cramped, f"at 390px these selects cut an option beside another field: {cramped}"


def test_filter_fields_show_whole_names_and_focus_one_field(open_page, make_user, real_bank):
    from .helpers import make_interview

    user = make_user("ines", "Interviewers")
    page = open_page(user)
    page.goto("/bank/")
    assert_filters_fit_and_focus_alone(page, "form.filters")
    interview = make_interview(user, start=False)
    page.goto(f"/interviews/{interview.pk}/compose/")
    assert_filters_fit_and_focus_alone(page, "form.bank-filters")
