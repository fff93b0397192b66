"""The candidate page (debrief): independent scoring, the per-topic view, permissions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from interviews import reports, services
from interviews.models import Candidate, Interview, InterviewStatus, Loop
from tests.factories import UserFactory, assigned_interview

from .conftest import make_status

HIDDEN = "Submit your own scorecard to see the others"


def page(candidate):
    return reverse("interviews:candidate", args=[candidate.pk])


@pytest.fixture
def others(other_interviewer, candidate, level, bank):
    """Omar's interview of the same candidate (live), on two RAG and one Inference question."""
    interview = assigned_interview(
        interviewer=other_interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    for question in (bank[0], bank[1], bank[4]):
        services.interview_add_question(interview=interview, question=question, confirm_repeat=True)
    services.interview_start(interview=interview)
    return interview


def submit_others(interview, scores=(4, 4, 3)):
    items = list(interview.items.order_by("position"))
    for item, score in zip(items, scores, strict=True):
        services.item_score(item=item, score=score)
    services.item_save_notes(item=items[0], notes="Omar's private note", base_version=0)
    return services.interview_submit(
        interview=interview, recommendation="strong_hire", summary="Omar's summary: excellent."
    )


def test_interviewer_sees_others_only_after_submitting_their_own(
    client, interviewer, other_interviewer, submitted, others
):
    """Ines submitted (scores 1, 2, 3 on RAG); Omar is still live, then submits."""
    submit_others(others)
    ines_note = submitted.items.order_by("position").first()
    services.interview_amend(
        interview=submitted, user=interviewer, reason="note", notes={ines_note.pk: "Ines note"}
    )
    # Omar has submitted: he sees Ines's scorecard too.
    client.force_login(other_interviewer)
    html = client.get(page(submitted.candidate)).content.decode()
    assert HIDDEN not in html
    assert "Solid on retrieval." in html and "Ines note" in html
    assert "Omar&#x27;s summary: excellent." in html

    # Before Omar submits, a fresh interview by a third interviewer stays hidden both ways.
    third = UserFactory(username="tara", groups=["Interviewers"])
    mine = assigned_interview(
        interviewer=third, candidate=submitted.candidate, level=submitted.level, planned_minutes=30
    )
    client.force_login(third)
    response = client.get(page(submitted.candidate))
    html = response.content.decode()
    assert response.status_code == 200
    assert HIDDEN in html
    assert "Solid on retrieval." not in html and "Ines note" not in html
    assert "Omar&#x27;s summary" not in html and "Omar&#x27;s private note" not in html
    assert "Strong hire" not in html and ">Hire<" not in html
    assert "Scores by topic across interviews" not in html
    # statuses and interviewers are shown
    assert html.count('<span class="status">Submitted</span>') == 2
    assert "ines" in html and "omar" in html
    assert "continue composing" in html
    # Tara submits with nothing scored: an interview made only to peek unlocks nothing.
    services.interview_add_question(
        interview=mine, question=submitted.items.first().question, confirm_repeat=True
    )
    make_status(mine, InterviewStatus.SUBMITTED)
    html = client.get(page(submitted.candidate)).content.decode()
    assert HIDDEN in html
    assert "Solid on retrieval." not in html and "Omar&#x27;s summary" not in html
    # Once her scorecard holds a score, she sees both.
    services.interview_amend(
        interview=mine, user=third, reason="scored it", scores={mine.items.get().pk: 3}
    )
    html = client.get(page(submitted.candidate)).content.decode()
    assert HIDDEN not in html
    assert "Solid on retrieval." in html and "Omar&#x27;s summary: excellent." in html


def test_live_interviewer_is_told_to_submit_first(client, other_interviewer, submitted, others):
    client.force_login(other_interviewer)
    html = client.get(page(submitted.candidate)).content.decode()
    assert HIDDEN in html
    assert "until you have submitted your own scorecard" in html
    assert "Solid on retrieval." not in html
    assert "continue the interview" in html
    assert reverse("interviews:live", args=[others.pk]) in html
    # Ines's scorecard is not linked for Omar (it would be a 404 for him).
    assert reverse("interviews:scorecard", args=[submitted.pk]) not in html


def test_interviewer_without_interview_sees_statuses_not_scores(client, submitted):
    stranger = UserFactory(username="sam", groups=["Interviewers"])
    client.force_login(stranger)
    assert client.get(page(submitted.candidate)).status_code == 403  # not in the loop
    loop = submitted.stage.loop
    services.stage_add(loop=loop, name="Later stage", interviewer=stranger, actor=None)
    response = client.get(page(submitted.candidate))
    html = response.content.decode()
    assert response.status_code == 200
    assert "You have no interview with Cam Candidate" in html and HIDDEN in html
    assert "Submitted" in html and "ines" in html
    assert "Solid on retrieval." not in html and "Recommendation:" not in html


def test_hiring_manager_sees_all_and_the_disagreement(client, hiring_manager, submitted, others):
    submit_others(others, scores=(4, 4, 3))
    client.force_login(hiring_manager)
    response = client.get(page(submitted.candidate))
    html = response.content.decode()
    assert response.status_code == 200
    assert HIDDEN not in html
    assert "Solid on retrieval." in html and "Omar&#x27;s private note" in html
    assert reverse("interviews:scorecard", args=[submitted.pk]) in html
    assert reverse("interviews:scorecard", args=[others.pk]) in html
    # RAG: Ines (1 + 2 + 3) / 3 = 2.00, Omar (4 + 4) / 2 = 4.00 -> spread 2.00: disagree.
    # Inference: only Omar scored it -> no spread.
    assert "Scores by topic across interviews" in html
    assert html.count("Interviewers disagree</span>") == 1
    assert '<tr class="disagree">\n        <th scope="row">RAG</th>' in html
    assert "Recommendations split" not in html  # hire and strong hire lean the same way
    services.interview_amend(
        interview=submitted,
        user=submitted.interviewer,
        reason="rethought",
        recommendation="no_hire",
    )
    html = client.get(page(submitted.candidate)).content.decode()
    assert "Recommendations split" in html


def test_debrief_rows_and_spread(hiring_manager, submitted, others):
    submit_others(others, scores=(3, 2, 1))
    interviews = list(
        Interview.objects.filter(candidate=submitted.candidate).with_items().order_by("id")
    )
    debrief = reports.build_debrief(interviews, hiring_manager)
    rows = {row.slug: row for row in debrief.rows}
    assert [c.value for c in rows["rag"].cells] == [Decimal("2.00"), Decimal("2.50")]
    assert rows["rag"].spread == Decimal("0.50") and not rows["rag"].disagree
    assert [c.value for c in rows["inference"].cells] == [None, Decimal("1.00")]
    assert rows["inference"].spread is None and not rows["inference"].disagree
    assert debrief.overall.cells[1].arithmetic == "(3 + 2 + 1) / 3 = 2.00"
    assert debrief.recommendations == ["Hire", "Strong hire"]
    assert not debrief.recommendations_split


# Assigned in the loop; the hiring manager.
@pytest.mark.parametrize("who", ["interviewer", "hiring_manager"])
def test_candidate_page_readers(client, hiring_manager, interviewer, candidate, request, who):
    loop = services.loop_open(candidate=candidate, hiring_manager=hiring_manager)
    services.stage_add(loop=loop, name="Coding", interviewer=interviewer, actor=hiring_manager)
    client.force_login(request.getfixturevalue(who))
    response = client.get(page(candidate))
    assert response.status_code == 200
    assert "No interviews with Cam Candidate yet." in response.content.decode()


def test_candidate_page_permissions(
    client, other_interviewer, hiring_manager, interviewer, candidate
):
    target = page(candidate)
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    loop = services.loop_open(candidate=candidate, hiring_manager=hiring_manager)
    services.stage_add(loop=loop, name="Coding", interviewer=interviewer, actor=hiring_manager)
    client.force_login(other_interviewer)  # not assigned
    response = client.get(target)
    assert response.status_code == 403 and "Cam Candidate" not in response.content.decode()
    assert client.get(reverse("interviews:candidate", args=[candidate.pk + 999])).status_code == 404
    assert client.post(target).status_code == 405


def test_candidate_page_query_count_does_not_grow(
    client, interviewer, hiring_manager, submitted, big_interview, django_assert_num_queries
):
    candidate = submitted.candidate
    small = services.candidate_create(
        name="Small Sample", level=candidate.level, created_by=interviewer
    )
    short = assigned_interview(
        interviewer=interviewer, candidate=small, level=candidate.level, planned_minutes=30
    )
    for item in submitted.items.all():
        services.interview_add_question(
            interview=short, question=item.question, confirm_repeat=True
        )
    make_status(short, InterviewStatus.SUBMITTED)
    make_status(big_interview, InterviewStatus.SUBMITTED)
    assert Candidate.objects.get(pk=candidate.pk).interviews.count() == 2
    # session, user, their groups (the rules), candidate, its interviews, their items, their
    # co-scorers, its loops, their stages, the audit row; the hiring manager also reads the
    # audit trail, the unlocked interviewer whether the unlock was recorded already.
    # (Both of Cam's interviews are Ines's own: nothing of others to unlock.)
    expected = {interviewer: {False: 10, True: 10}, hiring_manager: {False: 11, True: 11}}
    for reader in (interviewer, hiring_manager):
        client.force_login(reader)
        for person in (small, candidate):
            client.get(page(person))  # the first unlock is recorded once
            with django_assert_num_queries(expected[reader][person == small]):
                assert client.get(page(person)).status_code == 200
    # More loops, stages and interviews for the candidate: the same count.
    for n in range(3):
        services.loop_close(loop=Loop.objects.open().get(candidate=candidate), actor=None)
        extra = assigned_interview(
            interviewer=interviewer, candidate=candidate, level=candidate.level, planned_minutes=30
        )
        services.stage_add(
            loop=extra.stage.loop,
            name=f"Extra {n}",
            interviewer=interviewer,
            actor=None,
        )
    for reader in (interviewer, hiring_manager):
        client.force_login(reader)
        with django_assert_num_queries(expected[reader][False]):
            assert client.get(page(candidate)).status_code == 200
