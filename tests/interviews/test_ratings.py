"""The sheets as rows for the measures: submitted sheets only, each rater once per line."""

import datetime

from interviews.models import CoScore, CoScorer, Decision
from interviews.ratings import hire_rows, ratings
from tests.factories import UserFactory


def _co_sheet(interview, user, scores, *, submitted=True, recommendation="no_hire"):
    sheet = CoScorer.objects.create(
        interview=interview,
        user=user,
        added_by=interview.interviewer,
        submitted_at=interview.submitted_at if submitted else None,
        recommendation=recommendation if submitted else "",
        summary="Seen it." if submitted else "",
    )
    for item, score in zip(interview.items.order_by("position"), scores, strict=True):
        CoScore.objects.create(
            sheet=sheet, item=item, score=score, skipped=score is None, notes="n"
        )
    return sheet


def test_a_submitted_interview_gives_one_row_per_question(submitted, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = ratings()
    items = list(submitted.items.order_by("id"))
    assert [(r.question_id, r.score) for r in rows] == [(i.question_id, i.score) for i in items]
    assert {r.interviewer_id for r in rows} == {submitted.interviewer_id}
    assert {r.candidate_id for r in rows} == {submitted.candidate_id}
    assert {r.level for r in rows} == {submitted.level.slug}


def test_a_live_interview_is_not_measured(live_interview):
    assert ratings() == []


def test_co_scorers_count_once_submitted(submitted):
    panel = UserFactory(username="panel")
    shadow = UserFactory(username="shadow")
    _co_sheet(submitted, panel, [4, None, 2])
    _co_sheet(submitted, shadow, [1, 1, 1], submitted=False)
    rows = ratings()
    co = [(r.interviewer_id, r.score, r.skipped) for r in rows if r.interviewer_id == panel.pk]
    assert co == [(panel.pk, 4, False), (panel.pk, None, True), (panel.pk, 2, False)]
    assert not [r for r in rows if r.interviewer_id == shadow.pk]
    assert len(ratings(interviews=[submitted.pk])) == 6
    assert ratings(interviews=[]) == []


def test_hire_rows_pair_recommendations_with_the_loops_decision(submitted, hiring_manager):
    panel = UserFactory(username="panel")
    _co_sheet(submitted, panel, [1, 1, 1], recommendation="strong_no_hire")
    assert hire_rows() == []  # no decision yet
    loop = submitted.stage.loop
    loop.decision, loop.decided_on = Decision.NO_HIRE, datetime.date(2026, 12, 1)
    loop.save()
    rows = sorted(hire_rows(), key=lambda r: r.interviewer_id)
    assert [(r.interviewer_id, r.recommended_hire, r.decision_hire) for r in rows] == sorted(
        [(submitted.interviewer_id, True, False), (panel.pk, False, False)]
    )
