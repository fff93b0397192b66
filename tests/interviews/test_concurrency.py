"""Concurrent writers through a real server: 8 threads saving notes and time on a live
interview, as several tabs and the timer's beacons do. No 5xx, no lost update, on SQLite (the
`make run` default: a file database, runserver's threads) and on PostgreSQL.

The server runs in a subprocess against a database of its own (a temporary SQLite file, or a
fresh PostgreSQL database next to the test database when DATABASE_URL names one).
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
THREADS = 8
ROUNDS = 12
CSRF = "c" * 32  # a well-formed token: the cookie and the header agree

SETUP = """
import json
from django.test import Client
from interviews import services
from questionbank.models import Level, Question, Topic
from tests.factories import UserFactory
user = UserFactory(username="writer", groups=["Interviewers"])
level = Level.objects.create(name="Engineer", slug="engineer", rank=3)
topic = Topic.objects.create(name="RAG", slug="rag", position=1)
candidate = services.candidate_create(name="Cam", level=level, created_by=user)
interview = services.interview_create(
    interviewer=user, candidate=candidate, level=level, planned_minutes=45
)
for i in range(%(threads)d + 1):
    question = Question.objects.create(text=f"Question number {i}?", estimated_minutes=5)
    question.levels.add(level)
    question.topics.add(topic)
    services.interview_add_question(interview=interview, question=question)
services.interview_start(interview=interview)
client = Client()
client.force_login(user)
print(json.dumps({
    "session": client.cookies["sessionid"].value,
    "interview": interview.pk,
    "items": list(interview.items.order_by("position").values_list("pk", flat=True)),
}))
"""

RESULT = """
import json
from interviews.models import InterviewQuestion
print(json.dumps({str(i.pk): [i.notes, i.notes_version, i.seconds_spent]
                  for i in InterviewQuestion.objects.all()}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_database(tmp_path):
    """A database URL for the server: its own PostgreSQL database, or a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'threads.sqlite3'}"
        return
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_threads"
    admin = {
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        **kwargs,
    )


@pytest.fixture
def server(server_database):
    env = {**os.environ, "DATABASE_URL": server_database, "DEBUG": "true", "LOG_LEVEL": "ERROR"}
    # runserver starts a thread per request, so a persistent connection (CONN_MAX_AGE, 60 s by
    # default) outlives its request: 120 requests could hold 120 PostgreSQL connections, past
    # max_connections ("too many clients already", a 500). Django's advice: none in runserver.
    env["CONN_MAX_AGE"] = "0"
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    _manage(env, "migrate", "--noinput", "-v0")
    data = json.loads(
        _manage(env, "shell", "-c", SETUP % {"threads": THREADS}).stdout.splitlines()[-1]
    )
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the server did not start: " + process.stderr.read())
    try:
        yield {
            **data,
            "base": f"http://127.0.0.1:{port}",
            "result": lambda: json.loads(
                _manage(env, "shell", "-c", RESULT).stdout.splitlines()[-1]
            ),
        }
    finally:
        process.terminate()
        process.wait(timeout=10)


def _post(server, path: str, fields: dict) -> int:
    request = urllib.request.Request(
        server["base"] + path,
        data=urllib.parse.urlencode(fields).encode(),
        headers={
            "Cookie": f"sessionid={server['session']}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db
def test_eight_threads_writing_notes_and_time_get_no_error_and_lose_nothing(server):
    interview = server["interview"]
    shared, *own = server["items"]
    statuses: list[int] = []
    lock = threading.Lock()

    def writer(n: int):
        item = own[n]
        for round_ in range(ROUNDS):
            codes = [
                _post(
                    server,
                    f"/interviews/{interview}/items/{item}/notes/",
                    {"notes": f"thread {n} round {round_}", "version": str(round_)},
                ),
                _post(server, f"/interviews/{interview}/items/{shared}/time/", {"seconds": "1"}),
                _post(server, f"/interviews/{interview}/items/{item}/time/", {"seconds": "2"}),
            ]
            with lock:
                statuses.extend(codes)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(statuses) == THREADS * ROUNDS * 3
    assert [s for s in statuses if s >= 500] == []
    assert sorted(set(statuses)) == [200, 204]
    result = server["result"]()
    assert result[str(shared)][2] == THREADS * ROUNDS  # every second counted
    for n, item in enumerate(own):
        notes, version, seconds = result[str(item)]
        assert (notes, version, seconds) == (f"thread {n} round {ROUNDS - 1}", ROUNDS, 2 * ROUNDS)
