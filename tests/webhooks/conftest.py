"""A real HTTP receiver on loopback that checks each delivery's signature, and endpoints."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.interviews.conftest import (  # noqa: F401  (fixtures)
    bank,
    candidate,
    draft,
    interviewer,
    level,
    live_interview,
    topics,
)
from webhooks.models import Endpoint, Event
from webhooks.receiver_example import InvalidWebhook, verify_webhook

SECRET = "receiver-secret-0123456789abcdef"


@dataclass
class Received:
    delivery_id: str
    event: str
    body: dict
    verified: bool
    answered: int


@dataclass
class Receiver:
    """Answers each POST with the next status of ``script`` (then ``default``), after checking
    its signature with the receiver's code from the README; records every request."""

    secret: str = SECRET
    script: list = field(default_factory=list)
    default: int = 200
    requests: list = field(default_factory=list)
    # Hold the n-th request (1-based) until released: the worker test kills the worker meanwhile.
    hold_nth: int = 0
    arrived: int = 0
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def accepted(self) -> list[str]:
        """Delivery ids answered 2xx, in order (a receiver's view of what it processed)."""
        return [r.delivery_id for r in self.requests if 200 <= r.answered < 300]

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        try:
            verify_webhook(self.secret, handler.headers, body)
            verified = True
        except InvalidWebhook:
            verified = False
        with self.lock:
            self.arrived += 1
            held = self.arrived == self.hold_nth
        if held:
            self.holding.set()
            self.release.wait(30)
            status = 500  # the sender was killed meanwhile: this one was never acknowledged
        else:
            with self.lock:
                status = self.script.pop(0) if self.script else self.default
            if not verified:
                status = 401
        with self.lock:
            self.requests.append(
                Received(
                    delivery_id=handler.headers.get("X-InterviewKit-Delivery", ""),
                    event=handler.headers.get("X-InterviewKit-Event", ""),
                    body=json.loads(body or b"{}"),
                    verified=verified,
                    answered=status,
                )
            )
        payload = b'{"ok": true}' if status < 300 else b"receiver says no"
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


def serve(receiver: Receiver, port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            receiver.handle(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    receiver.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = serve(receiver)
    yield receiver
    receiver.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run inline (the SQLite way), whatever the database: tests drive time themselves."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_endpoint(url: str, events=None, **fields) -> Endpoint:
    return Endpoint.objects.create(
        name=fields.pop("name", "ATS"),
        url=url,
        secret=fields.pop("secret", SECRET),
        events=events if events is not None else list(Event.values),
        **fields,
    )
