"""The scale mode of `make bench` (`make bench-scale`): the hot pages at 312 and at 100,000.

Builds, in the bench database, the real bank (312 questions), measures every page and operation
of issue 14, then grows the bank to 100,000 questions spread over the real levels, topics, kinds
and difficulties (distinct texts made from LLM-interview vocabulary), adds 5,000 submitted
interviews with 50,000 scored questions, and measures again. Then, against gunicorn (4 workers,
DEBUG off) on a free loopback port: throughput of the hot pages as a ratio of a one-query
template page served the same way, and a locust load test of live interviews.

Figures, not pass/fail: the query-count rules are asserted in tests.
"""

import gzip
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
SCALE_QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "100000"))
SCALE_INTERVIEWS = int(os.environ.get("BENCH_INTERVIEWS", "5000"))
ITEMS_PER_INTERVIEW = 10
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
RAMP = 20  # seconds over which the load test's interviewers connect
SEARCH = "speculative decoding"
ADMIN_SEARCH = "attention"
DUPLICATE_TEXT = "How does speculative decoding reduce the latency of LLM inference?"

# label -> (goal at 100k, p95 ms or None, the page's goal on HTML size in KB or None)
GOALS = {
    "auto-compose, 60 minutes": ("p95 < 200 ms", 200),
    "admin: add a question (likely-duplicate check)": ("p95 < 100 ms", 100),
    "likely-duplicate check alone": ("(inside the admin add)", None),
    "admin question list, no search": ("p95 < 200 ms", 200),
    "admin question list, with search": ("p95 < 200 ms", 200),
    "/bank/ text search": ("p95 < 60 ms", 60),
    "composer bank-panel search": ("p95 < 60 ms", 60),
    "composer full page": ("p95 < 120 ms, HTML < 40 KB", 120),
    "live page": ("", None),
    "score POST (htmx)": ("<= 5 queries", None),
    "notes autosave (htmx)": ("", None),
    "scorecard": ("", None),
    "dashboard": ("", None),
}


# --- Measuring --------------------------------------------------------------------------------


def percentile(values, q):
    values = sorted(values)
    if len(values) == 1:
        return values[0]
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure(fn, repeat=REPEAT, warm=1):
    for _ in range(warm):
        fn()
    times, queries, result = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    size = gz = None
    content = getattr(result, "content", None)
    if content is not None:
        size, gz = len(content), len(gzip.compress(content))
        if result.get("Content-Encoding") == "gzip":
            gz, size = size, len(gzip.decompress(content))
    status = getattr(result, "status_code", "")
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "queries": queries,
        "kb": size / 1024 if size else None,
        "gz_kb": gz / 1024 if gz else None,
        "status": status,
    }


# --- The bank at scale ------------------------------------------------------------------------

