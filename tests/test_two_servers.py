"""Two app servers against one database see each other's writes at once (issue 14).

The app keeps no state in its process: sessions live in the database, the cache is shared
(the database's cache table, or Redis), and every write is committed before its response. This
test runs two gunicorn servers on free loopback ports against a database of its own (a SQLite
file, or a PostgreSQL database named after the configured one when DATABASE_URL is PostgreSQL),
logs in on one, and uses the session on the other; a score and notes written through one are read
back through the other straight away, and so is a curator's change of the bank (the cached topic
counts dropped for both).
"""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "two-servers-pw-1"

SETUP = """
import json
from django.contrib.auth.models import Group, User
from interviews import services
from questionbank.models import Level, Question, Topic

user = User.objects.create_user("duo", password=%(password)r)
user.groups.add(Group.objects.get(name="Interviewers"))
curator = User.objects.create_user("cura", password=%(password)r, is_staff=True)
curator.groups.add(Group.objects.get(name="Curators"))
level = Level.objects.create(name="Engineer", slug="engineer", rank=1)
topic = Topic.objects.create(name="Caching", slug="caching")
questions = []
for text in ("What is a KV cache?", "How does speculative decoding work?"):
    q = Question.objects.create(text=text, estimated_minutes=5)
    q.levels.set([level])
    q.topics.set([topic])
    questions.append(q)
candidate = services.candidate_create(name="Dana Duo", level=level, created_by=user)
interview = services.interview_create(
    interviewer=user, candidate=candidate, level=level, planned_minutes=30
)
for q in questions:
    services.interview_add_question(interview=interview, question=q)
services.interview_start(interview=interview)
item = interview.items.order_by("position").first()
print(json.dumps({"interview": interview.pk, "item": item.pk, "question": questions[1].pk}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    """A database of the test's own, on the configured engine; dropped afterwards."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'two-servers.sqlite3'}"
        return
    import psycopg

    config = dj_database_url.parse(configured)
    name = f"{config['NAME']}_two_servers"
    admin = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield configured.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_url() -> str:
    """Redis on loopback if one runs there (REDIS_URL, else the default port), else ''."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    parsed = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1).close()
    except OSError:
        return ""
    return url


@pytest.fixture(params=["database cache", "redis cache"])
def env(request, database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    if request.param == "redis cache":
        if not (url := redis_url()):
            pytest.skip("no Redis on loopback")
        env["REDIS_URL"] = url
        env["CACHE_KEY_PREFIX"] = f"two-servers-{os.getpid()}-{time.time()}"
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run(
        [*manage, "shell", "-c", SETUP % {"password": PASSWORD}],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    env["IK_IDS"] = done.stdout.strip().splitlines()[-1]
    return env


@pytest.fixture
def servers(env):
    """Two gunicorn servers (one worker each) on free loopback ports, same database."""
    procs, urls = [], []
    for _ in range(2):
        port = free_port()
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/login/", timeout=5).read()
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.2)
        yield urls, json.loads(env["IK_IDS"])
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


class Browser:
    """One user's cookies (session, CSRF), sent to whichever server is asked."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=30) as response:
            return response.read().decode()

    def post(self, url: str, data: dict, *, origin: str) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": origin + "/"})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self, base: str, username: str) -> None:
        self.get(f"{base}/login/")
        status, html = self.post(
            f"{base}/login/", {"username": username, "password": PASSWORD}, origin=base
        )
        assert status == 200 and "/logout/" in html, html[:500]


def test_two_app_servers_share_sessions_writes_and_the_cache(servers):
    (a, b), ids = servers
    interviewer = Browser()
    interviewer.login(a, "duo")
    live = f"/interviews/{ids['interview']}/live/?q=1"  # the first question in focus
    item = f"/interviews/{ids['interview']}/items/{ids['item']}"
    # The session made on A is good on B.
    assert "Dana Duo" in interviewer.get(b + live)
    assert "not scored yet" in interviewer.get(b + live)
    # A score written through A is read through B at once, and notes the other way round.
    status, _ = interviewer.post(f"{a}{item}/score/", {"score": "3"}, origin=a)
    assert status == 200
    assert "scored 3 · Good" in interviewer.get(b + live)
    status, _ = interviewer.post(
        f"{b}{item}/notes/", {"notes": "Explained paging well.", "version": "0"}, origin=b
    )
    assert status == 200
    assert "Explained paging well." in interviewer.get(a + live)
    # A curator retires a question through A; B's bank counts drop with it (shared cache).
    curator = Browser()
    curator.login(a, "cura")

    def caching_count(base: str) -> int:
        html = curator.get(f"{base}/bank/?level=engineer")
        return int(re.search(r"Caching \((\d+)\)", html).group(1))

    assert caching_count(b) == 2  # counted on B, now in the shared cache
    status, _ = curator.post(
        f"{a}/admin/questionbank/question/",
        {"action": "retire", "_selected_action": str(ids["question"]), "index": "0"},
        origin=a,
    )
    assert status == 200
    assert caching_count(b) == 1
