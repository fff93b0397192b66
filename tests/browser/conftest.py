"""Browser journeys: Chromium driven by Playwright against pytest-django's live_server.

Chromium is Debian's (`apt-get install -y chromium`); axe-core comes from npm (`npm ci`, which
`make test` runs itself). Without either the journeys fail, naming the command that installs
it: a journey that cannot run is a failure, never a skip, on a laptop as in CI.

Every module here starts with `pytestmark = JOURNEY`: the browser marker, and a transactional
database (live_server answers from another thread) whose migration data (groups, default rubric
anchors) is restored before each test.
"""

import os
import re
import threading
import time

# Playwright's sync API runs an event loop in this thread; the test code still talks to the
# database synchronously (fixtures, assertions), which Django refuses unless told it is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from questionbank.services import guide_import_file  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

from .helpers import SCREENSHOTS, Watcher  # noqa: E402

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


expect.set_options(timeout=15000)  # a slow CI machine: the same as actions' timeout


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def missing(what: str, how: str):
    """A missing tool fails the journeys (not a skip), saying how to install it."""
    pytest.fail(f"{what} is missing: {how}", pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not CHROMIUM.exists():
        missing(f"Chromium ({CHROMIUM})", "apt-get install -y chromium")
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE.exists():
        missing(
            f"axe-core ({AXE.relative_to(settings.BASE_DIR)})",
            "run `make test` (it runs `npm ci`), or `npm ci`",
        )
    return AXE


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Journeys on SQLite use a test database in a file, not in memory.

    With an in-memory database the live server shares the test thread's one connection with
    every request thread, so two requests at once (a score and a time beacon) interleave their
    savepoints on it and one fails with "no such savepoint". With a file, each thread has its
    own connection, as under `make run`.
    """
    from django.db import connections

    for connection in connections.all():
        if connection.vendor == "sqlite":
            test = connection.settings_dict.setdefault("TEST", {})
            test["NAME"] = str(tmp_path_factory.mktemp("db") / f"test-{connection.alias}.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_in_loop(django_db_setup, django_db_blocker, playwright):
    """Give serialized rollback its data on the connection the journeys use.

    While Playwright's event loop runs, Django's `connections` hands this thread a different
    connection object than outside it (asgiref's Local is per context under a running loop).
    When the test database was set up outside the loop (other tests ran first), that object
    lacks the serialized migration data (groups, default rubric anchors), and each journey
    after the first would start without it. Serialize it here, inside the loop, once.
    """
    from django.db import connections

    connection = connections["default"]
    if not hasattr(connection, "_test_serialized_contents"):
        with django_db_blocker.unblock():
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def real_bank(live_server):
    """The real question bank, imported from the guide like tests/conftest.py's guide_bank
    (faster than loading the fixture; tests/questionbank proves they hold the same bank)."""
    guide_import_file(path=Path(settings.BASE_DIR) / "fixtures" / "llm_guide.txt")


class RequestCounter:
    """Wraps the live server's WSGI app to know when no request is being answered: a test's
    database is flushed only then (a late request, such as a beacon sent as a tab closes,
    would otherwise hold a lock on it)."""

    def __init__(self, app):
        self.app = app
        self.active = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.active += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self.done()
            raise
        return _Closing(body, self.done)

    def done(self):
        with self.lock:
            self.active -= 1

    def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Return once no request has been in progress for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        idle_since = None
        while time.monotonic() < deadline:
            if self.active:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= quiet:
                return
            time.sleep(0.05)


class _Closing:
    def __init__(self, body, on_close):
        self.body, self.on_close = body, on_close

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.on_close()


@pytest.fixture(scope="session")
def server_requests(live_server) -> RequestCounter:
    httpd = live_server.thread.httpd
    counter = RequestCounter(httpd.get_app())
    httpd.set_app(counter)
    return counter


@pytest.fixture
def open_page(browser, live_server, server_requests, axe_source, request):
    """open_page(user=None, js=True, viewport=None) -> a Page on the live server.

    With a user, the context carries that user's session (no login form). A page fails the
    test at teardown if a static file failed to load, a script raised an error, or a checked
    page stuck out sideways; a failed test leaves screenshots/failed-*.png behind.

    Each journey starts with an empty cache, as a fresh server would: the cache is a database
    table that is no model, so the flush between journeys leaves it. (On PostgreSQL, with no
    worker to refresh them, the measures kept by the journey before were shown, as updating.)
    """
    cache.clear()
    contexts = []

    def _open(user=None, *, js: bool = True, viewport=None):
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=js,
            viewport=viewport or {"width": 1280, "height": 800},
            accept_downloads=True,
        )
        context.set_default_timeout(15000)
        context.set_default_navigation_timeout(15000)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        page = context.new_page()
        page.watcher = Watcher(page, axe_source, js=js)
        contexts.append(context)
        return page

    yield _open
    call = getattr(request.node, "rep_call", None)
    failed = bool(call and call.failed)
    problems = []
    for c, context in enumerate(contexts):
        for p, page in enumerate(context.pages):
            watcher = getattr(page, "watcher", None)
            if watcher:
                problems += watcher.problems()
            if failed:  # what the page looked like when the test failed, and what it said
                print(*(watcher.console_errors if watcher else []), sep="\n")
                SCREENSHOTS.mkdir(exist_ok=True)
                name = f"failed-{request.node.name}-{c}-{p}.png"
                page.screenshot(path=str(SCREENSHOTS / re.sub(r"[^\w.-]+", "-", name)))
        context.close()
    server_requests.wait_idle()
    if problems and not failed:
        pytest.fail("Browser problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def make_user(live_server):
    def _make(username: str, *groups: str, staff: bool = False):
        user = UserFactory(username=username, groups=list(groups))
        if staff:
            user.is_staff = True
            user.save()
        return user

    return _make