SUBJECTS = [
    "speculative decoding",
    "KV cache",
    "rotary position embeddings",
    "grouped-query attention",
    "flash attention",
    "mixture of experts routing",
    "LoRA adapters",
    "QLoRA",
    "direct preference optimization",
    "RLHF reward models",
    "byte-pair encoding",
    "SentencePiece tokenization",
    "embedding drift",
    "vector index recall",
    "hybrid retrieval",
    "cross-encoder reranking",
    "chunking strategy",
    "context window extension",
    "sliding window attention",
    "beam search",
    "nucleus sampling",
    "temperature scaling",
    "perplexity",
    "BLEU and ROUGE",
    "LLM-as-a-judge evaluation",
    "hallucination detection",
    "prompt injection defenses",
    "jailbreak resistance",
    "PII redaction",
    "data deduplication",
    "curriculum learning",
    "learning rate warmup",
    "gradient checkpointing",
    "ZeRO sharding",
    "tensor parallelism",
    "pipeline parallelism",
    "activation quantization",
    "4-bit weight quantization",
    "knowledge distillation",
    "structured pruning",
    "continuous batching",
    "paged attention",
    "prefix caching",
    "model routing",
    "guardrails",
    "tool calling",
    "function schemas",
    "agent memory",
    "planning loops",
    "multimodal projectors",
    "vision encoders",
    "audio tokenizers",
    "instruction tuning datasets",
    "synthetic data generation",
    "contamination checks",
    "reward hacking",
    "constitutional AI",
    "chain-of-thought prompting",
    "self-consistency decoding",
    "tree-of-thought search",
    "retrieval-augmented generation",
    "semantic caching",
    "embedding model choice",
    "layer normalization",
    "residual connections",
    "softmax temperature",
    "attention sinks",
    "long-context recall",
    "positional interpolation",
    "canary deployments",
    "A/B testing of prompts",
    "latency budgets",
    "GPU memory planning",
    "autoscaling inference servers",
    "token streaming",
    "rate limiting",
    "cost per token",
    "observability traces",
    "drift monitoring",
    "feedback loops",
    "annotation guidelines",
    "inter-annotator agreement",
    "safety red-teaming",
    "bias audits",
    "model cards",
    "license compliance",
    "multilingual transfer",
    "code generation benchmarks",
    "unit-test generation",
    "SQL generation",
    "entity extraction",
    "summarization faithfulness",
    "dialogue state tracking",
]
ACTIONS = [
    "How would you evaluate",
    "How would you debug",
    "How would you explain",
    "What are the trade-offs of",
    "How would you reduce the cost of",
    "How would you monitor",
    "How would you scale",
    "Walk me through",
    "What failure modes do you expect from",
    "How would you test",
    "How would you tune",
    "How would you secure",
    "What metrics would you track for",
    "How would you roll out",
    "How would you benchmark",
    "How would you design",
    "Compare two approaches to",
    "When would you avoid",
    "How would you explain to a product manager",
    "What would you change first in",
    "How would you measure the impact of",
    "How would you profile",
]
CONTEXTS = [
    "a customer-support assistant",
    "a code-completion product",
    "a legal document search tool",
    "a medical triage chatbot",
    "an on-device keyboard model",
    "a multilingual translation service",
    "a retrieval system over ten million documents",
    "a low-latency voice agent",
    "a batch summarization pipeline",
    "an internal analytics copilot",
    "a regulated banking workflow",
    "a research prototype",
    "a startup with one GPU",
    "a team of fifty annotators",
    "an open-weights model release",
    "a model serving one billion tokens a day",
    "a 70B model on eight GPUs",
    "a 7B model on a laptop",
    "a spreadsheet assistant",
    "an e-commerce search engine",
]
CONSTRAINTS = [
    "under a strict latency budget",
    "with a fixed monthly budget",
    "when the data is noisy",
    "after a model upgrade",
    "with limited labelled data",
    "when users speak many languages",
    "under privacy regulations",
    "with a small on-call team",
    "when traffic doubles overnight",
    "without access to model weights",
    "when the context is very long",
    "in the first week of launch",
    "with adversarial users",
    "when the evaluation set leaks",
    "with streaming responses",
    "for a hard real-time deadline",
]
KIND_WEIGHTS = (
    ("conceptual", 62),
    ("coding", 10),
    ("system_design", 10),
    ("scenario", 10),
    ("behavioral", 8),
)
MINUTES = {
    "conceptual": (3, 4, 5, 6, 7, 8),
    "coding": (15, 20, 25, 30),
    "system_design": (20, 25, 30),
    "scenario": (8, 10, 12),
    "behavioral": (6, 8, 10),
}
BEHAVIORAL_TEXTS = [
    "Tell me about a time you",
    "Describe a situation where you",
    "Give an example of when you",
]
BEHAVIORAL_DEEDS = [
    "shipped an LLM feature under pressure",
    "disagreed with a research lead",
    "recovered from a failed launch",
    "had to cut scope on a model project",
    "mentored a junior engineer",
    "changed your mind after an evaluation",
    "handled a privacy incident",
    "pushed back on an unrealistic deadline",
    "explained a model failure to executives",
    "worked with annotators on unclear guidelines",
    "made a call with incomplete data",
    "owned a production outage",
]


