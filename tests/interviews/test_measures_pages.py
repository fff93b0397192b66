"""The measures pages as their readers meet them: who may open which, what each page says, the
question health table sorted and filtered by the URL (and swapped in place under htmx), the
exports, the cache and what invalidates it, and query counts that do not grow with the data."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from interviews import measures, measuring, services
from interviews.models import CoScore, CoScorer, InterviewQuestion, InterviewStatus
from interviews.ratings import hire_rows, ratings
from interviews.simulation import Settings, simulate
from interviews.views.measures import SORTS
from tests.factories import UserFactory, assigned_interview
from tests.simulated import write_simulation

SMALL = Settings(
    candidates=100,
    interviewers=6,
    questions=30,
    questions_per_interview=4,
    co_scored_share=0.5,
    non_discriminating=2,
    mis_tagged=2,
    over_time=2,
)

PAGES = {
    "overview": reverse("interviews:measures"),
    "agreement": reverse("interviews:measures_agreement"),
    "calibration": reverse("interviews:measures_calibration"),
    "questions": reverse("interviews:measures_questions"),
    "agreement.csv": reverse("interviews:measures_export", args=["agreement", "csv"]),
    "agreement.json": reverse("interviews:measures_export", args=["agreement", "json"]),
    "calibration.csv": reverse("interviews:measures_export", args=["calibration", "csv"]),
    "calibration.json": reverse("interviews:measures_export", args=["calibration", "json"]),
    "questions.csv": reverse("interviews:measures_export", args=["questions", "csv"]),
    "questions.json": reverse("interviews:measures_export", args=["questions", "json"]),
}
ROLE_GROUPS = {
    "none": [],
    "interviewer": ["Interviewers"],
    "manager": ["Hiring managers"],
    "curator": ["Curators"],
    "admin": ["Admins"],
}
EVERYTHING = dict.fromkeys(PAGES, 200)
HEALTH_ONLY = {page: (200 if page.startswith("questions") else 403) for page in PAGES}
NOTHING = dict.fromkeys(PAGES, 403)
EXPECTED = {
    "none": NOTHING,
    "interviewer": NOTHING,
    "manager": EVERYTHING,
    "curator": HEALTH_ONLY,
    "admin": EVERYTHING,
}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The figures' refresh runs at once, as on SQLite (PostgreSQL's worker is not running)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(db):
    return write_simulation(simulate(SMALL, seed=3))


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# -- Who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLE_GROUPS)
def test_every_role_on_every_measures_page(client, db, role, page):
    client.force_login(UserFactory(username=f"u-{role}", groups=ROLE_GROUPS[role]))
    response = client.get(PAGES[page])
    assert response.status_code == EXPECTED[role][page]
    if response.status_code == 403:
        assert "alpha" not in response.content.decode().lower()  # nothing leaks


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, db, page):
    response = client.get(PAGES[page])
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(
    ("role", "link"),
    [
        ("manager", "/measures/"),
        ("admin", "/measures/"),
        ("curator", "/measures/questions/"),
        ("interviewer", None),
    ],
)
def test_the_menu_links_to_what_the_role_may_read(client, db, role, link):
    client.force_login(UserFactory(username=f"m-{role}", groups=ROLE_GROUPS[role]))
    nav = client.get("/").content.decode().split("</nav>")[0]
    found = re.findall(r'href="(/measures/[^"]*)"', nav)
    assert found == ([link] if link else [])


def test_a_curator_sees_only_the_question_health_tab(client, world, curator):
    client.force_login(curator)
    tabs = client.get(PAGES["questions"]).content.decode().split('aria-label="Measures"')[1]
    tabs = tabs.split("</nav>")[0]
    assert re.findall(r'href="([^"]+)"', tabs) == ["/measures/questions/"]


# -- What the pages say ------------------------------------------------------------------------


def test_the_pages_show_the_measures_of_the_submitted_sheets(client, world):
    client.force_login(world.hiring_manager)
    result = measures.measure(ratings(), hire_rows())
    overall = result.agreement.overall

    page = text(client.get(PAGES["overview"]))
    assert f"α = {overall.value:.2f}" in page
    assert f"{overall.n_units} co-scored answers" in page
    assert "6 of 6 interviewers" in page

    page = text(client.get(PAGES["agreement"]))
    assert "Krippendorff's alpha" in page and "What to do:" in page
    assert (
        f"All co-scored answers {overall.value:.2f} {overall.interval.low:.2f} to "
        f"{overall.interval.high:.2f} {overall.n_units}"
    ) in page
    assert page.count("Revise anchors") >= sum(
        a.flagged for a in result.agreement.by_question.values()
    )

    page = text(client.get(PAGES["calibration"]))
    first = world.users[0]
    lenient = next(x for x in result.leniency if x.interviewer_id == first.pk)
    shown = f"{abs(lenient.estimate):.2f}"
    assert f"{first.get_full_name()} {'+' if lenient.estimate > 0 else '−'}{shown}" in page
    assert "Hire recommendations against the loops' decisions" in page


def test_an_estimate_below_the_minimum_is_hidden_with_the_reason(client, submitted, db):
    manager = UserFactory(username="hm", groups=["Hiring managers"])
    client.force_login(manager)
    page = text(client.get(PAGES["calibration"]))
    assert "Not shown: Fewer than 30 scored items (3): too few to estimate." in page
    assert "No loop has a decision yet" in page
    page = text(client.get(PAGES["agreement"]))
    assert "No question has been scored by two people yet." in page


def test_two_sheets_that_agree_give_alpha_one(client, submitted, db):
    panel = UserFactory(username="panel", groups=["Interviewers"])
    sheet = CoScorer.objects.create(
        interview=submitted,
        user=panel,
        added_by=submitted.interviewer,
        submitted_at=submitted.submitted_at,
        recommendation="hire",
        summary="Same.",
    )
    for item in submitted.items.all():
        CoScore.objects.create(sheet=sheet, item=item, score=item.score)
    client.force_login(UserFactory(username="hm", groups=["Hiring managers"]))
    page = text(client.get(PAGES["agreement"]))
    assert "All co-scored answers 1.00 – 3" in page  # one candidate: no interval
    assert "ines and panel 1.00" in page


# -- Question health: sorted and filtered by the URL -------------------------------------------


def row_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="question-(\d+)"', response.content.decode())]


@pytest.mark.parametrize("key", SORTS)
def test_question_health_sorts_by_every_column_both_ways(client, world, key):
    client.force_login(world.hiring_manager)
    result = measures.measure(ratings(), hire_rows())
    by_id = {q.question_id: q for q in result.questions}
    for sort in (key, f"-{key}"):
        response = client.get(PAGES["questions"], {"sort": sort})
        ids = row_ids(response)
        assert sorted(ids) == sorted(by_id)
        html = response.content.decode()
        assert f'aria-sort="{"descending" if sort.startswith("-") else "ascending"}"' in html
        values = [_value(key, by_id[i], world) for i in ids]
        present = [v for v in values if v is not None]
        assert values[: len(present)] == present  # the rows without a value come last
        assert present == sorted(present, reverse=sort.startswith("-"))


def _value(key, q, world):
    if key == "question":
        return next(x.text for x in world.questions if x.pk == q.question_id).lower()
    if key == "mean":
        n = sum(m.n for m in q.mean_by_level.values())
        return sum(m.n * m.mean for m in q.mean_by_level.values()) / n if n else None
    if key == "gap":
        if q.difficulty is None or q.expected_difficulty is None:
            return None
        return q.difficulty - q.expected_difficulty
    return {
        "asked": q.times_asked,
        "tagged": q.tagged_difficulty,
        "fitted": q.difficulty,
        "discrimination": q.discrimination,
        "skip": q.skip_rate,
        "minutes": q.median_minutes,
        "estimate": q.estimated_minutes,
        "alpha": q.agreement.value,
        "flags": len(q.flags),
    }[key]


def test_column_links_keep_the_filters_and_turn_the_sorted_column_round(client, world):
    client.force_login(world.hiring_manager)
    html = client.get(PAGES["questions"], {"flag": "any", "sort": "-asked"}).content.decode()
    head = html.split("<thead>")[2].split("</thead>")[0]
    links = dict(re.findall(r'<a href="([^"]+)" hx-get="[^"]+"[^>]*>([^<]+)', head))
    by_heading = {v.strip(): k.replace("&amp;", "&") for k, v in links.items()}
    assert by_heading["Times asked"] == "/measures/questions/?flag=any&sort=asked"
    assert by_heading["Question"] == "/measures/questions/?flag=any&sort=question"
    assert by_heading["Discrimination"] == "/measures/questions/?flag=any&sort=-discrimination"


def test_question_health_filters_by_flag_level_and_topic(client, world):
    client.force_login(world.hiring_manager)
    result = measures.measure(ratings(), hire_rows())
    flagged = {q.question_id for q in result.questions if q.flags}
    assert flagged  # the planted questions
    assert set(row_ids(client.get(PAGES["questions"], {"flag": "any"}))) == flagged
    no_discrimination = {
        q.question_id for q in result.questions if measures.FLAG_NO_DISCRIMINATION in q.flags
    }
    response = client.get(PAGES["questions"], {"flag": "no-discrimination"})
    assert set(row_ids(response)) == no_discrimination
    at_intern = {r.question_id for r in ratings() if r.level == "intern"}
    assert set(row_ids(client.get(PAGES["questions"], {"level": "intern"}))) == at_intern
    about_data = {r.question_id for r in ratings() if "data" in r.topics}
    assert set(row_ids(client.get(PAGES["questions"], {"topic": "data"}))) == about_data


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"sort": "price"}, "Sort by: Select a valid choice."),
        ({"level": "wizard"}, "Level: Select a valid choice."),
        ({"flag": "<script>"}, "Flag: Select a valid choice."),
        ({"topic": "x" * 500}, "Topic: Select a valid choice."),
    ],
)
def test_bad_filters_say_so_and_show_nothing(client, world, query, error):
    client.force_login(world.hiring_manager)
    response = client.get(PAGES["questions"], query)
    assert response.status_code == 200
    assert "Some filters are not valid, so nothing is shown" in text(response)
    assert error in text(response)
    assert row_ids(response) == []
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_htmx_gets_only_the_table(client, world):
    client.force_login(world.hiring_manager)
    response = client.get(PAGES["questions"], {"sort": "skip"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="results"')
    assert row_ids(response)
    assert "HX-Request" in response["Vary"]


# -- Exports -----------------------------------------------------------------------------------


# The simulated world's measures (seed 3): how many rows each table has, and its columns,
# written out rather than computed by the code under test.
EXPORTED = {
    "agreement": (
        52,
        ["scope", "key", "units", "alpha", "low", "high", "flagged", "reason"],
    ),
    "calibration": (
        6,
        [
            "interviewer",
            "scored_items",
            "leniency",
            "se",
            "low",
            "high",
            "reason",
            "decided_loops",
            "recommended_hire_rate",
            "loops_hire_rate",
            "matched_rate",
        ],
    ),
    "questions": (
        30,
        [
            "question",
            "times_asked",
            "scored",
            "mean_score",
            "mean_by_level",
            "tagged_difficulty",
            "difficulty",
            "expected_difficulty",
            "discrimination",
            "discrimination_low",
            "discrimination_high",
            "skip_rate",
            "median_minutes",
            "estimated_minutes",
            "alpha",
            "alpha_units",
            "flags",
        ],
    ),
}


@pytest.mark.parametrize("name", list(EXPORTED))
def test_exports_give_every_row_of_each_measure(client, world, name):
    client.force_login(world.hiring_manager)
    count, columns = EXPORTED[name]
    response = client.get(PAGES[f"{name}.json"])
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["measure"] == name
    assert len(body["rows"]) == count
    response = client.get(PAGES[f"{name}.csv"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="measures-{name}')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == count
    assert list(rows[0])[1:] == columns


def test_the_calibration_export_names_the_interviewer(client, world):
    client.force_login(world.hiring_manager)
    calibration = json.loads(client.get(PAGES["calibration.json"]).content)["rows"]
    assert calibration[0]["name"] == world.users[0].get_full_name()


def test_a_formula_in_a_question_is_written_as_text(client, world):
    question = world.questions[0]
    question.text = '=HYPERLINK("http://evil.example","click")'
    question.save()
    client.force_login(world.hiring_manager)
    body = client.get(PAGES["questions.csv"]).content.decode()
    assert "'=HYPERLINK(" in body
    assert '\n"=HYPERLINK' not in body and ",=HYPERLINK" not in body


@pytest.mark.parametrize(
    "url", ["/measures/people.csv", "/measures/questions.xlsx", "/measures/questions.csv.json"]
)
def test_an_unknown_export_is_404(client, world, url):
    client.force_login(world.hiring_manager)
    assert client.get(url).status_code == 404


# -- The cache ---------------------------------------------------------------------------------


def test_a_submit_invalidates_the_cached_pages(
    client, submitted, db, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(username="hm", groups=["Hiring managers"]))
    assert "on the sheets of 1 submitted interview," in text(client.get(PAGES["questions"]))
    # A write that does not bump the generation is not seen: the page is the cached one.
    InterviewQuestion.objects.filter(interview=submitted).update(score=None, skipped=True)
    assert "From 3 scored or skipped lines" in text(client.get(PAGES["questions"]))
    InterviewQuestion.objects.filter(interview=submitted).update(score=2, skipped=False)

    other = services.candidate_create(
        name="Second", level=submitted.level, created_by=submitted.interviewer
    )
    second = assigned_interview(
        interviewer=submitted.interviewer, candidate=other, level=submitted.level
    )
    for question in [i.question for i in submitted.items.all()]:
        services.interview_add_question(interview=second, question=question)
    services.interview_start(interview=second)
    for item in second.items.all():
        services.item_score(item=item, score=4)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.interview_submit(interview=second, recommendation="hire", summary="Strong.")
    assert len(callbacks) >= 1
    page = text(client.get(PAGES["questions"]))
    assert "From 6 scored or skipped lines on the sheets of 2 submitted interviews" in page


def test_after_a_change_pages_show_the_latest_figures_while_a_task_computes_the_new(
    client, world, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(world.hiring_manager)
    before = text(client.get(PAGES["questions"]))
    assert "Updating:" not in before
    with django_capture_on_commit_callbacks(execute=True):
        services.candidate_erase(candidate=world.candidates[0], by=world.hiring_manager)
    for _ in range(2):
        page = text(client.get(PAGES["calibration"]))
        assert "Updating: scores changed since these figures were computed." in page
        assert "on the sheets of 200 submitted interviews" in page  # the figures before
    [job] = default_task_backend.results  # enqueued once, not once per page read
    assert job.task.name == "measures_refresh_task"
    measuring.refresh(*job.args)  # what the worker does
    page = text(client.get(PAGES["calibration"]))
    assert "Updating:" not in page
    assert "on the sheets of 198 submitted interviews" in page


@pytest.mark.parametrize("write", ["amend", "erase", "merge", "question"])
def test_every_measured_write_bumps_the_generation(
    write, submitted, hiring_manager, django_capture_on_commit_callbacks
):
    before = measuring.generation()
    with django_capture_on_commit_callbacks(execute=True):
        if write == "amend":
            item = submitted.items.first()
            services.interview_amend(
                interview=submitted,
                user=submitted.interviewer,
                reason="Misclicked.",
                scores={item.pk: 4 if item.score != 4 else 3},
            )
        elif write == "erase":
            services.candidate_erase(candidate=submitted.candidate, by=hiring_manager)
        elif write == "merge":
            other = services.candidate_create(
                name="Cam Twin", level=submitted.level, created_by=hiring_manager
            )
            services.candidate_merge(keep=other, duplicate=submitted.candidate)
        else:
            question = submitted.items.first().question
            question.difficulty = 5 if question.difficulty != 5 else 1
            question.save()
    assert measuring.generation() != before


def test_an_unchanged_amend_keeps_the_cache(submitted, django_capture_on_commit_callbacks):
    before = measuring.generation()
    with django_capture_on_commit_callbacks(execute=True):
        services.interview_amend(interview=submitted, user=submitted.interviewer, reason="No.")
    assert measuring.generation() == before


# -- Query counts: pinned, and flat in the size of the data ------------------------------------


def _warm_queries(client, url, django_assert_num_queries, n):
    client.get(url)  # computes and caches
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("page", ["overview", "agreement", "calibration", "questions"])
def test_a_cached_page_is_a_few_queries_whatever_the_size(
    client, db, page, django_assert_num_queries
):
    # session, user, groups, the generation, the kept result
    small = write_simulation(simulate(SMALL, seed=1), prefix="a")
    client.force_login(small.hiring_manager)
    _warm_queries(client, PAGES[page], django_assert_num_queries, 5)
    bigger = Settings(**{**SMALL.__dict__, "candidates": 250, "interviewers": 9})
    write_simulation(simulate(bigger, seed=2), prefix="b")
    measuring._new_generation()
    _warm_queries(client, PAGES[page], django_assert_num_queries, 5)


def test_the_computation_reads_eight_queries_whatever_the_size(db, django_assert_num_queries):
    write_simulation(simulate(SMALL, seed=1), prefix="a")
    with django_assert_num_queries(8):
        small = measuring.compute()
    write_simulation(simulate(SMALL, seed=2), prefix="b")
    with django_assert_num_queries(8):
        bigger = measuring.compute()
    assert bigger.n_interviews == 2 * small.n_interviews == 400


def test_a_draft_or_live_sheet_is_never_measured(client, live_interview, db):
    client.force_login(UserFactory(username="hm", groups=["Hiring managers"]))
    assert "From 0 scored or skipped lines on the sheets of 0 submitted interviews" in text(
        client.get(PAGES["questions"])
    )
    assert "No submitted interview has scored a question yet." in text(
        client.get(PAGES["questions"])
    )
    assert live_interview.status == InterviewStatus.LIVE


def test_roles_come_from_groups_only(client, db):
    """A hiring manager who loses the role loses the pages at the next request."""
    user = UserFactory(username="was-hm", groups=["Hiring managers"])
    client.force_login(user)
    assert client.get(PAGES["agreement"]).status_code == 200
    user.groups.remove(Group.objects.get(name="Hiring managers"))
    assert client.get(PAGES["agreement"]).status_code == 403


# -- The question's admin page -----------------------------------------------------------------


def test_the_question_admin_page_shows_its_health_to_curators(client, world, curator):
    result = measures.measure(ratings(), hire_rows())
    q = next(q for q in result.questions if q.flags)
    client.force_login(curator)
    page = text(client.get(reverse("admin:questionbank_question_change", args=[q.question_id])))
    assert "Health in interviews (measures)" in page
    assert f"Times asked {q.times_asked} ({q.n_scored} scored)" in page
    assert f"Flags {'; '.join(q.flags)}" in page
    assert "Question health of every question" in page


def test_a_question_never_asked_says_so(client, world, curator):
    question = world.questions[0]
    fresh = type(question).objects.create(text="A brand new question?", difficulty=2)
    client.force_login(curator)
    page = text(client.get(reverse("admin:questionbank_question_change", args=[fresh.pk])))
    assert "Not asked in a submitted interview yet." in page


def test_a_staff_user_without_the_role_sees_no_health(client, world):
    staff = UserFactory(username="staffer")
    staff.is_staff = True
    staff.save()
    question = world.questions[0]
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_question"))
    client.force_login(staff)
    response = client.get(reverse("admin:questionbank_question_change", args=[question.pk]))
    assert response.status_code == 200
    assert "Health in interviews" not in text(response)


def test_question_health_pages_keep_the_order_and_filters(client, world, monkeypatch):
    monkeypatch.setattr("interviews.views.measures.QUESTIONS_PER_PAGE", 12)
    client.force_login(world.hiring_manager)
    first = client.get(PAGES["questions"], {"sort": "-asked"})
    second = client.get(PAGES["questions"], {"sort": "-asked", "page": "2"})
    third = client.get(PAGES["questions"], {"sort": "-asked", "page": "3"})
    ids = row_ids(first) + row_ids(second) + row_ids(third)
    assert [len(row_ids(r)) for r in (first, second, third)] == [12, 12, 6]
    assert (
        ids
        == row_ids(client.get(PAGES["questions"], {"sort": "-asked", "page": "1"}))[:12] + ids[12:]
    )
    assert "30 of 30 questions asked, 13 to 24 below." in text(second)
    assert 'href="/measures/questions/?sort=-asked&amp;page=3"' in second.content.decode()
    # sorting again starts on the first page
    assert (
        "page="
        not in re.search(r'<th scope="col"[^>]*><a href="([^"]+)"', second.content.decode())[1]
    )
