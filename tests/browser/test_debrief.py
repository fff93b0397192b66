"""Journey 4: independent scoring. A second interviewer sees none of the first one's scores
for the candidate until submitting their own; a hiring manager sees both in the debrief."""

import re

from playwright.sync_api import expect

from interviews import services

from .helpers import JOURNEY, check_page, make_interview

pytestmark = JOURNEY

INES_NOTE = "Ines's private note: sharp on batching."
INES_SUMMARY = "Ines's summary: a clear hire."
OMAR_SUMMARY = "Omar's summary: unsure on system design."


def score_all(interview, score, note=""):
    for item in interview.items.all():
        services.item_score(item=item, score=score)
        if note:
            services.item_save_notes(item=item, notes=note, base_version=item.notes_version)


def test_scores_stay_hidden_until_you_submit_and_managers_see_all(open_page, make_user, real_bank):
    ines = make_user("ines", "Interviewers")
    omar = make_user("omar", "Interviewers")
    hana = make_user("hana", "Hiring managers")
    first = make_interview(ines, count=3)
    score_all(first, 4, INES_NOTE)
    services.interview_submit(interview=first, recommendation="strong_hire", summary=INES_SUMMARY)
    candidate = first.candidate
    second = make_interview(omar, candidate=candidate, count=3, skip=3)
    score_all(second, 2)

    page = open_page(omar)
    page.goto(f"/candidates/{candidate.pk}/")
    expect(page.get_by_role("heading", name=candidate.name, level=1)).to_be_visible()
    expect(page.locator(".hidden-note")).to_contain_text("Submit your own scorecard")
    expect(page.locator(f"#interview-{first.pk}")).to_contain_text("hidden")
    body = page.locator("main").inner_text()
    assert INES_NOTE not in body and INES_SUMMARY not in body and "Strong hire" not in body
    assert page.locator("table.matrix").count() == 0
    check_page(page, "candidate-hidden")
    response = page.goto(f"/interviews/{first.pk}/")
    assert response.status == 404

    page.goto(f"/interviews/{second.pk}/submit/")
    page.get_by_label("No hire", exact=True).check()
    page.get_by_label(re.compile("^Summary")).fill(OMAR_SUMMARY)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", name=re.compile("^Recommendation"))).to_contain_text(
        "No hire"
    )

    page.goto(f"/candidates/{candidate.pk}/")
    expect(page.locator(".hidden-note")).to_have_count(0)
    card = page.locator(f"#interview-{first.pk}")
    expect(card).to_contain_text(INES_SUMMARY)
    card.get_by_text(re.compile("^Scores and notes")).click()
    expect(card.get_by_text(INES_NOTE).first).to_be_visible()
    expect(page.locator("table.matrix")).to_be_visible()
    check_page(page, "candidate-unlocked", screenshots=False)

    manager = open_page(hana)
    manager.goto(f"/candidates/{candidate.pk}/")
    expect(manager.locator(f"#interview-{first.pk}")).to_contain_text(INES_SUMMARY)
    expect(manager.locator(f"#interview-{second.pk}")).to_contain_text(OMAR_SUMMARY)
    matrix = manager.locator("table.matrix")
    expect(matrix).to_contain_text("ines")
    expect(matrix).to_contain_text("omar")
    expect(matrix).to_contain_text("Interviewers disagree")  # 4.00 against 2.00
    check_page(manager, "debrief")