def scale_texts(count: int, seed: int = 14):
    """``count`` distinct question texts (kind, text): realistic wording, seeded."""
    rng = random.Random(seed)
    kinds = [k for k, w in KIND_WEIGHTS for _ in range(w)]
    seen = set()
    while len(seen) < count:
        kind = rng.choice(kinds)
        if kind == "behavioral":
            text = (
                f"{rng.choice(BEHAVIORAL_TEXTS)} {rng.choice(BEHAVIORAL_DEEDS)} "
                f"while working on {rng.choice(SUBJECTS)} for {rng.choice(CONTEXTS)}."
            )
        elif kind == "coding":
            text = (
                f"Implement {rng.choice(SUBJECTS)} for {rng.choice(CONTEXTS)} "
                f"{rng.choice(CONSTRAINTS)}, and explain its complexity."
            )
        elif kind == "system_design":
            text = (
                f"Design a system that uses {rng.choice(SUBJECTS)} for {rng.choice(CONTEXTS)} "
                f"{rng.choice(CONSTRAINTS)}."
            )
        else:
            text = (
                f"{rng.choice(ACTIONS)} {rng.choice(SUBJECTS)} in {rng.choice(CONTEXTS)} "
                f"{rng.choice(CONSTRAINTS)}?"
            )
        key = " ".join(text.split()).casefold()
        if key not in seen:
            seen.add(key)
            yield kind, text


def grow_bank(target: int, *, log=print):
    """Grow the real bank to ``target`` questions with realistic guidance (the real bank's,
    cycled), over the real levels, topics (behavioral ones for behavioral questions),
    difficulties and kinds."""
    from questionbank.models import Level, Question, Topic

    existing = Question.objects.count()
    if existing >= target:
        return
    rng = random.Random(1414)
    templates = list(
        Question.objects.values(
            "guidance",
            "follow_ups",
            "red_flags",
            "anchor_poor",
            "anchor_mixed",
            "anchor_good",
            "anchor_excellent",
        )
    )
    levels = list(Level.objects.values_list("pk", flat=True))
    topics = list(Topic.objects.values_list("pk", "slug"))
    behavioral = [pk for pk, slug in topics if "behavio" in slug]
    others = [pk for pk, slug in topics if "behavio" not in slug]
    line = 100_000
    batch_size = 5000
    texts = scale_texts(target - existing)
    Through_l, Through_t = Question.levels.through, Question.topics.through
    made = 0
    while True:
        chunk = list(itertools.islice(texts, batch_size))
        if not chunk:
            break
        rows = []
        for kind, text in chunk:
            line += 1
            rows.append(
                Question(
                    text=text,
                    kind=kind,
                    difficulty=rng.randint(1, 5),
                    estimated_minutes=rng.choice(MINUTES[kind]),
                    source="bench scale",
                    source_line=line,
                    **rng.choice(templates),
                )
            )
        with transaction.atomic():
            created = Question.objects.bulk_create(rows)
            level_rows, topic_rows = [], []
            for q in created:
                chosen = levels if rng.random() < 0.25 else [rng.choice(levels)]
                level_rows += [Through_l(question_id=q.pk, level_id=lv) for lv in chosen]
                pool = behavioral if q.kind == "behavioral" and behavioral else others
                topic_rows.append(Through_t(question_id=q.pk, topic_id=rng.choice(pool)))
                if rng.random() < 0.08:
                    extra = rng.choice(others)
                    if extra != topic_rows[-1].topic_id:
                        topic_rows.append(Through_t(question_id=q.pk, topic_id=extra))
            Through_l.objects.bulk_create(level_rows)
            Through_t.objects.bulk_create(topic_rows)
        made += len(created)
        if made % 20000 < batch_size:
            log(f"  ... {existing + made} questions")


