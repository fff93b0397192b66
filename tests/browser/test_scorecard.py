"""The scorecard on a phone: nothing moves once it has been drawn (the Print button, which only
works with JavaScript, used to appear after load and push the page down)."""

import time

from playwright.sync_api import expect

from interviews import services

from .helpers import JOURNEY, PHONE, make_interview

pytestmark = JOURNEY

# Layout shifts since the page started, as Chromium reports them (Cumulative Layout Shift).
SHIFTS_JS = """() => new Promise(resolve => {
    const shifts = [];
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) {
            if (entry.hadRecentInput) continue;
            shifts.push({value: entry.value, sources: (entry.sources || []).map(s =>
                s.node ? (s.node.nodeName + (s.node.className ? '.' + s.node.className : '')
                          + ' ' + (s.node.textContent || '').trim().slice(0, 30)) : '?')});
        }
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(shifts), 300);
})"""


def submitted_interview(user):
    interview = make_interview(user, count=3)
    for item in interview.items.all():
        services.item_score(item=item, score=3)
    return services.interview_submit(interview=interview, recommendation="hire", summary="Good.")


def test_the_phone_scorecard_does_not_shift_when_its_script_runs(open_page, make_user, real_bank):
    user = make_user("ines", "Interviewers")
    interview = submitted_interview(user)
    page = open_page(user, viewport=PHONE)

    # A phone's network: the page is drawn before its script arrives.
    def slow_script(route):
        time.sleep(0.6)
        route.continue_()

    page.route("**/static/js/scorecard.js", slow_script)
    page.goto(f"/interviews/{interview.pk}/", wait_until="load")
    print_button = page.get_by_role("button", name="Print")
    expect(print_button).to_be_visible()
    shifts = page.evaluate(SHIFTS_JS)
    assert shifts == [], f"the scorecard moved after it was drawn: {shifts}"

    # It prints, through the script.
    page.evaluate("window.print = () => { window.__printed = true; }")
    print_button.click()
    assert page.evaluate("window.__printed") is True


def test_without_javascript_the_scorecard_offers_no_print_button(open_page, make_user, real_bank):
    user = make_user("ines", "Interviewers")
    interview = submitted_interview(user)
    page = open_page(user, js=False, viewport=PHONE)
    page.goto(f"/interviews/{interview.pk}/")
    expect(page.get_by_role("heading", name=interview.title, level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_text("use your browser's print")).to_be_visible()
