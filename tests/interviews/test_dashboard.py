"""The dashboard at / and the candidate list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews import kits, services
from interviews.models import InterviewStatus, Kit
from tests.factories import UserFactory, assigned_interview

from .conftest import make_status

HX = {"HTTP_HX_REQUEST": "true"}
DASHBOARD = reverse("interviews:dashboard")
CANDIDATES = reverse("interviews:candidate_list")


def test_dashboard_needs_a_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.get(CANDIDATES)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_empty_dashboard_says_what_to_do(client, interviewer):
    client.force_login(interviewer)
    response = client.get(DASHBOARD)
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("interviews:interview_new") in html and "New interview" in html
    assert "No drafts." in html
    assert "No interview in progress." in html
    assert "No submitted scorecards yet." in html
    assert "No candidates yet." in html
    assert "No kits yet." in html
    assert "Recently submitted by everyone" not in html


def test_dashboard_lists_my_interviews_candidates_and_kits(
    client, interviewer, other_interviewer, level, bank, candidate, submitted
):
    # Ines: one submitted (fixture), one live, one draft. Omar: a draft Ines must not see.
    live = assigned_interview(
        interviewer=interviewer,
        candidate=candidate,
        level=level,
        planned_minutes=30,
        title="Second round",
    )
    services.interview_add_question(interview=live, question=bank[5])
    make_status(live, InterviewStatus.LIVE)
    assigned_interview(
        interviewer=interviewer,
        candidate=candidate,
        level=level,
        planned_minutes=30,
        title="Third round draft",
    )
    assigned_interview(
        interviewer=other_interviewer,
        candidate=candidate,
        level=level,
        planned_minutes=30,
        title="Omar's secret draft",
    )
    mine = kits.kit_save_from_interview(interview=submitted, owner=interviewer, name="My kit")
    kits.kit_save_from_interview(
        interview=submitted, owner=other_interviewer, name="Omar shared kit", shared=True
    )
    kits.kit_save_from_interview(
        interview=submitted, owner=other_interviewer, name="Omar private kit"
    )
    client.force_login(interviewer)
    html = client.get(DASHBOARD).content.decode()
    assert "Third round draft" in html and reverse("interviews:compose", args=[live.pk + 1]) in html
    assert "Second round" in html and reverse("interviews:live", args=[live.pk]) in html
    assert "0 of 1 scored" in html
    assert submitted.title in html and reverse("interviews:scorecard", args=[submitted.pk]) in html
    assert ">Hire</strong>" in html
    assert "Omar&#x27;s secret draft" not in html
    assert "Cam Candidate" in html and reverse("interviews:candidate", args=[candidate.pk]) in html
    assert "4 interviews" in html  # Cam: Ines's three and Omar's draft
    assert "My kit" in html and reverse("interviews:kit", args=[mine.pk]) in html
    assert "Omar shared kit" in html and "shared by omar" in html
    assert "Omar private kit" not in html
    assert "3 questions" in html
    assert "Recently submitted by everyone" not in html


def test_hiring_manager_sees_everyones_recent_scorecards(client, hiring_manager, submitted):
    client.force_login(hiring_manager)
    html = client.get(DASHBOARD).content.decode()
    assert "Recently submitted by everyone" in html
    assert reverse("interviews:scorecard", args=[submitted.pk]) in html
    assert "by ines" in html


def test_dashboard_query_count_does_not_grow(
    client, interviewer, hiring_manager, submitted, big_interview, django_assert_num_queries
):
    def visit(user, queries):
        client.force_login(user)
        with django_assert_num_queries(queries):
            assert client.get(DASHBOARD).status_code == 200

    # session, user, permissions (2), drafts, live, submitted, upcoming, co-scoring,
    # candidates, kits
    visit(interviewer, 11)
    visit(hiring_manager, 12)  # + everyone's submitted scorecards
    # More and bigger interviews, candidates and kits: the same count.
    make_status(big_interview, InterviewStatus.SUBMITTED)
    for i in range(5):
        candidate = services.candidate_create(
            name=f"Extra {i}", level=submitted.level, created_by=interviewer
        )
        assigned_interview(
            interviewer=interviewer,
            candidate=candidate,
            level=submitted.level,
            planned_minutes=30,
            scheduled_at=timezone.now() + timedelta(days=i + 1),
            duration_minutes=30,
        )
        kits.kit_save_from_interview(
            interview=big_interview, owner=interviewer, name=f"Kit {i}", shared=bool(i % 2)
        )
    assert Kit.objects.count() == 5
    visit(interviewer, 11)
    visit(hiring_manager, 12)


# Candidate list ---------------------------------------------------------------------------


def make_candidates(user, level, count):
    return [
        services.candidate_create(
            name=f"Person {i:02d}", email=f"p{i}@example.org", level=level, created_by=user
        )
        for i in range(count)
    ]


def test_candidate_list_newest_first_with_counts(
    client, interviewer, hiring_manager, candidate, submitted, level
):
    later = services.candidate_create(name="Newer Person", level=level, created_by=interviewer)
    client.force_login(hiring_manager)  # reads every candidate
    response = client.get(CANDIDATES)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert html.index("Newer Person") < html.index("Cam Candidate")
    assert reverse("interviews:candidate", args=[later.pk]) in html
    assert reverse("interviews:candidate", args=[candidate.pk]) in html
    assert "2 candidates" in html
    assert '<td class="num">1</td>' in html  # Cam: one interview, one submitted
    assert "Engineer" in html


def test_candidate_list_search_and_fragment(client, interviewer, hiring_manager, level):
    make_candidates(interviewer, level, 3)
    services.candidate_create(
        name="Zoë Quill", email="zq@example.org", level=level, created_by=interviewer
    )
    client.force_login(hiring_manager)
    response = client.get(CANDIDATES, {"q": "quill"})
    html = response.content.decode()
    assert "Zoë Quill" in html and "Person 01" not in html and "1 candidate matching" in html
    response = client.get(CANDIDATES, {"q": "p1@example"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.strip().startswith('<div id="candidate-results">')
    assert "Person 01" in html and "Person 02" not in html
    assert "HX-Request" in response["Vary"]
    response = client.get(CANDIDATES, {"q": "nobody"})
    assert "No candidate matches" in response.content.decode()


def test_candidate_list_paginates(
    client, interviewer, hiring_manager, level, django_assert_num_queries
):
    make_candidates(interviewer, level, 30)
    client.force_login(hiring_manager)
    html = client.get(CANDIDATES).content.decode()
    assert "Page 1 of 2" in html and "Person 29" in html and "Person 04" not in html
    assert f'href="{CANDIDATES}?page=2"' in html and f'hx-get="{CANDIDATES}?page=2"' in html
    response = client.get(CANDIDATES, {"page": 2}, **HX)
    html = response.content.decode()
    assert "<html" not in html and "Person 04" in html and "Person 29" not in html
    # session, user, their groups (the rules), count, page
    with django_assert_num_queries(5):
        client.get(CANDIDATES, {"page": 2})


def test_empty_candidate_list(client, interviewer):
    client.force_login(interviewer)
    html = client.get(CANDIDATES).content.decode()
    assert "No candidates yet." in html


@pytest.mark.parametrize("who", ["hiring_manager", "interviewer"])
def test_hiring_managers_and_assigned_interviewers_see_the_candidate(
    client, candidate, draft, request, who
):
    client.force_login(request.getfixturevalue(who))  # Ines is assigned in Cam's loop
    assert "Cam Candidate" in client.get(CANDIDATES).content.decode()


def test_interviewers_see_only_their_own_candidates(client, candidate, draft):
    client.force_login(UserFactory(username="nia", groups=["Interviewers"]))  # not assigned
    html = client.get(CANDIDATES).content.decode()
    assert "Cam Candidate" not in html and "No candidates yet." in html