def add_history(interviews: int, *, users, log=print):
    """``interviews`` submitted interviews with ``ITEMS_PER_INTERVIEW`` scored questions each."""
    from django.utils import timezone

    from interviews.models import Candidate, Interview, InterviewQuestion, InterviewStatus
    from questionbank.models import Level, Question, rubrics_by_kind

    rng = random.Random(5000)
    levels = list(Level.objects.all())
    rubrics = rubrics_by_kind()
    pool = list(
        Question.objects.prefetch_related("topics").order_by("?")[: ITEMS_PER_INTERVIEW * 400]
    )
    now = timezone.now()
    candidates = Candidate.objects.bulk_create(
        Candidate(
            name=f"Scale candidate {i}",
            email=f"scale{i}@example.com",
            level=levels[i % len(levels)],
            created_by=users[i % len(users)],
        )
        for i in range(interviews // 2)
    )
    snapshots = {q.pk: InterviewQuestion.snapshot_of(q, rubrics) for q in pool}
    for start in range(0, interviews, 1000):
        with transaction.atomic():
            made = Interview.objects.bulk_create(
                Interview(
                    candidate=candidates[i % len(candidates)],
                    interviewer=users[i % len(users)],
                    level=candidates[i % len(candidates)].level,
                    title=f"Scale interview {i}",
                    planned_minutes=60,
                    status=InterviewStatus.SUBMITTED,
                    started_at=now - timedelta(days=i % 365, hours=1),
                    submitted_at=now - timedelta(days=i % 365),
                    recommendation=rng.choice(["hire", "no_hire", "strong_hire"]),
                    summary="Bench history.",
                )
                for i in range(start, min(start + 1000, interviews))
            )
            items = []
            for interview in made:
                for position, q in enumerate(rng.sample(pool, ITEMS_PER_INTERVIEW), start=1):
                    items.append(
                        InterviewQuestion(
                            interview=interview,
                            position=position,
                            score=rng.randint(1, 4),
                            notes="Scored at scale.",
                            **snapshots[q.pk],
                        )
                    )
            InterviewQuestion.objects.bulk_create(items, batch_size=2000)
    log(f"  ... {interviews} submitted interviews, {interviews * ITEMS_PER_INTERVIEW} scored items")


# --- The figures ------------------------------------------------------------------------------


class Scene:
    """What the figures run against: a user, a draft with 40 questions, a live interview."""

    def __init__(self, user):
        from interviews import services
        from questionbank.models import Level, Question

        self.user = user
        self.client = Client()
        self.client.force_login(user)
        self.engineer = Level.objects.get(slug="engineer")

        def candidate(n):
            return services.candidate_create(
                name=f"Scale Candidate {n}", level=self.engineer, created_by=user
            )

        self.draft = services.interview_create(
            interviewer=user, candidate=candidate(1), level=self.engineer, planned_minutes=240
        )
        chosen = list(Question.objects.active().for_level(self.engineer).order_by("id")[:40])
        for question in chosen:
            services.interview_add_question(interview=self.draft, question=question)
        self.auto = services.interview_create(
            interviewer=user, candidate=candidate(2), level=self.engineer, planned_minutes=60
        )
        self.live = services.interview_create(
            interviewer=user, candidate=candidate(3), level=self.engineer, planned_minutes=60
        )
        for question in chosen[:10]:
            services.interview_add_question(interview=self.live, question=question)
        services.interview_start(interview=self.live)
        self.item = self.live.items.order_by("position").first()
        self.scorecard = services.interview_create(
            interviewer=user, candidate=candidate(4), level=self.engineer, planned_minutes=60
        )
        for question in chosen[:10]:
            services.interview_add_question(interview=self.scorecard, question=question)
        services.interview_start(interview=self.scorecard)
        services.interview_submit(
            interview=self.scorecard, recommendation="hire", summary="bench", allow_unscored=True
        )
        self.notes_version = 0

    def autocompose_data(self):
        from interviews.views.compose_page import autocompose_form

        form = autocompose_form(self.auto, item_count=1)
        return {
            "topics": form.fields["topics"].initial,
            "seed": 7,
            "kinds": form.fields["kinds"].initial,
            "kinds_shown": "1",
            "replace": "on",
        }

    def figures(self) -> dict:
        from questionbank.similarity import similar_questions

        c, htmx = self.client, {"HX-Request": "true"}
        compose_url = f"/interviews/{self.draft.pk}/compose/"
        auto_url = f"/interviews/{self.auto.pk}/compose/auto/"
        auto_data = self.autocompose_data()
        live_url = f"/interviews/{self.live.pk}/live/"
        item_url = f"/interviews/{self.live.pk}/items/{self.item.pk}"
        scores = itertools.cycle(["1", "2", "3", "4"])

        def add_question():
            return c.post(
                "/admin/questionbank/question/add/",
                {
                    "text": DUPLICATE_TEXT,
                    "kind": "conceptual",
                    "difficulty": "3",
                    "status": "active",
                    "estimated_minutes": "5",
                    "levels": [self.engineer.pk],
                    "topics": [],
                },
            )

        def autosave():
            response = c.post(
                f"{item_url}/notes/",
                {"notes": f"note {time.perf_counter()}", "version": self.notes_version},
                headers=htmx,
            )
            self.notes_version += 1
            return response

        runs = {
            "auto-compose, 60 minutes": lambda: c.post(auto_url, auto_data, headers=htmx),
            "admin: add a question (likely-duplicate check)": add_question,
            "likely-duplicate check alone": lambda: similar_questions(DUPLICATE_TEXT),
            "admin question list, no search": lambda: c.get("/admin/questionbank/question/"),
            "admin question list, with search": lambda: c.get(
                f"/admin/questionbank/question/?q={ADMIN_SEARCH}"
            ),
            "/bank/ text search": lambda: c.get(f"/bank/?q={SEARCH.replace(' ', '+')}"),
            "composer bank-panel search": lambda: c.get(
                f"{compose_url}?level=engineer&q={SEARCH.replace(' ', '+')}",
                headers={**htmx, "HX-Target": "bank-results"},
            ),
            "composer full page": lambda: c.get(f"{compose_url}?level=engineer"),
            "live page": lambda: c.get(live_url),
            "score POST (htmx)": lambda: c.post(
                f"{item_url}/score/", {"score": next(scores)}, headers=htmx
            ),
            "notes autosave (htmx)": autosave,
            "scorecard": lambda: c.get(f"/interviews/{self.scorecard.pk}/"),
            "dashboard": lambda: c.get("/"),
        }
        out = {}
        for label, fn in runs.items():
            repeat = 5 if label.startswith("auto-compose") else REPEAT
            out[label] = measure(fn, repeat=repeat)
        return out


def _cell(m):
    return f"{m['p50']:6.1f}/{m['p95']:6.1f} q{m['queries']:<3}"


def _cell_sized(m):
    return f"{_cell(m)} {m['kb']:.0f}KB/{m['gz_kb']:.0f}gz"


def print_figures(small: dict, large: dict, n_small: int, n_large: int, out=print):
    out(f"\nScale figures (p50 / p95 ms, queries; {REPEAT} runs each, test client, in-process)\n")
    head = f"{'operation':<48} {'at ' + str(n_small):>20} {'at ' + str(n_large):>24}  goal at scale"
    out(head)
    out("-" * len(head))
    for label, (goal, _ms) in GOALS.items():
        a, b = small.get(label), large.get(label)
        if not a or not b:
            continue

        sized = label.startswith("composer full")
        cell = _cell_sized if sized else _cell

        status = "" if b["status"] in (200, 204, "") else f" (status {b['status']})"
        out(f"{label:<48} {cell(a):>20} {cell(b):>24}  {goal}{status}")


# --- Under load: gunicorn, ratios to a floor page, locust -------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with 4 workers, DEBUG off, on a free loopback port, against the bench DB."""

    collected = False

    def __init__(self, workers=4):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DEBUG": "false",
            # The bench process's key: the sessions it made for the load must verify here.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_COOKIES": "false",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
        }
        if not Server.collected:  # DEBUG off serves hashed, compressed static files
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
            Server.collected = True
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (open while gunicorn runs)
            prefix="ik-gunicorn-", suffix=".log", delete=False
        )
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/bench/floor/", timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log.name}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def throughput(port, path, *, cookies, method="GET", body=None, headers=None, seconds=6, conc=8):
    """Requests per second with ``conc`` keep-alive clients for ``seconds`` (errors counted)."""
    done, errors, stop = [0], [0], time.time() + seconds
    lock = threading.Lock()
    base = {"Cookie": cookies, **(headers or {})}
    if body is not None:
        base["Content-Type"] = "application/x-www-form-urlencoded"

    def worker(n):
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        ok = bad = 0
        while time.time() < stop:
            try:
                payload = body(n) if callable(body) else body
                conn.request(method, path, body=payload, headers=base)
                response = conn.getresponse()
                response.read()
                if 200 <= response.status < 300:
                    ok += 1
                else:
                    bad += 1
            except OSError:
                bad += 1
                conn.close()
                conn = HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            done[0] += ok
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / seconds, errors[0]


