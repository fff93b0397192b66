"""Issue 5: every question of the guide carries answer guidance a specialist would write."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils.html import escape

from questionbank.guide import load_guidance
from questionbank.models import Kind, Question, QuestionStatus
from tests.factories import assigned_interview


@pytest.fixture
def guide_questions(guide_bank):
    return list(Question.objects.filter(source="llm_guide.txt", status=QuestionStatus.ACTIVE))


def test_every_active_guide_question_has_complete_guidance(guide_questions):
    assert len(guide_questions) == 312
    incomplete = [
        q.text
        for q in guide_questions
        if not (3 <= len(q.key_points()) <= 6)
        or not (1 <= len(q.follow_up_list()) <= 3)
        or not (1 <= len(q.red_flag_list()) <= 2)
        or not q.estimated_minutes
    ]
    assert incomplete == []


def test_estimates_fit_the_kind(guide_questions):
    for q in guide_questions:
        if q.kind == Kind.CODING:
            assert 10 <= q.estimated_minutes <= 45, q.text
        elif q.kind == Kind.SYSTEM_DESIGN:
            assert 15 <= q.estimated_minutes <= 45, q.text
        elif q.kind == Kind.BEHAVIORAL:
            assert 5 <= q.estimated_minutes <= 15, q.text
        else:
            assert 2 <= q.estimated_minutes <= 30, q.text


def test_harder_conceptual_questions_take_longer_on_average(guide_questions):
    conceptual = [q for q in guide_questions if q.kind == Kind.CONCEPTUAL]

    def mean(d):
        minutes = [q.estimated_minutes for q in conceptual if q.difficulty == d]
        return sum(minutes) / len(minutes)

    assert mean(1) < mean(3) < mean(5)


def test_guidance_points_are_single_short_lines():
    guidance = load_guidance(Path(settings.BASE_DIR) / "fixtures" / "guidance")
    assert len(guidance) == 312
    for entry in guidance.values():
        for point in [*entry.key_points, *entry.red_flags]:
            assert point and "\n" not in point and len(point) <= 260, point
        for follow_up in entry.follow_ups:
            # A numeric follow-up carries its expected answer, with the arithmetic, after the probe.
            probe, _, expected = follow_up.partition("Expected:")
            assert probe and "\n" not in follow_up, follow_up
            assert len(probe) <= 260 and len(expected) <= 400, follow_up


def test_guidance_shows_on_the_bank_and_in_the_admin(client, superuser, guide_bank):
    client.force_login(superuser)
    question = Question.objects.get(
        text="How do you calculate the size of the key-value (KV) cache?"
    )
    html = client.get("/bank/?q=key-value+cache+size").content.decode()
    assert question.key_points()[0] in html
    html = client.get(f"/admin/questionbank/question/{question.pk}/change/").content.decode()
    assert "Answer guidance" in html and question.red_flag_list()[0][:40] in html


def test_guidance_shows_in_the_composer_and_beside_the_rubric_on_the_live_page(client, guide_bank):
    from interviews import services
    from questionbank.models import Level
    from tests.factories import UserFactory

    user = UserFactory(username="gina", groups=["Interviewers"])
    engineer = Level.objects.get(slug="engineer")
    question = Question.objects.get(
        text="What is speculative decoding and how does it improve inference speed?"
    )
    candidate = services.candidate_create(name="Kim", level=engineer, created_by=user)
    interview = assigned_interview(
        interviewer=user, candidate=candidate, level=engineer, planned_minutes=30
    )
    client.force_login(user)
    composer = client.get(
        f"/interviews/{interview.pk}/compose/?level=engineer&q=speculative+decoding&view=detailed"
    ).content.decode()
    assert "Answer guidance" in composer and escape(question.key_points()[0]) in composer
    # The compact list loads it when the question is opened (or links to it without JS).
    composer = client.get(
        f"/interviews/{interview.pk}/compose/?level=engineer&q=speculative+decoding&view=compact"
    ).content.decode()
    link = f'href="/bank/{question.pk}/" hx-get="/bank/{question.pk}/"'
    assert link in composer and escape(question.key_points()[0]) not in composer
    fragment = client.get(f"/bank/{question.pk}/", headers={"HX-Request": "true"})
    fragment = fragment.content.decode()
    assert fragment.lstrip().startswith(f'<div class="guidance-block" id="guidance-{question.pk}">')
    assert escape(question.key_points()[0]) in fragment and "4 Excellent" in fragment
    services.interview_add_question(interview=interview, question=question)
    services.interview_start(interview=interview)
    live = client.get(f"/interviews/{interview.pk}/live/").content.decode()
    for point in [*question.key_points(), *question.follow_up_list(), *question.red_flag_list()]:
        assert escape(point) in live
    assert live.index("Excellent") < live.index(escape(question.key_points()[0]))
