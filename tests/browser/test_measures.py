"""Journey: a hiring manager reads how well the interviews measure. From the menu to the
overview, agreement and calibration, then question health sorted by a column and filtered by
a flag in place (the URL follows, the page does not reload), and the same sort without
JavaScript. Every page passes axe with no CSP violation; a curator finds question health only."""

import re

from playwright.sync_api import expect

from interviews import measures
from interviews.simulation import Settings, simulate
from questionbank.models import Question
from tests.simulated import write_simulation

from .helpers import JOURNEY, check_page

pytestmark = JOURNEY

ORGANISATION = Settings(
    candidates=150,
    interviewers=8,
    questions=60,
    questions_per_interview=5,
    co_scored_share=0.4,
    non_discriminating=4,
    mis_tagged=4,
    over_time=3,
)


def organisation():
    bank = list(Question.objects.order_by("pk")[: ORGANISATION.questions])
    return write_simulation(simulate(ORGANISATION, seed=13), questions=bank)


def discrimination_column(page) -> list[float | None]:
    cells = page.locator("#results table.health-table tbody tr td:nth-of-type(6)")
    return [
        None if text.strip().startswith("–") else float(text.split()[0])
        for text in cells.all_inner_texts()
    ]


def test_a_hiring_manager_reads_the_measures(open_page, real_bank, make_user):
    world = organisation()
    page = open_page(world.hiring_manager)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Measures").click()
    expect(page.get_by_role("heading", name="How well the interviews measure")).to_be_visible()
    expect(page.locator(".measure-card")).to_have_count(3)
    check_page(page, "measures-overview")

    page.get_by_role("navigation", name="Measures").get_by_role("link", name="Agreement").click()
    expect(page.get_by_role("heading", name="Agreement between interviewers")).to_be_visible()
    expect(page.locator("svg.chart-intervals")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^All co-scored answers")).first).to_be_visible()
    check_page(page, "measures-agreement")

    page.get_by_role("navigation", name="Measures").get_by_role("link", name="Calibration").click()
    expect(page.get_by_role("heading", name="Interviewer calibration")).to_be_visible()
    expect(page.get_by_role("heading", name="Leniency", exact=True)).to_be_visible()
    check_page(page, "measures-calibration")

    tabs = page.get_by_role("navigation", name="Measures")
    tabs.get_by_role("link", name="Question health").click()
    expect(page.get_by_role("heading", name="Question health", level=1)).to_be_visible()
    check_page(page, "measures-questions", wide_ok=False)

    # Sort by a column in place: the URL follows, the page does not reload.
    page.evaluate("window.__marker = 1")
    header = page.locator("#results thead").get_by_role("link", name="Discrimination")
    header.click()
    expect(page).to_have_url(re.compile(r"sort=-discrimination"))
    sorted_th = page.locator('#results th[aria-sort="descending"]')
    expect(sorted_th).to_contain_text("Discrimination")
    values = [v for v in discrimination_column(page) if v is not None]
    assert values == sorted(values, reverse=True) and len(values) > 10
    page.locator("#results thead").get_by_role("link", name="Discrimination").click()
    expect(page.locator('#results th[aria-sort="ascending"]')).to_contain_text("Discrimination")
    values = [v for v in discrimination_column(page) if v is not None]
    assert values == sorted(values)
    assert page.evaluate("window.__marker") == 1, "sorting reloaded the whole page"

    page.get_by_label("Flag").select_option(label=measures.FLAG_NO_DISCRIMINATION.capitalize())
    expect(page).to_have_url(re.compile(r"flag=no-discrimination"))
    rows = page.locator("#results table.health-table tbody tr")
    expect(rows.first).to_be_visible()
    for flags in rows.locator("td:last-child").all_inner_texts():
        assert "Does not discriminate" in flags
    assert page.evaluate("window.__marker") == 1
    check_page(page, "measures-questions-filtered", screenshots=False)

    # Back restores the sorted table.
    page.go_back()
    expect(page).to_have_url(re.compile(r"sort=discrimination$"))
    expect(page.locator('#results th[aria-sort="ascending"]')).to_contain_text("Discrimination")


def test_question_health_sorts_without_javascript_and_curators_see_only_it(
    open_page, real_bank, make_user
):
    organisation()
    curator = make_user("cora", "Curators", staff=True)
    page = open_page(curator, js=False)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Measures")).to_have_count(0)
    nav.get_by_role("link", name="Question health").click()
    page.locator("#results thead").get_by_role("link", name="Times asked").click()
    expect(page).to_have_url(re.compile(r"sort=-asked"))
    asked = [
        int(t)
        for t in page.locator(
            "#results table.health-table tbody tr td:nth-of-type(1)"
        ).all_inner_texts()
    ]
    assert asked == sorted(asked, reverse=True)
    check_page(page, "measures-questions-nojs", screenshots=False)
    response = page.goto("/measures/agreement/")
    assert response.status == 403