def session_cookies(user) -> tuple[str, str]:
    """A logged-in session for ``user`` without the password hash's cost: (Cookie, CSRF)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string

    # The backend a password login records: one of the configured ones, or the session is
    # refused and every request of the load lands on the login page (Django's own
    # ModelBackend is no longer configured since the roles work).
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if isinstance(load_backend(path), ModelBackend)
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    csrf = _get_new_csrf_string()
    return f"sessionid={store.session_key}; csrftoken={csrf}", csrf


def load_ratios(scene, out=print) -> dict:
    """Throughput of the hot pages over the floor page's, one gunicorn, the same clients."""
    cookies, csrf = session_cookies(scene.user)
    item_path = f"/interviews/{scene.live.pk}/items/{scene.item.pk}/score/"
    hx = {"HX-Request": "true", "X-CSRFToken": csrf}
    server = Server()
    pages = {
        "floor: one-query template page": ("/bench/floor/", "GET", None, None, None),
        "dashboard": ("/", "GET", None, None, "40%"),
        "live page": (f"/interviews/{scene.live.pk}/live/", "GET", None, None, "40%"),
        "scorecard": (f"/interviews/{scene.scorecard.pk}/", "GET", None, None, "40%"),
        "score POST (htmx)": (
            item_path,
            "POST",
            lambda n: f"score={n % 4 + 1}",
            hx,
            "40%",
        ),
        "composer full page": (
            f"/interviews/{scene.draft.pk}/compose/?level=engineer",
            "GET",
            None,
            {"Accept-Encoding": "gzip"},
            "20%",
        ),
    }
    results = {}
    try:
        throughput(server.port, "/bench/floor/", cookies=cookies, seconds=2)  # warm up
        for label, (path, method, body, headers, goal) in pages.items():
            rps, errors = throughput(
                server.port, path, cookies=cookies, method=method, body=body, headers=headers
            )
            results[label] = (rps, errors, goal)
    finally:
        server.stop()
    floor = results["floor: one-query template page"][0] or 1
    out("\nUnder load (gunicorn 4 workers, DEBUG off, 8 keep-alive clients, 6 s per page)\n")
    out(f"{'page':<34} {'req/s':>7} {'of floor':>9} {'errors':>7}  goal")
    for label, (rps, errors, goal) in results.items():
        out(f"{label:<34} {rps:7.0f} {rps / floor:9.0%} {errors:7d}  {goal or ''}")
    return results


