"""Live interviews under load: `make bench-scale` runs this headless, bounded, on loopback.

Each simulated interviewer runs one live interview (their session prepared by the bench, in
IK_LOGINS): types notes that autosave every few seconds, scores the question in focus, moves to
the next one, and now and then reloads the live page; at the last question they submit.
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

LOGINS = json.loads(open(os.environ["IK_LOGINS"]).read())  # noqa: SIM115
_next = itertools.count(int(os.environ.get("IK_OFFSET", "0")))


class Interviewer(HttpUser):
    wait_time = between(4, 6)  # autosave every few seconds

    def on_start(self):
        login = LOGINS[next(_next) % len(LOGINS)]
        self.interviews = list(login["interviews"])
        self.start_interview()
        self.version = {}
        self.client.headers.update(
            {"Cookie": login["cookie"], "X-CSRFToken": login["csrf"], "Accept-Encoding": "gzip"}
        )

    def start_interview(self):
        self.interview, self.items = self.interviews.pop(0)
        self.position = random.randrange(len(self.items))
        self.moves = 0
        self.open_live_page()

    def open_live_page(self):
        # Not following redirects: a refused session (sent to the login page) is a failure,
        # not a quick 200 of the login page.
        with self.client.get(
            f"/interviews/{self.interview}/live/",
            name="live page",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"the live page answered {response.status_code}")

    @property
    def item(self):
        return self.items[self.position % len(self.items)]

    @task(6)
    def autosave(self):
        version = self.version.get(self.item, 0)
        response = self.client.post(
            f"/interviews/{self.interview}/items/{self.item}/notes/",
            {"notes": f"typed {random.random()}", "version": version},
            headers={"HX-Request": "true"},
            name="notes autosave",
        )
        if response.status_code == 200:
            self.version[self.item] = version + 1

    @task(2)
    def score(self):
        self.client.post(
            f"/interviews/{self.interview}/items/{self.item}/score/",
            {"score": random.randint(1, 4)},
            headers={"HX-Request": "true"},
            name="score",
        )

    @task(2)
    def next_question(self):
        self.position += 1
        self.moves += 1
        if self.moves == len(self.items) and self.interviews:
            self.client.post(
                f"/interviews/{self.interview}/submit/",
                {"recommendation": "hire", "summary": "Load test.", "allow_unscored": "on"},
                headers={"HX-Request": "true"},
                name="submit",
            )
            self.start_interview()
            return
        self.client.get(
            f"/interviews/{self.interview}/live/?q={self.position % len(self.items) + 1}",
            headers={"HX-Request": "true", "HX-Target": "focus"},
            name="move to a question (htmx)",
        )

    @task(1)
    def reload(self):
        self.open_live_page()
