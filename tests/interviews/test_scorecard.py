"""The scorecard page, its arithmetic, and amending a submitted scorecard."""

from decimal import Decimal

import pytest
from django.urls import reverse

from interviews import reports, services
from interviews.models import Amendment, Interview, InterviewStatus
from questionbank.models import Kind
from tests.factories import QuestionFactory, assigned_interview

from .conftest import make_status

HX = {"HTTP_HX_REQUEST": "true"}


def url(name, interview):
    return reverse(f"interviews:{name}", args=[interview.pk])


@pytest.fixture
def mixed(interviewer, candidate, level, bank, topics):
    """A submitted interview built to check the arithmetic.

    RAG: scores 3, 4, one skipped, one unscored, plus a RAG+Inference question scored 2.
    Inference: the shared question (2) and one scored 1.
    Behavioral: one skipped question only.
    """
    rag, inference, behavioral = topics
    both = QuestionFactory(
        text="How does retrieval change inference cost?",
        difficulty=3,
        levels=[level],
        topics=[rag, inference],
    )
    interview = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=60
    )
    plan = [
        (bank[0], 3, False),  # RAG
        (bank[1], 4, False),  # RAG
        (bank[2], None, True),  # RAG, skipped
        (bank[3], None, False),  # RAG, unscored
        (both, 2, False),  # RAG + Inference
        (bank[4], 1, False),  # Inference
        (bank[8], None, True),  # Behavioral, skipped
    ]
    for question, _score, _skip in plan:
        services.interview_add_question(interview=interview, question=question)
    services.interview_start(interview=interview)
    items = list(interview.items.order_by("position"))
    for item, (_q, score, skip) in zip(items, plan, strict=True):
        if score or skip:
            services.item_score(item=item, score=score, skipped=skip)
        services.item_add_time(item=item, seconds=65 * item.position)
    services.item_save_notes(item=items[0], notes="Good grasp, weak on <chunking>.", base_version=0)
    return services.interview_submit(
        interview=interview,
        recommendation="hire",
        summary="Strong retrieval, shaky on costs.",
        allow_unscored=True,
    )


# Arithmetic ---------------------------------------------------------------------------------


def test_mean_arithmetic_and_rounding():
    assert reports.Mean([3, 4, 2]).arithmetic == "(3 + 4 + 2) / 3 = 3.00"
    assert reports.Mean([1, 2, 2]).value == Decimal("1.67")
    assert reports.Mean([1, 2, 2, 2, 2, 2, 2, 2]).value == Decimal("1.88")  # 1.875 rounds up
    assert reports.Mean([]).value is None
    assert reports.Mean([]).arithmetic == "no scored questions"


def test_format_seconds():
    assert reports.format_seconds(0) == "0:00"
    assert reports.format_seconds(65) == "1:05"
    assert reports.format_seconds(600) == "10:00"
    assert reports.format_seconds(3725) == "1:02:05"


def test_scorecard_leaves_skipped_and_unscored_out(mixed):
    card = reports.build_scorecard(Interview.objects.with_items().get(pk=mixed.pk))
    by_slug = {t.slug: t for t in card.topics}
    assert [t.slug for t in card.topics] == ["rag", "inference", "behavioral"]
    assert by_slug["rag"].mean.scores == [3, 4, 2]
    assert by_slug["rag"].mean.arithmetic == "(3 + 4 + 2) / 3 = 3.00"
    assert (by_slug["rag"].questions, by_slug["rag"].skipped, by_slug["rag"].unscored) == (5, 1, 1)
    assert by_slug["inference"].mean.arithmetic == "(2 + 1) / 2 = 1.50"
    assert by_slug["behavioral"].mean.value is None
    assert by_slug["behavioral"].mean.arithmetic == "no scored questions"
    # The multi-topic question counts once overall.
    assert card.overall.arithmetic == "(3 + 4 + 2 + 1) / 4 = 2.50"
    assert (card.skipped, card.unscored) == (2, 1)
    assert card.seconds == sum(65 * p for p in range(1, 8))


def test_scorecard_page_shows_questions_arithmetic_and_chart(client, interviewer, mixed):
    client.force_login(interviewer)
    response = client.get(url("scorecard", mixed))
    assert response.status_code == 200
    html = response.content.decode()
    assert "(3 + 4 + 2) / 3 = 3.00" in html
    assert "(2 + 1) / 2 = 1.50" in html
    assert "(3 + 4 + 2 + 1) / 4 = 2.50" in html
    assert "no scored questions" in html
    assert "1 skipped, 1 unscored left out" in html
    assert "counts in each of its topics" in html
    # Each question: position, score with its anchor label, markers, notes (escaped), time.
    assert "3 Good" in html and "4 Excellent" in html and "1 Poor" in html
    assert html.count(">Skipped</span>") == 2
    assert html.count(">Not scored</span>") == 1
    assert "weak on &lt;chunking&gt;." in html
    assert "time 1:05" in html and "time 7:35" in html
    # Recommendation, summary, meta.
    assert "Recommendation: <span" in html and ">Hire</span>" in html
    assert "Strong retrieval, shaky on costs." in html
    assert "ines" in html and "Cam Candidate" in html
    # The SVG chart has a title, a description with the numbers, and one bar per scored topic.
    assert "<svg" in html and "<title id=" in html
    assert (
        "RAG: 3.00; Inference: 1.50; Behavioral Questions (Use STAR Framework): no scored" in html
    )
    assert html.count('fill="#1d5fa8"') == 2
    # Links: amend for the owner, three exports, print hint.
    assert url("amend", mixed) in html
    for fmt in ("md", "csv", "json"):
        assert reverse("interviews:export", args=[mixed.pk, fmt]) in html
    assert "the page has a print stylesheet" in html
    assert "css/scorecard.css" in html