def prepare_live_interviews(count: int, *, per_user: int = 3, log=print) -> Path:
    """``count`` interviewers, each with ``per_user`` live interviews of 8 questions and a
    session: the locust users' logins, written to a JSON file."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from interviews.models import Candidate, Interview, InterviewQuestion, InterviewStatus
    from questionbank.models import Level, Question, rubrics_by_kind

    User = get_user_model()
    group = Group.objects.get(name="Interviewers")
    template = User(username="x")
    template.set_password("bench-load-password")
    run = int(time.time())
    users = User.objects.bulk_create(
        User(username=f"load{run}-{i}", password=template.password) for i in range(count)
    )
    group.user_set.add(*users)
    engineer = Level.objects.get(slug="engineer")
    rubrics = rubrics_by_kind()
    questions = list(
        Question.objects.active().for_level(engineer).prefetch_related("topics").order_by("id")[:8]
    )
    snaps = [InterviewQuestion.snapshot_of(q, rubrics) for q in questions]
    now = timezone.now()
    candidates = Candidate.objects.bulk_create(
        Candidate(name=f"Load candidate {i}", level=engineer) for i in range(count * per_user)
    )
    owners = [user for user in users for _ in range(per_user)]
    interviews = Interview.objects.bulk_create(
        Interview(
            candidate=cand,
            interviewer=user,
            level=engineer,
            title=f"Load interview {i}",
            planned_minutes=60,
            status=InterviewStatus.LIVE,
            started_at=now,
        )
        for i, (cand, user) in enumerate(zip(candidates, owners, strict=True))
    )
    InterviewQuestion.objects.bulk_create(
        [
            InterviewQuestion(interview=iv, position=p, **snap)
            for iv in interviews
            for p, snap in enumerate(snaps, start=1)
        ],
        batch_size=5000,
    )
    items = {}
    for iv_id, pk in InterviewQuestion.objects.filter(interview__in=interviews).values_list(
        "interview_id", "pk"
    ):
        items.setdefault(iv_id, []).append(pk)
    logins = []
    for n, user in enumerate(users):
        cookie, csrf = session_cookies(user)
        mine = interviews[n * per_user : (n + 1) * per_user]
        logins.append(
            {
                "cookie": cookie,
                "csrf": csrf,
                "interviews": [[iv.pk, sorted(items[iv.pk])] for iv in mine],
            }
        )
    path = Path(tempfile.mkdtemp(prefix="ik-locust-")) / "logins.json"
    path.write_text(json.dumps(logins))
    log(f"  ... {count} live interviews with their interviewers' sessions")
    return path


def run_locust(
    users: int, logins: Path, *, seconds: int, offset: int = 0, workers: int = 4
) -> dict:
    """One bounded headless locust run against a fresh gunicorn: p50/p95 and failures. The
    run's interviewers are the logins from ``offset`` on: each step has interviews of its own
    (a step reusing another's would start from notes versions it never saw)."""
    server = Server(workers=workers)
    prefix = Path(tempfile.mkdtemp(prefix="ik-locust-")) / "run"
    env = {**os.environ, "IK_LOGINS": str(logins), "IK_OFFSET": str(offset)}
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(users),
                # Interviewers arrive over RAMP seconds (not all in the same second), and the
                # figures cover the ``seconds`` that follow, all of them connected.
                "-r",
                str(max(1, users // RAMP)),
                "-t",
                f"{seconds + RAMP}s",
                "--reset-stats",
                "--host",
                server.url,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "5",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            timeout=seconds + RAMP + 60,
            check=False,
            capture_output=True,
        )
    finally:
        server.stop()
    import csv

    with open(f"{prefix}_stats.csv") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "users": users,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "rows": [
            (r["Type"], r["Name"], int(r["Request Count"]), float(r["95%"]))
            for r in rows
            if r["Name"] != "Aggregated"
        ],
    }


def load_test(out=print, *, levels=None, seconds=None):
    """Live interviews under locust: the most concurrent ones with p95 < 300 ms, no error."""
    levels = levels or [
        int(n) for n in os.environ.get("BENCH_LOAD_USERS", "200,300,400,600,800").split(",")
    ]
    seconds = seconds or int(os.environ.get("BENCH_LOAD_SECONDS", "45"))
    logins = prepare_live_interviews(sum(levels), log=out)
    out(
        f"\nLive interviews under locust ({seconds} s per step after a {RAMP} s ramp, gunicorn 4 "
        "workers, loopback; "
        "each interviewer autosaves notes every 5 s, scores, moves on, opens the page)\n"
    )
    out(
        f"{'interviews':>10} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>7}"
    )
    held, offset = 0, 0
    for users in levels:
        r = run_locust(users, logins, seconds=seconds, offset=offset)
        offset += users
        out(
            f"{users:>10} {r['requests']:>9} {r['rps']:>7.0f} {r['p50']:>7.0f} {r['p95']:>7.0f} "
            f"{r['failures']:>7}"
        )
        if r["p95"] < 300 and r["failures"] == 0:
            held = users
        else:
            break
    out(f"\nOne machine holds {held} concurrent live interviews with p95 < 300 ms and no error ")
    out("(goal: at least 600).")
    return held


def main(out=print):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from questionbank.models import Question
    from tests.factories import UserFactory

    started = time.time()
    out(f"Scale bench on {connection.vendor}; load average {os.getloadavg()[0]:.1f}")
    call_command("load_bank", verbosity=0)
    user = UserFactory(username="bench", groups=["Interviewers"])
    user.is_staff = user.is_superuser = True
    user.save()
    Group.objects.get(name="Interviewers")
    scene = Scene(user)
    n_small = Question.objects.count()
    out(f"Figures at {n_small} questions ...")
    small = scene.figures()
    out(f"Growing the bank to {SCALE_QUESTIONS} questions and {SCALE_INTERVIEWS} interviews ...")
    grow_bank(SCALE_QUESTIONS, log=out)
    users = [UserFactory(username=f"scale{i}", groups=["Interviewers"]) for i in range(20)]
    add_history(SCALE_INTERVIEWS, users=users, log=out)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
    n_large = Question.objects.count()
    out(f"Figures at {n_large} questions ...")
    large = scene.figures()
    print_figures(small, large, n_small, n_large, out=out)
    ratios, held = {}, None
    if os.environ.get("BENCH_LOAD", "1") != "0":
        ratios = load_ratios(scene, out=out)
        held = load_test(out=out)
    closing_note(large, ratios, held, out=out)
    out(f"\n(load average at the end {os.getloadavg()[0]:.1f}; {time.time() - started:.0f} s)")


def closing_note(large: dict, ratios: dict, held, out=print):
    """Each goal of issue 14 at scale, met or not, in one list."""
    rows = []
    for label, (goal, ms) in GOALS.items():
        m = large.get(label)
        if m and ms is not None:
            rows.append((f"{label}: p95 {m['p95']:.0f} ms", goal, m["p95"] < ms))
    page = large.get("composer full page")
    if page and page["kb"] is not None:
        rows.append((f"composer HTML: {page['kb']:.0f} KB", "< 40 KB", page["kb"] < 40))
    score = large.get("score POST (htmx)")
    if score:
        rows.append((f"score POST: {score['queries']} queries", "<= 5", score["queries"] <= 5))
    if ratios:
        floor = ratios["floor: one-query template page"][0] or 1
        for label, (rps, errors, goal) in ratios.items():
            if goal:
                share = rps / floor
                rows.append(
                    (
                        f"{label} under load: {share:.0%} of the floor",
                        f">= {goal}",
                        share >= int(goal.rstrip("%")) / 100 and not errors,
                    )
                )
    if held is not None:
        rows.append((f"live interviews held: {held}", ">= 600", held >= 600))
    met = sum(ok for *_, ok in rows)
    out(f"\nClosing note: {met} of {len(rows)} goals met at 100,000 questions.")
    for text, goal, ok in rows:
        out(f"  [{'met' if ok else 'NOT met'}] {text} (goal {goal})")
