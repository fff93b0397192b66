"""What the journeys share: the module marks, an axe-core audit, screenshots, page watchers."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import assigned_interview

JOURNEY = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
# The few screenshots the README shows, rewritten when DOCS_SCREENSHOTS=1 (then optimized by
# hand: pngquant --quality 60-85 --skip-if-larger --ext .png --force docs/screenshots/*.png).
DOCS_SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
DOCS = {
    "composer": ("desktop",),
    "live": ("desktop", "phone"),
    "scorecard": ("desktop",),
    "measures-agreement": ("desktop",),
    "measures-calibration": ("desktop",),
    "measures-questions": ("desktop",),
}
DOCS_HEIGHT = 900
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING = {"serious", "critical"}
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's


# Reports every Content-Security-Policy violation to the console, where the Watcher sees it
# (Chromium also logs its own "Refused to ..." message for each).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
                + ` at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});
"""
# Chromium logs every HTTP error answer of a fetch as a console error; the app answers 409 and
# 422 on purpose (conflicts, invalid forms) and tests take the network down on purpose. Missing
# static files are caught by the response watcher instead.
NETWORK_NOISE = "Failed to load resource"
AXE_URL = "/__axe-core__.js"  # where the audits load axe-core from (inject_axe)


class Watcher:
    """Collects what must never happen on a page: a static file that does not load, an
    uncaught script error, a console error (a Content-Security-Policy violation among them),
    a page wider than the window. The open_page fixture fails the test on any at teardown (and
    prints the console's errors when a test fails)."""

    def __init__(self, page, axe_path: Path, *, js: bool = True):
        self.page = page
        self.axe_path = axe_path
        self.js = js
        self.static_failures: list[str] = []
        self.script_errors: list[str] = []
        self.console_errors: list[str] = []
        self.layout: list[str] = []
        page.add_init_script(CSP_LISTENER)
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_failed)
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
        page.on("console", self._on_console)

    def _on_response(self, response):
        if "/static/" in response.url and response.status >= 400:
            self.static_failures.append(f"{response.status} {response.url}")

    def _on_failed(self, request):
        # An aborted request is a navigation that moved on, not a missing file.
        if "/static/" in request.url and "ERR_ABORTED" not in (request.failure or ""):
            self.static_failures.append(f"{request.failure} {request.url}")

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{self.page.url}: {message.text}")

    @property
    def csp_violations(self) -> list[str]:
        """The violations the page reported (CSP_LISTENER), but those of axe-core, which the
        audits load (it writes a style element of its own); with JavaScript off, Chromium's
        own messages."""
        if not self.js:
            return [e for e in self.console_errors if "Content Security Policy" in e]
        return [e for e in self.console_errors if "CSP violation" in e and AXE_URL not in e]

    def problems(self) -> list[str]:
        other_errors = [
            e
            for e in self.console_errors
            if NETWORK_NOISE not in e
            and "Content Security Policy" not in e  # Chromium's copy of a listener report
            and "CSP violation" not in e
        ]
        return (
            [f"static file failed: {s}" for s in self.static_failures]
            + [f"script error: {e}" for e in self.script_errors]
            + [f"CSP violation: {e}" for e in self.csp_violations]
            + [f"console error: {e}" for e in other_errors]
            + [f"sticks out of the window: {w}" for w in self.layout]
        )


def audit_copy(page, name: str, *, known=None) -> None:
    """axe-core needs timers, which do not run with JavaScript off: audit the page as it is
    (noscript content shown, no scripts) in a scripted tab, then close that tab."""
    html = page.content()
    html = re.sub(r"</?noscript>", "", html)
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S)
    copy = page.context.browser.new_page(base_url=page.url)
    copy.watcher = Watcher(copy, page.watcher.axe_path)
    try:
        copy.route(page.url, lambda route: route.fulfill(body=html, content_type="text/html"))
        copy.goto(page.url)
        audit(copy, f"{name} (scripts off)", known=known)
    finally:
        copy.context.close()


def inject_axe(page) -> None:
    """Load axe-core as a same-origin script file: the Content-Security-Policy refuses the
    inline script Playwright's add_script_tag(path=...) would write."""
    if not getattr(page, "_axe_routed", False):
        page.context.route(
            f"**{AXE_URL}",
            lambda route: route.fulfill(
                path=str(page.watcher.axe_path), content_type="application/javascript"
            ),
        )
        page._axe_routed = True
    page.add_script_tag(url=AXE_URL)