def test_scorecard_permissions(client, interviewer, other_interviewer, hiring_manager, submitted):
    target = url("scorecard", submitted)
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(other_interviewer)
    assert client.get(target).status_code == 404
    client.force_login(hiring_manager)
    response = client.get(target)
    assert response.status_code == 200
    assert "Solid on retrieval." in response.content.decode()
    assert url("amend", submitted) not in response.content.decode()  # reading only
    client.force_login(interviewer)
    assert client.get(target).status_code == 200
    assert client.post(target).status_code == 405


def test_owner_of_a_draft_or_live_interview_is_sent_to_compose_or_live(client, interviewer, draft):
    client.force_login(interviewer)
    response = client.get(url("scorecard", draft))
    assert response.status_code == 302 and response["Location"] == url("compose", draft)
    services.interview_start(interview=draft)
    response = client.get(url("scorecard", draft))
    assert response.status_code == 302 and response["Location"] == url("live", draft)


def test_hiring_manager_sees_not_submitted_yet(client, hiring_manager, live_interview):
    item = live_interview.items.first()
    services.item_save_notes(item=item, notes="secret live note", base_version=0)
    client.force_login(hiring_manager)
    response = client.get(url("scorecard", live_interview))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not submitted yet" in html and "It has 3 questions" in html
    assert "secret live note" not in html
    assert reverse("interviews:export", args=[live_interview.pk, "csv"]) not in html


def test_scorecard_query_count_does_not_grow(
    client, interviewer, hiring_manager, submitted, big_interview, django_assert_num_queries
):
    big = make_status(big_interview, InterviewStatus.SUBMITTED)
    assert big.items.count() == 40
    services.interview_amend(
        interview=big, user=interviewer, reason="typo", summary="Better summary"
    )
    # session, user, their groups (the rules), interview, items, amendments, co-scorers, the
    # audit row
    for reader in (interviewer, hiring_manager):
        client.force_login(reader)
        for interview in (submitted, big):
            with django_assert_num_queries(8):
                assert client.get(url("scorecard", interview)).status_code == 200


# Amend --------------------------------------------------------------------------------------


def amend_data(interview, **overrides):
    """The amend form as the page sends it, unchanged, plus overrides."""
    interview.refresh_from_db()
    data = {
        "recommendation": interview.recommendation,
        "summary": interview.summary,
        "reason": "",
        "version": interview.version,
    }
    for item in interview.items.all():
        data[f"score_{item.pk}"] = "" if item.score is None else str(item.score)
        data[f"notes_{item.pk}"] = item.notes
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["other_interviewer", "hiring_manager"])
def test_amend_is_not_found_for_anyone_but_the_interviewer(client, submitted, request, who):
    target = url("amend", submitted)
    client.force_login(request.getfixturevalue(who))
    assert client.get(target).status_code == 404
    data = amend_data(submitted, reason="x", recommendation="strong_no_hire")
    assert client.post(target, data).status_code == 404
    submitted.refresh_from_db()
    assert submitted.recommendation == "hire" and not Amendment.objects.exists()


def test_amend_permissions(client, interviewer, submitted):
    target = url("amend", submitted)
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(target, amend_data(submitted, reason="x")).status_code == 302
    submitted.refresh_from_db()
    assert submitted.recommendation == "hire" and not Amendment.objects.exists()
    client.force_login(interviewer)
    response = client.get(target)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'id="amend-form"' in html
    assert "Why do you amend this scorecard?" in html
    assert html.count("<select") == 3


