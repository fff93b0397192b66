"""The interviews page: every interview the user may read, filtered, searched, sorted, paged."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.models import Interview, InterviewStatus
from questionbank.models import Level

from .conftest import make_status

LIST = reverse("interviews:interview_list")
HX = {"HX-Request": "true"}


def text(response):
    return response.content.decode()


def rows(response) -> list[int]:
    """The interviews listed, in order (their row ids)."""
    import re

    return [int(pk) for pk in re.findall(r'<tr id="row-(\d+)"', text(response))]


def at(day: str, hour: int = 10):
    return timezone.make_aware(datetime.fromisoformat(day) + timedelta(hours=hour))


@pytest.fixture
def senior(db):
    return Level.objects.create(name="Senior", slug="senior", rank=5)


@pytest.fixture
def people(interviewer, other_interviewer, level, senior, bank):
    """Ines: a draft for Ada (scheduled 2026-03-10), a live for Bo (senior, scheduled
    2026-02-01) and a submitted one for Ada (2026-01-15). Omar: a draft for Bo."""
    ada = services.candidate_create(
        name="Ada Lovelace", email="ada@example.org", level=level, created_by=interviewer
    )
    bo = services.candidate_create(name="Bo Brummel", level=senior, created_by=interviewer)

    def make(who, candidate, lvl, title, when, status=InterviewStatus.DRAFT):
        interview = services.interview_create(
            interviewer=who,
            candidate=candidate,
            level=lvl,
            planned_minutes=45,
            title=title,
            scheduled_at=at(when),
        )
        services.interview_add_question(interview=interview, question=bank[0], confirm_repeat=True)
        return make_status(interview, status)

    return {
        "ada_draft": make(interviewer, ada, level, "Retrieval deep dive", "2026-03-10"),
        "bo_live": make(
            interviewer, bo, senior, "Serving round", "2026-02-01", InterviewStatus.LIVE
        ),
        "ada_done": make(
            interviewer, ada, level, "Phone screen", "2026-01-15", InterviewStatus.SUBMITTED
        ),
        "omar_draft": make(other_interviewer, bo, senior, "Omar's design round", "2026-02-20"),
        "ada": ada,
        "bo": bo,
    }


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_interviewer_sees_only_their_own_interviews_newest_first(as_interviewer, people):
    response = as_interviewer.get(LIST)
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and "<h1>Interviews</h1>" in body
    assert rows(response) == [
        people["ada_draft"].pk,
        people["bo_live"].pk,
        people["ada_done"].pk,
    ]
    assert "Omar&#x27;s design round" not in body and "Omar's design round" not in body
    assert "3 interviews." in body
    # Own drafts offer their edit and discard; the interviewer column is for managers only.
    assert reverse("interviews:interview_edit", args=[people["ada_draft"].pk]) in body
    assert reverse("interviews:interview_edit", args=[people["bo_live"].pk]) not in body
    assert 'id="find-interviewer"' not in body


def test_a_hiring_manager_sees_everyone_and_filters_by_interviewer(
    as_manager, people, other_interviewer
):
    response = as_manager.get(LIST)
    assert len(rows(response)) == 4
    assert 'id="find-interviewer"' in text(response)
    response = as_manager.get(LIST, {"interviewer": other_interviewer.pk})
    assert rows(response) == [people["omar_draft"].pk]
    # Another interviewer's interview links to its read-only page, not the composer.
    assert reverse("interviews:scorecard", args=[people["omar_draft"].pk]) in text(response)
    assert reverse("interviews:compose", args=[people["omar_draft"].pk]) not in text(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "draft"}, ["ada_draft"]),
        ({"status": "submitted"}, ["ada_done"]),
        ({"level": "senior"}, ["bo_live"]),
        ({"q": "retrieval"}, ["ada_draft"]),
        ({"q": "ADA"}, ["ada_draft", "ada_done"]),  # the candidate's name, any case
        ({"q": "ada@example"}, ["ada_draft", "ada_done"]),  # and e-mail
        ({"q": "phone ada"}, ["ada_done"]),  # every word must match
        ({"start": "2026-02-01"}, ["ada_draft", "bo_live"]),
        ({"end": "2026-02-01"}, ["bo_live", "ada_done"]),
        ({"start": "2026-01-16", "end": "2026-03-09"}, ["bo_live"]),
        ({"sort": "date"}, ["ada_done", "bo_live", "ada_draft"]),
        ({"sort": "candidate"}, ["ada_draft", "ada_done", "bo_live"]),
        ({"sort": "-candidate"}, ["bo_live", "ada_draft", "ada_done"]),
        ({"sort": "status"}, ["ada_draft", "bo_live", "ada_done"]),
        ({"sort": "title", "status": ""}, ["ada_done", "ada_draft", "bo_live"]),
    ],
)
def test_filters_search_and_order(as_interviewer, people, params, expected):
    response = as_interviewer.get(LIST, params)
    assert response.status_code == 200
    assert rows(response) == [people[name].pk for name in expected]


def test_filter_by_candidate_and_the_picker_hides_archived_candidates(as_interviewer, people):
    response = as_interviewer.get(LIST, {"candidate": people["bo"].pk})
    assert rows(response) == [people["bo_live"].pk]
    services.candidate_set_archived(candidate=people["bo"], archived=True)
    body = text(as_interviewer.get(LIST))
    assert f'<option value="{people["ada"].pk}">Ada Lovelace</option>' in body
    assert "Bo Brummel</option>" not in body
    # A link that names the archived candidate still filters by them.
    response = as_interviewer.get(LIST, {"candidate": people["bo"].pk})
    assert rows(response) == [people["bo_live"].pk]


def test_an_interview_without_a_schedule_is_dated_by_its_creation(
    as_interviewer, interviewer, candidate, level
):
    plain = services.interview_create(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    today = timezone.localdate()
    response = as_interviewer.get(LIST, {"start": today.isoformat(), "end": today.isoformat()})
    assert rows(response) == [plain.pk]
    assert "created" in text(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "archived"}, "Select a valid choice"),
        ({"level": "nope"}, "Select a valid choice"),
        ({"candidate": "99999"}, "Select a valid choice"),
        ({"start": "yesterday"}, "Enter a valid date"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "“To” is before “From”"),
        ({"sort": "salary"}, "Select a valid choice"),
    ],
)
def test_invalid_filters_say_what_is_wrong_and_list_nothing(
    as_interviewer, people, params, message
):
    response = as_interviewer.get(LIST, params)
    assert response.status_code == 200
    body = text(response)
    assert 'role="alert"' in body and "Some filters are not valid" in body
    assert message in body
    assert rows(response) == []


def test_an_interviewer_filter_from_someone_who_sees_only_their_own_is_ignored(
    as_interviewer, people, other_interviewer
):
    """The interviewer filter is not offered to them; naming someone else shows nothing new."""
    response = as_interviewer.get(LIST, {"interviewer": other_interviewer.pk})
    assert len(rows(response)) == 3
    assert "Omar" not in text(response)


def test_htmx_gets_only_the_results_fragment(as_interviewer, people):
    response = as_interviewer.get(LIST, {"status": "draft"}, headers=HX)
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith('<section id="results"')
    assert rows(response) == [people["ada_draft"].pk]
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_the_filter_form_and_pagination_work_without_javascript(
    as_interviewer, interviewer, candidate, level
):
    for i in range(30):
        services.interview_create(
            interviewer=interviewer,
            candidate=candidate,
            level=level,
            planned_minutes=30,
            title=f"Round {i:02d}",
            scheduled_at=at("2026-01-01") + timedelta(days=i),
        )
    body = text(as_interviewer.get(LIST, {"sort": "date", "q": "round"}))
    assert f'<form method="get" action="{LIST}"' in body
    assert '<button type="submit">Filter</button>' in body
    assert body.count('<tr id="row-') == 25
    assert "Page 1 of 2" in body
    next_link = f'href="{LIST}?sort=date&amp;q=round&amp;page=2"'
    assert next_link in body
    page2 = as_interviewer.get(LIST, {"sort": "date", "q": "round", "page": 2})
    assert rows(page2) == list(
        Interview.objects.filter(title__startswith="Round")
        .order_by("scheduled_at")
        .values_list("pk", flat=True)[25:]
    )


def test_the_dashboard_and_the_menu_link_to_the_interviews_page(as_interviewer):
    body = text(as_interviewer.get(reverse("interviews:dashboard")))
    assert f'href="{LIST}"' in body and "All interviews" in body


def make_interviews(interviewer, others, level, count: int):
    """count interviews over several candidates, interviewers, statuses, all with questions."""
    from tests.factories import QuestionFactory

    questions = [QuestionFactory(levels=[level]) for _ in range(3)]
    for i in range(count):
        candidate = services.candidate_create(
            name=f"Person {i}", level=level, created_by=interviewer
        )
        who = [interviewer, *others][i % (1 + len(others))]
        interview = services.interview_create(
            interviewer=who,
            candidate=candidate,
            level=level,
            planned_minutes=30,
            scheduled_at=at("2026-01-01") + timedelta(days=i) if i % 2 else None,
        )
        for question in questions:
            services.interview_add_question(interview=interview, question=question)
        make_status(
            interview,
            [InterviewStatus.DRAFT, InterviewStatus.LIVE, InterviewStatus.SUBMITTED][i % 3],
        )


@pytest.mark.parametrize("filters", [{}, {"status": "live", "q": "person", "sort": "candidate"}])
def test_query_count_is_flat_in_the_number_of_interviews(
    client,
    interviewer,
    other_interviewer,
    hiring_manager,
    level,
    django_assert_num_queries,
    filters,
):
    def visit(user, queries):
        client.force_login(user)
        with django_assert_num_queries(queries):
            response = client.get(LIST, filters)
        assert response.status_code == 200
        return response

    # session, user, their groups (the rules: read once, where Django's permissions took
    # two), count, page, level options, candidate options (+ interviewer options for a manager)
    make_interviews(interviewer, [other_interviewer], level, 5)
    few = visit(interviewer, 7)
    visit(hiring_manager, 8)
    make_interviews(interviewer, [other_interviewer], level, 40)
    many = visit(interviewer, 7)
    visit(hiring_manager, 8)
    assert len(rows(many)) > len(rows(few))


def test_date_range_uses_the_current_time_zone(
    as_interviewer, interviewer, candidate, level, settings
):
    """23:30 in Berlin on 10 March is 22:30 UTC: the interview is on the 10th either way, but
    00:30 Berlin on 11 March (23:30 UTC on the 10th) belongs to the 11th for a Berlin site."""
    settings.TIME_ZONE = "Europe/Berlin"
    with timezone.override("Europe/Berlin"):
        late = services.interview_create(
            interviewer=interviewer,
            candidate=candidate,
            level=level,
            planned_minutes=30,
            scheduled_at=timezone.make_aware(datetime(2026, 3, 11, 0, 30)),
        )
    response = as_interviewer.get(LIST, {"start": date(2026, 3, 11).isoformat()})
    assert rows(response) == [late.pk]
