"""The durable queue: a worker killed mid-delivery and started again, on PostgreSQL and SQLite.

The worker is the documented command (``manage.py webhooks_worker``, django-tasks-db's database
backend) in a subprocess, on the database this test uses; the receiver is a real HTTP server on
loopback.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from webhooks import services
from webhooks.models import Delivery, DeliveryStatus, Event

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_database(tmp_path):
    """The DATABASE_URL of the database this test and the worker process both use.

    On PostgreSQL, the test database. On SQLite the test database is in memory, which no other
    process can open: for this test the default connection is swapped for one to a file holding
    a copy of it (migrated schema and all), which the worker opens too. Both processes use the
    app's SQLite settings (IMMEDIATE transactions, WAL, a busy timeout), as under `make run`.
    """
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        user = db["USER"] or ""
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        yield f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        return
    assert connection.vendor == "sqlite", connection.vendor
    in_memory = connections[DEFAULT_DB_ALIAS]
    path = tmp_path / "shared.sqlite3"
    in_memory.ensure_connection()
    with closing(sqlite3.connect(path)) as file:
        in_memory.connection.backup(file)
    on_file = type(in_memory)({**in_memory.settings_dict, "NAME": str(path)}, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = on_file
    try:
        yield f"sqlite:///{path}"
    finally:
        on_file.close()
        connections[DEFAULT_DB_ALIAS] = in_memory


def start_worker(database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": "database",
        "CONN_MAX_AGE": "0",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "webhooks_worker", "--interval", "0.2", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        worker.send_signal(sig)
    worker.wait(timeout=30)


def emit_erasures(ids) -> None:
    with transaction.atomic():
        for candidate_id in ids:
            services.emit(Event.CANDIDATE_ERASED, {"candidate": {"id": candidate_id}})


def test_a_worker_killed_mid_delivery_loses_nothing_and_sends_nothing_twice(
    shared_database, receiver, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_endpoint(receiver.url)
    receiver.hold_nth = 3  # the third request hangs: the worker is killed while it waits
    emit_erasures(range(1, 6))
    assert Delivery.objects.pending().count() == 5

    worker = start_worker(shared_database)
    try:
        assert receiver.holding.wait(60), worker.stderr.read1().decode() if worker.poll() else ""
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        stop(worker)
    receiver.release.set()  # the held request now answers 500 to nobody
    wait_for(lambda: len(receiver.requests) == 3, "the held request to be answered")
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2
    held = Delivery.objects.get(uuid=receiver.requests[-1].delivery_id)
    assert held.status == DeliveryStatus.PENDING and held.attempts == 0  # rolled back

    # While no worker runs, events are still recorded and queued.
    emit_erasures(range(6, 8))

    worker = start_worker(shared_database)
    try:
        wait_for(lambda: not Delivery.objects.pending().exists(), "every delivery to be delivered")
    finally:
        stop(worker)

    uuids = sorted(str(u) for u in Delivery.objects.values_list("uuid", flat=True))
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 7
    assert sorted(receiver.accepted()) == uuids  # each answered 2xx exactly once
    assert all(r.verified for r in receiver.requests)
    held_requests = [r.answered for r in receiver.requests if r.delivery_id == str(held.uuid)]
    assert held_requests == [500, 200]
    assert len(receiver.requests) == 8