def test_amend_fragment(client, interviewer, submitted):
    client.force_login(interviewer)
    response = client.get(url("amend", submitted), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.strip().startswith('<div id="amend-form">')
    assert "HX-Request" in response["Vary"]


def test_amend_records_who_when_and_what(client, interviewer, submitted):
    client.force_login(interviewer)
    first, second, _third = submitted.items.order_by("position")
    assert (first.score, second.score) == (1, 2)
    data = amend_data(
        submitted,
        reason="Misclicked the first score",
        recommendation="strong_hire",
        **{f"score_{first.pk}": "4", f"notes_{second.pk}": "Added after the debrief"},
    )
    response = client.post(url("amend", submitted), data)
    assert response.status_code == 303 and response["Location"] == url("scorecard", submitted)
    amendment = Amendment.objects.get()
    assert amendment.user == interviewer and amendment.reason == "Misclicked the first score"
    assert amendment.created_at is not None
    assert amendment.changes == [
        {"field": "recommendation", "old": "hire", "new": "strong_hire"},
        {"field": "score", "question": 1, "old": 1, "new": 4},
        {"field": "notes", "question": 2, "old": "", "new": "Added after the debrief"},
    ]
    first.refresh_from_db()
    submitted.refresh_from_db()
    assert first.score == 4 and submitted.recommendation == "strong_hire"
    html = client.get(url("scorecard", submitted)).content.decode()
    assert "Scorecard amended: 3 changes recorded." in html
    assert "Amendment history" in html and "Misclicked the first score" in html
    assert "<strong>ines</strong> amended on" in html
    assert "Score of question 1</th><td>1 Poor</td><td>4 Excellent</td>" in html
    assert "Recommendation</th><td>Hire</td><td>Strong hire</td>" in html
    assert "Notes of question 2</th><td>(empty)</td><td>Added after the debrief</td>" in html


def test_amend_over_htmx_redirects_the_client(client, interviewer, submitted):
    client.force_login(interviewer)
    data = amend_data(submitted, reason="Clearer summary", summary="Solid on retrieval; slow.")
    response = client.post(url("amend", submitted), data, **HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("scorecard", submitted)
    assert Amendment.objects.get().changes == [
        {"field": "summary", "old": "Solid on retrieval.", "new": "Solid on retrieval; slow."}
    ]


def test_amend_without_a_reason_or_with_a_bad_score_changes_nothing(client, interviewer, submitted):
    client.force_login(interviewer)
    first = submitted.items.order_by("position").first()
    data = amend_data(submitted, recommendation="no_hire", **{f"score_{first.pk}": "4"})
    response = client.post(url("amend", submitted), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html and "Say why you amend the scorecard." in html
    assert "Nothing was changed." in html
    response = client.post(
        url("amend", submitted), {**data, "reason": "x", f"score_{first.pk}": "5"}, **HX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html and "A score is 1 (Poor), 2 (Mixed), 3 (Good), 4" in html
    response = client.post(url("amend", submitted), {**data, "recommendation": "maybe"}, **HX)
    assert response.status_code == 422
    first.refresh_from_db()
    submitted.refresh_from_db()
    assert first.score == 1 and submitted.recommendation == "hire"
    assert not Amendment.objects.exists()


def test_amend_with_no_change_records_nothing(client, interviewer, submitted):
    item = submitted.items.order_by("position").first()
    services.interview_amend(
        interview=submitted,
        user=interviewer,
        reason="seed notes",
        notes={item.pk: "line one\nline two"},
    )
    Amendment.objects.all().delete()
    client.force_login(interviewer)
    # The browser sends textarea line breaks as CRLF: that is no change.
    data = amend_data(submitted, reason="Just looking")
    data[f"notes_{item.pk}"] = "line one\r\nline two"
    data["summary"] = submitted.summary + "\r\n"
    response = client.post(url("amend", submitted), data)
    assert response.status_code == 200
    assert "Nothing changed, so no amendment was recorded." in response.content.decode()
    response = client.post(url("amend", submitted), data, **HX)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert not Amendment.objects.exists()


def test_amend_clears_a_score(client, interviewer, submitted):
    client.force_login(interviewer)
    first = submitted.items.order_by("position").first()
    data = amend_data(submitted, reason="Not asked after all", **{f"score_{first.pk}": ""})
    assert client.post(url("amend", submitted), data).status_code == 303
    first.refresh_from_db()
    assert first.score is None
    assert Amendment.objects.get().changes == [
        {"field": "score", "question": 1, "old": 1, "new": None}
    ]


@pytest.mark.parametrize("status", [InterviewStatus.DRAFT, InterviewStatus.LIVE])
def test_amend_needs_a_submitted_interview(client, interviewer, draft, status):
    interview = make_status(draft, status)
    client.force_login(interviewer)
    response = client.get(url("amend", interview))
    assert response.status_code == 409
    assert "Only a submitted scorecard can be amended." in response.content.decode()
    response = client.post(url("amend", interview), {"reason": "x", "recommendation": "hire"}, **HX)
    assert response.status_code == 409 and "<html" not in response.content.decode()
    interview.refresh_from_db()
    assert interview.status == status and interview.recommendation == ""
    assert not Amendment.objects.exists()


def test_hiring_manager_amend_of_own_style_is_404_even_for_drafts(client, hiring_manager, draft):
    client.force_login(hiring_manager)
    assert client.get(url("amend", draft)).status_code == 404


def test_kind_snapshot_shown(client, interviewer, submitted):
    client.force_login(interviewer)
    html = client.get(url("scorecard", submitted)).content.decode()
    assert Kind.CONCEPTUAL.label in html
