"""Submitting the scorecard: recommendation, summary, unscored questions, and who may submit."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from interviews import services
from interviews.models import InterviewStatus, Recommendation

HX = {"HX-Request": "true"}


def submit_url(interview):
    return reverse("interviews:submit", args=[interview.pk])


def score_all(interview):
    for item in interview.items.all():
        services.item_score(item=item, score=3)


def test_submit_page(as_interviewer, live_interview):
    services.item_score(item=live_interview.items.first(), score=2)
    response = as_interviewer.get(submit_url(live_interview))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<form id="submit-form" method="post" action="{submit_url(live_interview)}"' in html
    assert html.count('type="radio" name="recommendation"') == 4
    for value, label in Recommendation.choices:
        assert f'value="{value}"' in html and label in html
    assert "neutral" not in html.lower()
    assert '<textarea name="summary"' in html
    assert 'name="allow_unscored"' in html and "Leave 2 questions unscored" in html
    assert html.count('data-state="open"') == 2 and "scored 2 · Mixed" in html


def test_submit_page_has_no_unscored_checkbox_when_all_are_scored_or_skipped(
    as_interviewer, live_interview
):
    items = list(live_interview.items.all())
    services.item_score(item=items[0], skipped=True)
    for item in items[1:]:
        services.item_score(item=item, score=4)
    html = as_interviewer.get(submit_url(live_interview)).content.decode()
    assert "allow_unscored" not in html and "questions unscored" not in html


def test_submit_page_counts_in_words_and_keeps_skipped_apart_from_answered(
    as_interviewer, live_interview
):
    """One scored, one skipped, one open: "1 of 3 answered · 1 skipped · 1 unscored", and the
    open question in the singular, never "question(s)" nor "unscored questions unscored"."""
    first, second, _third = live_interview.items.all()
    services.item_score(item=first, score=3)
    services.item_score(item=second, skipped=True)
    response = as_interviewer.get(submit_url(live_interview))
    html = response.content.decode()
    summary = " ".join(html.split('id="answers-heading"')[1].split("</p>")[0].split())
    assert "1 of 3 answered · 1 skipped · <strong>1 unscored</strong>" in summary
    assert "Leave 1 question unscored" in html
    assert "(s)" not in html and "unscored question unscored" not in html
    response = as_interviewer.post(submit_url(live_interview), {"recommendation": "hire"})
    html = response.content.decode()
    assert (
        "1 question has no score and was not skipped. Score or skip it, or confirm that you "
        "leave it unscored."
    ) in html


def test_submit_form_as_htmx_fragment(as_interviewer, live_interview):
    response = as_interviewer.get(submit_url(live_interview), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<form id="submit-form"')
    assert "Leave 3 questions unscored" in html


def test_submit_succeeds_and_goes_to_the_scorecard(as_interviewer, live_interview):
    score_all(live_interview)
    response = as_interviewer.post(
        submit_url(live_interview),
        {"recommendation": "strong_hire", "summary": "  Clear, deep answers.  "},
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("interviews:scorecard", args=[live_interview.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Scorecard submitted."]
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.SUBMITTED
    assert live_interview.submitted_at is not None
    assert live_interview.recommendation == "strong_hire"
    assert live_interview.summary == "Clear, deep answers."


def test_submit_with_htmx_redirects_with_hx_redirect(as_interviewer, live_interview):
    response = as_interviewer.post(
        submit_url(live_interview),
        {"recommendation": "no_hire", "summary": "Gaps.", "allow_unscored": "on"},
        headers=HX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("interviews:scorecard", args=[live_interview.pk])
    live_interview.refresh_from_db()
    assert (
        live_interview.status == InterviewStatus.SUBMITTED
        and live_interview.recommendation == "no_hire"
    )


def test_submit_without_anything_shows_every_error_per_field(as_interviewer, live_interview):
    response = as_interviewer.post(submit_url(live_interview), {}, headers=HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html
    assert (
        '<ul class="errorlist" id="recommendation-errors" role="alert"><li>Choose a '
        "recommendation: strong no hire, no hire, hire or strong hire.</li></ul>"
    ) in html
    assert (
        '<ul class="errorlist" id="summary-errors" role="alert">'
        "<li>Write a summary of the interview.</li></ul>"
    ) in html
    assert "<li>3 questions have no score and were not skipped. Score or skip them," in html
    response = as_interviewer.post(submit_url(live_interview), {})
    assert response.status_code == 422 and "<html" in response.content.decode()
    assert set(response.context["form"].errors) == {"recommendation", "summary", "allow_unscored"}
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.LIVE and live_interview.submitted_at is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"summary": "Fine."}, "recommendation"),
        ({"recommendation": "neutral", "summary": "Fine."}, "recommendation"),
        ({"recommendation": "hire"}, "summary"),
        ({"recommendation": "hire", "summary": "   "}, "summary"),
    ],
)
def test_submit_refuses_a_missing_recommendation_or_summary(
    as_interviewer, live_interview, data, field
):
    score_all(live_interview)
    response = as_interviewer.post(submit_url(live_interview), data)
    assert response.status_code == 422
    assert "<html" in response.content.decode()
    assert list(response.context["form"].errors) == [field]
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.LIVE
    assert live_interview.recommendation == "" and live_interview.summary == ""


def test_unscored_questions_need_an_explicit_confirmation(as_interviewer, live_interview):
    services.item_score(item=live_interview.items.first(), score=3)
    data = {"recommendation": "hire", "summary": "Good."}
    response = as_interviewer.post(submit_url(live_interview), data)
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["allow_unscored"]
    assert "2 questions have no score and were not skipped" in response.content.decode()
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.LIVE
    response = as_interviewer.post(submit_url(live_interview), {**data, "allow_unscored": "on"})
    assert response.status_code == 303
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.SUBMITTED
    assert list(
        live_interview.items.filter(score__isnull=True).values_list("skipped", flat=True)
    ) == [
        False,
        False,
    ]


def test_skipped_questions_need_no_confirmation(as_interviewer, live_interview):
    for item in live_interview.items.all():
        services.item_score(item=item, skipped=True)
    response = as_interviewer.post(
        submit_url(live_interview), {"recommendation": "strong_no_hire", "summary": "No signal."}
    )
    assert response.status_code == 303
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.SUBMITTED


def test_submitting_a_submitted_interview_changes_nothing(as_interviewer, submitted):
    before = (submitted.submitted_at, submitted.recommendation, submitted.summary)
    for headers in ({}, HX):
        response = as_interviewer.post(
            submit_url(submitted),
            {"recommendation": "no_hire", "summary": "Changed my mind", "allow_unscored": "on"},
            headers=headers,
        )
        scorecard = reverse("interviews:scorecard", args=[submitted.pk])
        if headers:
            assert response["HX-Redirect"] == scorecard
        else:
            assert response.status_code == 303 and response["Location"] == scorecard
            assert "submitted" in next(iter(get_messages(response.wsgi_request))).message
    assert as_interviewer.get(submit_url(submitted))["Location"] == scorecard
    submitted.refresh_from_db()
    assert (submitted.submitted_at, submitted.recommendation, submitted.summary) == before


def test_submitting_a_draft_is_refused(as_interviewer, draft):
    response = as_interviewer.post(
        submit_url(draft), {"recommendation": "hire", "summary": "x", "allow_unscored": "on"}
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("interviews:compose", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == InterviewStatus.DRAFT and draft.recommendation == ""


SUBMIT_DATA = {"recommendation": "hire", "summary": "x", "allow_unscored": "on"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_submit_sends_the_anonymous_to_log_in(client, live_interview, method):
    response = getattr(client, method)(submit_url(live_interview), SUBMIT_DATA)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.LIVE


@pytest.mark.parametrize("who", ["other_interviewer", "hiring_manager"])
def test_submit_is_not_found_for_anyone_but_the_interviewer(client, live_interview, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(submit_url(live_interview)).status_code == 404
    assert client.post(submit_url(live_interview), SUBMIT_DATA).status_code == 404
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.LIVE


def test_submit_page_query_count_does_not_grow(
    as_interviewer, big_interview, live_interview, django_assert_num_queries
):
    services.interview_start(interview=big_interview)
    # session, user, their groups (the rules), interview, its questions
    with django_assert_num_queries(5):
        response = as_interviewer.get(submit_url(big_interview))
    assert "Leave 40 questions unscored" in response.content.decode()
    with django_assert_num_queries(5):
        as_interviewer.get(submit_url(live_interview))