def audit(page, name: str = "", *, known: dict[str, str] | None = None) -> None:
    """Run axe-core on the page as it is; fail on serious or critical violations, naming the
    rules and the elements.

    `known` forgives a rule on the elements whose axe target contains a given text: only for
    markup the project does not write (Django admin's own widgets), each with its reason."""
    if not page.watcher.js:
        return audit_copy(page, name, known=known)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        inject_axe(page)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                          summary: n.failureSummary}))
            }));
        }"""
    )
    known = known or {}
    for v in result:
        if v["id"] in known:
            v["nodes"] = [n for n in v["nodes"] if known[v["id"]] not in n["target"]]
    blocking = [v for v in result if v["impact"] in BLOCKING and v["nodes"]]
    if blocking:
        lines = [f"axe-core found {len(blocking)} serious/critical violation(s) on {page.url}:"]
        for v in blocking:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"][:6]:
                lines.append(f"    at {node['target']}: {node['html'][:160]}")
                if node["summary"]:
                    lines.append("      " + node["summary"].replace("\n", "\n      ")[:400])
        pytest.fail("\n".join(lines), pytrace=False)


OVERFLOW_JS = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll('main *, header *')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= width + 1 || el.closest('.overflow-auto')) continue;
        const parent = el.parentElement;
        if (parent && parent.getBoundingClientRect().right > width + 1) continue;
        const id = el.id ? '#' + el.id : '';
        const classes = (el.getAttribute('class') || '').trim().replace(/\\s+/g, '.');
        const name = el.tagName.toLowerCase() + id + (classes ? '.' + classes : '');
        wide.push(`${name} (right edge ${Math.round(box.right)}px)`);
    }
    return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""


def overflow(page) -> list[str]:
    """What sticks out to the right of the window (a horizontal scrollbar), outermost first."""
    result = page.evaluate(OVERFLOW_JS)
    if result["scroll"] <= result["width"]:
        return []
    return [f"page is {result['scroll']}px wide in a {result['width']}px window", *result["wide"]]


def shoot(page, name: str, *, phone: bool = True, wide_ok: bool = False) -> None:
    """Screenshots: the whole page at desktop size (1280 wide), and what a phone (390 wide)
    shows before scrolling. Anything sticking out sideways is noted as a problem."""
    SCREENSHOTS.mkdir(exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    size = page.viewport_size or DESKTOP
    page.evaluate("window.scrollTo(0, 0)")  # sticky bars sit where they belong
    page.set_viewport_size(DESKTOP)
    if not wide_ok:
        page.watcher.layout += [f"{name} at 1280: {w}" for w in overflow(page)]
    page.screenshot(path=str(SCREENSHOTS / f"{slug}-desktop.png"), full_page=True)
    docs = DOCS.get(slug, ()) if os.environ.get("DOCS_SCREENSHOTS") else ()
    if "desktop" in docs:
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        clip = {"x": 0, "y": 0, **DESKTOP, "height": DOCS_HEIGHT}
        page.screenshot(
            path=str(DOCS_SCREENSHOTS / f"{slug}-desktop.png"), clip=clip, full_page=True
        )
    if phone:
        page.set_viewport_size(PHONE)
        if not wide_ok:
            page.watcher.layout += [f"{name} at 390: {w}" for w in overflow(page)]
        page.screenshot(path=str(SCREENSHOTS / f"{slug}-phone.png"))
        if "phone" in docs:
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOCS_SCREENSHOTS / f"{slug}-phone.png"))
    page.set_viewport_size(size)


def check_page(
    page, name: str, *, screenshots: bool = True, known=None, wide_ok: bool = False
) -> None:
    """The checks every main page of a journey gets: an axe-core audit; then screenshots, and
    nothing may stick out sideways (a horizontal scrollbar) at either size unless `wide_ok`."""
    audit(page, name, known=known)
    if screenshots:
        shoot(page, name, wide_ok=wide_ok)
    tidy_after_tools(page)


def tidy_after_tools(page) -> None:
    """axe-core and the screenshots leave empty style attributes behind (style=""); htmx's
    history would snapshot them and, on Back, restore them as inline styles the CSP refuses.
    The app writes none: remove the tools' leftovers so a journey sees only the app's doing."""
    if page.watcher.js:
        page.evaluate(
            "() => document.querySelectorAll('[style=\"\"]')"
            ".forEach((el) => el.removeAttribute('style'))"
        )


def login(
    page, username: str, password: str = PASSWORD, *, next_url: str = "/", check: bool = False
) -> None:
    """Log in through the login page, as a person does (`check`: audit and screenshot it)."""
    page.goto(f"/login/?next={next_url}")
    if check:
        check_page(page, "login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def focus_outline(page) -> dict:
    """The focused element and its outline: visible focus is a non-zero outline or a ring."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            return {tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 40),
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                    shadow: s.boxShadow !== 'none'};
        }"""
    )


def assert_focus_visible(page, presses: int = 3) -> None:
    """Tab through a few elements: each must show a focus indicator."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focus = focus_outline(page)
        assert focus["tag"] != "BODY", "Tab did not move the focus"
        assert focus["outline"] or focus["shadow"], f"no visible focus on {focus}"


def make_interview(
    interviewer, *, candidate=None, count: int = 4, skip: int = 0, start: bool = True, **kwargs
):
    """An interview of `count` real bank questions of the Engineer level (after the first
    `skip`), started unless told otherwise."""
    from interviews import services
    from questionbank.models import Level, Question

    level = Level.objects.get(slug="engineer")
    if candidate is None:
        candidate = services.candidate_create(
            name="Cam Candidate", level=level, created_by=interviewer
        )
    interview = assigned_interview(
        interviewer=interviewer,
        candidate=candidate,
        level=level,
        planned_minutes=kwargs.pop("planned_minutes", 45),
        **kwargs,
    )
    questions = Question.objects.active().filter(levels=level).exclude(guidance="")
    for question in questions.order_by("pk")[skip : skip + count]:
        services.interview_add_question(interview=interview, question=question)
    if start:
        services.interview_start(interview=interview)
    interview.refresh_from_db()
    return interview


def tab_to(page, selector: str, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def new_tab(page):
    """A second tab in the same browser (same cookies and localStorage), watched the same way."""
    tab = page.context.new_page()
    tab.watcher = Watcher(tab, page.watcher.axe_path, js=page.watcher.js)
    return tab
