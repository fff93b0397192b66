"""Journey 7: a hiring manager opens a loop and assigns two interviewers; each composes their
stage from its focus topics, scores and submits; neither sees the other's scores before
submitting their own, and the hiring manager sees both, with the audit trail."""

import re

from playwright.sync_api import expect

from interviews.models import Interview, LoopStage
from questionbank.models import Topic

from .helpers import JOURNEY, check_page, login

pytestmark = JOURNEY

INES_SUMMARY = "Ines: solid on inference."
OMAR_SUMMARY = "Omar: design was shaky."


def add_stage(page, name: str, interviewer: str, topics: list[str], minutes: int) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Add the stage"))
    form.get_by_label("Stage", exact=True).fill(name)
    form.get_by_label("Interviewer", exact=True).select_option(label=interviewer)
    form.get_by_label("Focus topics").select_option(label=topics)
    form.get_by_label("Planned minutes").fill(str(minutes))
    form.get_by_label("Date and time (optional)").fill("2030-05-04T10:30")
    form.get_by_role("button", name="Add the stage").click()
    expect(page.locator(".messages")).to_contain_text(f"Added “{name}”")


def run_stage(page, stage_name: str, score: int, recommendation: str, summary: str):
    """From the dashboard: open the stage, auto-compose from its focus, score all, submit."""
    page.goto("/")
    upcoming = page.locator(
        "section", has=page.get_by_role("heading", name="My upcoming interviews")
    )
    upcoming.get_by_role("link", name=stage_name).click()
    page.get_by_role("button", name=f"Compose {stage_name}").click()
    expect(page).to_have_url(re.compile(r"/interviews/\d+/compose/"))
    interview = Interview.objects.get(stage__name=stage_name)
    tool = page.locator("#autocompose")
    tool.get_by_role("button", name="Auto-compose").click()
    expect(tool.locator(".message-success")).to_be_visible()
    page.get_by_role("button", name="Start interview").click()
    expect(page).to_have_url(re.compile(rf"/interviews/{interview.pk}/live/"))
    for item in interview.items.order_by("position"):
        page.goto(f"/interviews/{interview.pk}/live/?q={item.position}")
        page.locator(f"#score-{item.pk}-{score}").click()
        expect(page.locator(f"#score-{item.pk}-{score}")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("link", name="Finish and submit").first.click()
    page.get_by_label(recommendation, exact=True).check()
    page.get_by_label(re.compile("^Summary")).fill(summary)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", name=re.compile("^Recommendation"))).to_contain_text(
        recommendation
    )
    return interview


def test_a_loop_with_two_interviewers_and_independent_scoring(open_page, make_user, real_bank):
    make_user("hana", "Hiring managers")
    ines = make_user("ines", "Interviewers")
    omar = make_user("omar", "Interviewers")
    inference = Topic.objects.get(slug="inference-optimization").name
    design = Topic.objects.get(slug="ml-system-design").name

    manager = open_page()
    login(manager, "hana")
    manager.get_by_role("link", name="Open a loop", exact=True).click()
    check_page(manager, "loop-new", screenshots=False)
    manager.get_by_label("A new candidate").check()
    manager.get_by_label("Name", exact=True).fill("Lee Loop")
    manager.get_by_label("Target level").select_option(label="Engineer")
    manager.get_by_role("button", name="Open the loop").click()
    expect(manager.get_by_role("heading", name="Lee Loop", level=1)).to_be_visible()
    add_stage(manager, "LLM fundamentals", "ines", [inference], 20)
    add_stage(manager, "System design", "omar", [design], 20)
    expect(manager.locator(".stages > li")).to_have_count(2)
    check_page(manager, "loop")

    first = open_page(ines)
    first.goto("/")
    expect(first.get_by_role("heading", name="My upcoming interviews")).to_be_visible()
    check_page(first, "dashboard-upcoming", screenshots=False)
    ines_interview = run_stage(first, "LLM fundamentals", 4, "Strong hire", INES_SUMMARY)
    topics = {slug for item in ines_interview.items.all() for slug, _ in item.topics}
    assert "inference-optimization" in topics

    second = open_page(omar)
    second.goto(f"/candidates/{ines_interview.candidate_id}/")
    expect(second.locator(".hidden-note")).to_contain_text("Submit your own scorecard")
    assert INES_SUMMARY not in second.locator("main").inner_text()
    check_page(second, "candidate-loop-hidden", screenshots=False)
    omar_interview = run_stage(second, "System design", 2, "No hire", OMAR_SUMMARY)
    ines_questions = set(ines_interview.items.values_list("question_id", flat=True))
    omar_questions = set(omar_interview.items.values_list("question_id", flat=True))
    assert not ines_questions & omar_questions  # nothing repeated within the loop

    second.goto(f"/candidates/{ines_interview.candidate_id}/")
    expect(second.locator(".hidden-note")).to_have_count(0)
    expect(second.locator(f"#interview-{ines_interview.pk}")).to_contain_text(INES_SUMMARY)
    first.goto(f"/candidates/{ines_interview.candidate_id}/")
    expect(first.locator(f"#interview-{omar_interview.pk}")).to_contain_text(OMAR_SUMMARY)

    manager.goto(f"/candidates/{ines_interview.candidate_id}/")
    matrix = manager.locator("table.matrix")
    expect(matrix).to_contain_text("ines")
    expect(matrix).to_contain_text("omar")
    trail = manager.locator("section", has=manager.get_by_role("heading", name="Audit trail"))
    expect(trail).to_contain_text("omar unlocked the others' scores of Lee Loop")
    check_page(manager, "debrief-loop")
    assert LoopStage.objects.filter(loop__candidate__name="Lee Loop").count() == 2
