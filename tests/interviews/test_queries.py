"""The pages' reads, each a named QuerySet method with its query count pinned.

Every method is read the way its page reads it (the related rows and the counts each row
shows), on several candidates, interviews, stages and sheets, so that an N+1 would show.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from interviews import coscoring, services
from interviews.models import (
    Candidate,
    CoScorer,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Loop,
    LoopStage,
)
from tests.factories import assigned_interview

from .conftest import make_status

STATUSES = [InterviewStatus.DRAFT, InterviewStatus.LIVE, InterviewStatus.SUBMITTED]


@pytest.fixture
def many(interviewer, other_interviewer, hiring_manager, level, bank):
    """Three candidates, each with a draft, a live and a submitted interview by Ines (three
    questions each, scheduled), the live ones co-scored by Omar; a fourth candidate named
    like the first."""
    candidates = [
        services.candidate_create(
            name=f"Person {i}", email=f"p{i}@example.org", level=level, created_by=interviewer
        )
        for i in range(3)
    ]
    for day, candidate in enumerate(candidates, 1):
        for k, status in enumerate(STATUSES):
            interview = assigned_interview(
                interviewer=interviewer,
                candidate=candidate,
                level=level,
                planned_minutes=30,
                stage_name=f"Round {k + 1}",
                scheduled_at=timezone.now() + timedelta(days=day, hours=k),
                duration_minutes=30,
            )
            for question in bank[3 * k : 3 * k + 3]:
                services.interview_add_question(interview=interview, question=question)
            if status == InterviewStatus.LIVE:
                coscoring.coscorer_add(
                    interview=interview, user=other_interviewer, actor=interviewer
                )
            make_status(interview, status)
    services.candidate_create(
        name="person 0", level=level, created_by=hiring_manager, allow_duplicate_email=True
    )
    return candidates


def read_dashboard_rows(interviews):
    return [(i.candidate.name, i.level.name, i.question_count, i.scored_count) for i in interviews]


@pytest.mark.parametrize(
    "method", ["drafts_for_dashboard", "live_for_dashboard", "submitted_for_dashboard"]
)
def test_dashboard_lists_one_query_each(many, interviewer, method, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = read_dashboard_rows(getattr(Interview.objects.owned_by(interviewer), method)())
    assert len(rows) == 3 and {row[2] for row in rows} == {3}


def test_dashboard_lists_order(many, interviewer):
    mine = Interview.objects.owned_by(interviewer)
    drafts = list(mine.drafts_for_dashboard())
    assert [i.updated_at for i in drafts] == sorted((i.updated_at for i in drafts), reverse=True)
    live = list(mine.live_for_dashboard())
    assert [i.started_at for i in live] == sorted((i.started_at for i in live), reverse=True)
    assert {i.status for i in mine.submitted_for_dashboard()} == {InterviewStatus.SUBMITTED}


def test_recently_submitted_one_query(many, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = [
            (i.candidate.name, i.level.name, i.interviewer.username)
            for i in Interview.objects.recently_submitted()
        ]
    assert len(rows) == 3 and {row[2] for row in rows} == {"ines"}


def test_upcoming_outside_loops_one_query(many, interviewer, django_assert_num_queries):
    # Every interview of ``many`` is its loop stage's: none is outside the loops...
    with django_assert_num_queries(1):
        assert list(Interview.objects.upcoming_outside_loops(interviewer)) == []
    # ... until its stage is handed back (the interview stays the interviewer's).
    drafts = list(Interview.objects.owned_by(interviewer).drafts_for_dashboard())
    LoopStage.objects.filter(interview__in=drafts).update(interviewer=None)
    with django_assert_num_queries(1):
        rows = [
            (i.candidate.name, i.level.name)
            for i in Interview.objects.upcoming_outside_loops(interviewer)
        ]
    assert len(rows) == 3


def test_pending_sheets_one_query(many, other_interviewer, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = [
            (sheet.interview.title, sheet.interview.candidate.name)
            for sheet in CoScorer.objects.pending_for(other_interviewer)
        ]
    assert len(rows) == 3


def test_candidate_list_one_query(many, hiring_manager, django_assert_num_queries):
    visible = Candidate.objects.visible_to(hiring_manager)  # asks the rules: not the page's read
    with django_assert_num_queries(1):
        rows = [
            (c.name, c.level.name, c.interview_count, c.submitted_count)
            for c in visible.for_candidate_list()
        ]
    assert rows == [
        ("person 0", "Engineer", 0, 0),
        ("Person 2", "Engineer", 3, 1),
        ("Person 1", "Engineer", 3, 1),
        ("Person 0", "Engineer", 3, 1),
    ]


def test_candidate_list_search_and_archive(many, hiring_manager):
    visible = Candidate.objects.visible_to(hiring_manager)
    assert [c.name for c in visible.for_candidate_list(q="p1@example")] == ["Person 1"]
    assert [c.name for c in visible.for_candidate_list(q="person 0")] == ["person 0", "Person 0"]
    services.candidate_set_archived(candidate=many[1], archived=True)
    assert [c.name for c in visible.for_candidate_list(archived=True)] == ["Person 1"]
    assert "Person 1" not in [c.name for c in visible.for_candidate_list()]


def test_likely_duplicates_one_query(many, hiring_manager, django_assert_num_queries):
    visible = Candidate.objects.visible_to(hiring_manager)
    with django_assert_num_queries(1):
        rows = [(c.name, c.level.name) for c in visible.likely_duplicates_of(many[0])]
    assert rows == [("person 0", "Engineer")]


def test_interview_counts_one_query(many, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert many[0].interviews.counts() == {"total": 3, "submitted": 1}


def test_loops_page_one_query(many, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = [
            (
                loop.candidate.name,
                loop.candidate.level.name,
                loop.hiring_manager,
                loop.stage_count,
                loop.done_count,
            )
            for loop in Loop.objects.for_list()
        ]
    assert sorted(rows) == [
        ("Person 0", "Engineer", None, 3, 1),
        ("Person 1", "Engineer", None, 3, 1),
        ("Person 2", "Engineer", None, 3, 1),
    ]


def test_loop_page_three_queries(many, django_assert_num_queries):
    pk = Loop.objects.get(candidate=many[0]).pk
    # the loop (candidate, level, manager), its stages (interviewer, interview), their topics
    with django_assert_num_queries(3):
        loop = Loop.objects.for_page().get(pk=pk)
        rows = [
            (s.name, s.interviewer.username, s.interview.status, list(s.focus_topics.all()))
            for s in loop.stages.all()
        ]
        assert loop.candidate.level.name == "Engineer"
    assert [row[:3] for row in rows] == [
        ("Round 1", "ines", InterviewStatus.DRAFT),
        ("Round 2", "ines", InterviewStatus.LIVE),
        ("Round 3", "ines", InterviewStatus.SUBMITTED),
    ]


def test_decision_page_and_stage_loader_one_query_each(many, django_assert_num_queries):
    loop = Loop.objects.get(candidate=many[0])
    with django_assert_num_queries(1):
        found = Loop.objects.for_decision().get(pk=loop.pk)
        assert (found.candidate.name, found.decided_by) == ("Person 0", None)
    stage = loop.stages.get(position=1)
    with django_assert_num_queries(1):
        assert LoopStage.objects.with_loop().get(pk=stage.pk).loop.candidate.name == "Person 0"


def test_find_page_one_query(many, hiring_manager, django_assert_num_queries):
    visible = Interview.objects.visible_to(hiring_manager)
    with django_assert_num_queries(1):
        rows = [
            (i.candidate.name, i.level.name, i.interviewer.username, i.question_count, i.date)
            for i in visible.for_list().sorted_by("-date")
        ]
    assert len(rows) == 9 and {row[3] for row in rows} == {3}


def test_draft_loader_one_query(many, interviewer, django_assert_num_queries):
    draft = Interview.objects.owned_by(interviewer).drafts_for_dashboard().first()
    with django_assert_num_queries(1):
        found = Interview.objects.with_candidate().scheduled().get(pk=draft.pk)
        assert (found.candidate.name, found.level.name) == (draft.candidate.name, "Engineer")


def test_asked_before_one_query(many, interviewer, bank, django_assert_num_queries):
    draft = Interview.objects.owned_by(interviewer).filter(candidate=many[0]).get(status="draft")
    # Asked in the candidate's live and submitted interviews, planned by the loop's others.
    with django_assert_num_queries(1):
        asked = InterviewQuestion.objects.asked_question_ids(many[0], exclude=draft)
    assert asked == {q.pk for q in bank[3:9]}
    # Without an interview to leave out: what was asked in live and submitted ones.
    assert InterviewQuestion.objects.asked_question_ids(many[1]) == {q.pk for q in bank[3:9]}
