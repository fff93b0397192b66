"""Journey: a co-scorer scores the same interview; both sheets and the agreement appear on
the debrief. The interviewer adds a co-scorer; each scores in their own browser, the co-scorer
by keyboard without seeing the interviewer's scores; both submit; the hiring manager reads both
sheets, the questions where they differ and the agreement, and records the decision."""

import re

from playwright.sync_api import expect

from .helpers import JOURNEY, check_page, make_interview

pytestmark = JOURNEY

INES_NOTE = "Ines's note: clear on KV caching."
COLE_NOTE = "Cole's note: shaky on batching."


def expect_position(page, position: int) -> None:
    expect(page.locator("#focus")).to_have_attribute("data-position", str(position))


def score_by_keyboard(page, items, scores) -> None:
    page.evaluate("document.activeElement.blur()")
    for i, (item, score) in enumerate(zip(items, scores, strict=True)):
        expect_position(page, i + 1)
        page.keyboard.press(str(score))
        expect(page.locator(f"#score-{item.pk}-{score}")).to_have_attribute("aria-pressed", "true")
        if i + 1 < len(items):
            page.keyboard.press("n")


def type_notes(page, item, text: str) -> None:
    box = page.locator(f"#notes-{item.pk}")
    box.click()
    page.keyboard.type(text)
    page.keyboard.press("Escape")
    expect(page.locator("#save-status")).to_have_text("Saved")


def test_a_co_scorer_scores_the_same_interview_and_the_debrief_compares(
    open_page, make_user, real_bank
):
    ines = make_user("ines", "Interviewers")
    cole = make_user("cole", "Interviewers")
    hana = make_user("hana", "Hiring managers")
    interview = make_interview(ines, count=3)
    items = list(interview.items.order_by("position"))
    candidate = interview.candidate

    # The interviewer adds Cole from the live page's link.
    page = open_page(ines)
    page.goto(f"/interviews/{interview.pk}/live/")
    page.get_by_role("link", name="Co-scorers").click()
    page.get_by_label("Add a co-scorer").select_option(label="cole")
    page.get_by_label("Panel member").check()
    page.get_by_role("button", name="Add co-scorer").click()
    expect(page.get_by_role("button", name="Remove cole")).to_be_visible()
    check_page(page, "co-scorers")

    # She scores 4, 4, 4 with a note.
    page.goto(f"/interviews/{interview.pk}/live/")
    type_notes(page, items[0], INES_NOTE)
    score_by_keyboard(page, items, [4, 4, 4])

    # Cole finds the interview on his dashboard and scores 2, 4, 1 on his own sheet, never
    # seeing hers.
    co = open_page(cole)
    co.goto("/")
    co.get_by_role("link", name=interview.title).click()
    expect(co.get_by_text("Your co-scorer sheet")).to_be_visible()
    body = co.locator("main").inner_text()
    assert INES_NOTE not in body and "scored 4" not in body
    expect(co.locator(f"#nav-item-{items[0].pk}")).to_have_attribute("data-state", "open")
    check_page(co, "co-scorer sheet")
    type_notes(co, items[0], COLE_NOTE)
    score_by_keyboard(co, items, [2, 4, 1])
    co.goto(f"/candidates/{candidate.pk}/")
    expect(co.locator(".hidden-note")).to_contain_text("Submit your own scorecard")
    assert INES_NOTE not in co.locator("main").inner_text()

    # Cole submits first: the debrief shows his sheet, not hers (she has not submitted).
    co.goto(f"/interviews/{interview.pk}/sheet/")
    co.get_by_role("link", name="Finish and submit").first.click()
    co.get_by_label("No hire", exact=True).check()
    co.get_by_label(re.compile("^Summary")).fill("Cole: not yet.")
    co.get_by_role("button", name="Submit scorecard").click()
    expect(co.get_by_role("heading", name=candidate.name, level=1)).to_be_visible()
    expect(co.locator(f"#interview-{interview.pk}")).to_contain_text("Co-scorer sheet: cole")
    assert INES_NOTE not in co.locator("main").inner_text()

    # She submits hers.
    page.goto(f"/interviews/{interview.pk}/submit/")
    page.get_by_label("Strong hire").check()
    page.get_by_label(re.compile("^Summary")).fill("Ines: a clear hire.")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_text("Co-scorer sheets")).to_be_visible()

    # The hiring manager reads both sheets, the differences and the agreement.
    manager = open_page(hana)
    manager.goto(f"/candidates/{candidate.pk}/")
    card = manager.locator(f"#interview-{interview.pk}")
    expect(card).to_contain_text("Ines: a clear hire.")
    expect(card).to_contain_text("Cole: not yet.")
    compared = manager.locator(f"#compare-{interview.pk}")
    expect(compared).to_contain_text("2 questions where sheets differ by 2 points or more")
    expect(compared.get_by_role("columnheader", name="cole")).to_be_visible()
    expect(compared.locator("tr.disagree")).to_have_count(2)
    agreement = manager.locator("#agreement")
    expect(agreement.get_by_role("row", name=re.compile("Agree exactly"))).to_contain_text("1 of 3")
    expect(agreement).to_contain_text("too few units")
    check_page(manager, "debrief co-scored")

    # And records the decision.
    manager.get_by_label("Hire", exact=True).check()
    manager.get_by_label(re.compile("^Note")).fill("Strong on serving; coach on batching.")
    manager.get_by_role("button", name="Record the decision").click()
    decision = manager.locator("#decision")
    expect(decision).to_contain_text("The loop's decision: Hire")
    expect(decision).to_contain_text("Strong on serving")
    expect(manager.get_by_role("button", name="Change the decision")).to_be_visible()
