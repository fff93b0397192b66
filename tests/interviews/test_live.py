"""The live interview: start, the live page, scoring, notes autosave, time, unplanned questions."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.models import Interview, InterviewQuestion, InterviewStatus
from people.models import AuditEvent
from questionbank.models import QuestionStatus
from tests.factories import QuestionFactory, assigned_interview

HX = {"HX-Request": "true"}


def url(name, interview, *args):
    return reverse(f"interviews:{name}", args=[interview.pk, *args])


def item_url(name, interview, item):
    return reverse(f"interviews:{name}", args=[interview.pk, item.pk])


def first_item(interview):
    return interview.items.order_by("position").first()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def triggers(response):
    return json.loads(response.headers.get("HX-Trigger", "{}"))


# Start ---------------------------------------------------------------------------------------


def test_start_moves_the_draft_to_live_and_opens_the_live_page(as_interviewer, draft):
    response = as_interviewer.post(url("start", draft))
    assert response.status_code == 303
    assert response["Location"] == url("live", draft)
    draft.refresh_from_db()
    assert draft.status == InterviewStatus.LIVE and draft.started_at is not None


def test_start_with_htmx_redirects_the_whole_page(as_interviewer, draft):
    response = as_interviewer.post(url("start", draft), headers=HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("live", draft)
    draft.refresh_from_db()
    assert draft.status == InterviewStatus.LIVE


def test_start_an_empty_interview_is_refused_with_a_message(
    as_interviewer, interviewer, candidate, level
):
    empty = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    response = as_interviewer.post(url("start", empty))
    assert response.status_code == 303
    assert response["Location"] == url("compose", empty)
    assert messages_of(response) == ["Add at least one question before starting."]
    empty.refresh_from_db()
    assert empty.status == InterviewStatus.DRAFT and empty.started_at is None


def test_start_a_submitted_interview_changes_nothing(as_interviewer, submitted):
    before = submitted.started_at
    response = as_interviewer.post(url("start", submitted))
    assert response["Location"] == url("scorecard", submitted)
    assert "submitted" in messages_of(response)[0]
    submitted.refresh_from_db()
    assert submitted.status == InterviewStatus.SUBMITTED and submitted.started_at == before


def test_start_is_post_only(as_interviewer, draft):
    assert as_interviewer.get(url("start", draft)).status_code == 405


def test_start_permissions(client, draft, other_interviewer, hiring_manager):
    response = client.post(url("start", draft))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (other_interviewer, hiring_manager):
        client.force_login(user)
        assert client.post(url("start", draft)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == InterviewStatus.DRAFT


# The live page -------------------------------------------------------------------------------


def test_live_page_shows_one_question_in_focus_with_rubric_guidance_and_the_list(
    as_interviewer, live_interview
):
    items = list(live_interview.items.order_by("position"))
    response = as_interviewer.get(url("live", live_interview))
    assert response.status_code == 200
    html = response.content.decode()
    first = items[0]
    assert response.context["item"] == first
    assert '<h2 id="focus-heading"' in html and first.text in html
    # rubric anchors from the snapshot, each a submit button of the score form
    assert f'action="{item_url("score", live_interview, first)}"' in html
    for value, label, anchor in first.rubric():
        assert f'name="score" value="{value}" id="score-{first.pk}-{value}"' in html
        assert label in html and anchor in html
    assert f'id="skip-{first.pk}"' in html and f'id="clear-{first.pk}"' in html
    # guidance key points from the snapshot, one per line
    assert "<li>First point</li>" in html and "<li>Third point</li>" in html
    # the list of all questions with their state, as links with href and hx-get
    for item in items:
        link = f"{url('live', live_interview)}?q={item.position}"
        assert f'href="{link}"' in html and f'hx-get="{link}"' in html
        assert f'id="nav-item-{item.pk}" data-state="open"' in html
    assert html.count('hx-push-url="true"') >= len(items)
    assert html.count('aria-current="step"') == 1
    # shortcuts legend, timer, notes, the script
    assert "<kbd>1</kbd>" in html and "<kbd>s</kbd>" in html and "<kbd>n</kbd>" in html
    assert (
        'id="session-timer"' in html
        and f'data-planned-minutes="{live_interview.planned_minutes}"' in html
    )
    assert f'data-time-url="{item_url("record_time", live_interview, first)}"' in html
    assert f'id="notes-{first.pk}"' in html and 'name="version" value="0"' in html
    assert 'aria-live="polite"' in html
    assert "js/live.js" in html and "css/live.css" in html


def test_live_page_focus_follows_q_and_defaults_to_the_first_open_question(
    as_interviewer, live_interview
):
    items = list(live_interview.items.order_by("position"))
    response = as_interviewer.get(url("live", live_interview), {"q": 2})
    assert response.context["item"] == items[1]
    assert response.context["prev_item"] == items[0] and response.context["next_item"] == items[2]
    services.item_score(item=items[0], score=3)
    for bad in ("", "x", "99", "-1"):
        response = as_interviewer.get(url("live", live_interview), {"q": bad})
        assert response.status_code == 200
        assert response.context["item"] == items[1]
    html = as_interviewer.get(url("live", live_interview)).content.decode()
    assert f'id="nav-item-{items[0].pk}" data-state="scored"' in html and "scored 3" in html


def test_live_page_as_htmx_returns_the_focus_and_the_list_out_of_band(
    as_interviewer, live_interview
):
    items = list(live_interview.items.order_by("position"))
    response = as_interviewer.get(url("live", live_interview), {"q": 3}, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="focus"')
    assert items[2].text in html
    assert '<ol id="question-nav" class="question-nav" hx-swap-oob="true">' in html
    assert 'id="progress"' in html and html.count('hx-swap-oob="true"') == 2
    assert response.headers["Vary"].count("HX-Request") == 1


def test_live_page_of_a_submitted_interview_redirects_to_the_scorecard(as_interviewer, submitted):
    response = as_interviewer.get(url("live", submitted))
    assert response.status_code == 303 and response["Location"] == url("scorecard", submitted)
    assert "submitted" in messages_of(response)[0]


def test_live_page_of_a_draft_redirects_to_the_composer(as_interviewer, draft):
    response = as_interviewer.get(url("live", draft))
    assert response.status_code == 303 and response["Location"] == url("compose", draft)
    response = as_interviewer.get(url("live", draft), headers=HX)
    assert response["HX-Redirect"] == url("compose", draft)


def test_live_page_permissions(client, live_interview, other_interviewer, hiring_manager):
    response = client.get(url("live", live_interview))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (other_interviewer, hiring_manager):
        client.force_login(user)
        assert client.get(url("live", live_interview)).status_code == 404


def test_pace_hint_when_running_behind_plan(as_interviewer, live_interview):
    html = as_interviewer.get(url("live", live_interview)).content.decode()
    assert '<p id="pace-hint" class="pace-hint" hidden></p>' in html
    Interview.objects.filter(pk=live_interview.pk).update(
        started_at=timezone.now() - timedelta(minutes=30)
    )
    item = first_item(live_interview)
    services.item_score(item=item, score=2)
    response = as_interviewer.get(url("live", live_interview))
    pace = response.context["pace"]
    assert pace["answered"] == 1 and pace["total"] == 3 and pace["behind"]
    assert (
        '<p id="pace-hint" class="pace-hint">'
        "Running behind plan: 2 questions left, 15 minutes left</p>"
    ) in response.content.decode()


def test_pace_is_on_plan_when_work_keeps_up_with_time(as_interviewer, live_interview):
    Interview.objects.filter(pk=live_interview.pk).update(
        started_at=timezone.now() - timedelta(minutes=15)
    )
    services.item_score(item=first_item(live_interview), score=4)  # 1/3 done at 1/3 of the time
    response = as_interviewer.get(url("live", live_interview))
    assert not response.context["pace"]["behind"]
    assert "Running behind plan" not in response.content.decode()


def test_the_progress_carries_the_second_the_pace_turns_behind(as_interviewer, live_interview):
    """live.js does not compute the pace rule: it compares its clock to data-behind-after (45
    minutes, 1 of 3 done: 2700 * (1/3 + 1/10) = 1170 s) and counts the minutes left."""
    services.item_score(item=first_item(live_interview), score=3)
    html = as_interviewer.get(url("live", live_interview)).content.decode()
    assert 'data-behind-after="1170" data-questions-left="2"' in html


def test_progress_counts_answered_as_scored_and_skipped_apart(as_interviewer, live_interview):
    """A skipped question is not answered: "Answered 1 of 3 · 1 skipped". It is no longer
    left, though: the pace counts it as done (data-done)."""
    first, second, _third = live_interview.items.all()
    services.item_score(item=first, score=2)
    services.item_score(item=second, skipped=True)
    Interview.objects.filter(pk=live_interview.pk).update(
        started_at=timezone.now() - timedelta(minutes=30)
    )
    response = as_interviewer.get(url("live", live_interview))
    pace = response.context["pace"]
    assert (pace["answered"], pace["skipped"], pace["done"], pace["total"]) == (1, 1, 2, 3)
    html = response.content.decode()
    assert 'data-answered="1" data-skipped="1" data-done="2" data-total="3"' in html
    assert "<p>Answered <strong>1</strong> of 3 · 1 skipped</p>" in html
    assert not pace["behind"]  # 2/3 done at 2/3 of the time
    # The progress fragment sent with a score says the same.
    response = as_interviewer.post(
        item_url("score", live_interview, second), {"score": "4"}, headers=HX
    )
    html = response.content.decode()
    assert "<p>Answered <strong>2</strong> of 3</p>" in html and "skipped</p>" not in html


def test_live_page_query_count_does_not_grow_with_the_interview_or_the_bank(
    as_interviewer, big_interview, live_interview, django_assert_num_queries
):
    services.interview_start(interview=big_interview)
    assert big_interview.items.count() == 40
    # session, user, their groups (the rules), interview (+candidate, level, interviewer),
    # its questions
    with django_assert_num_queries(5):
        response = as_interviewer.get(url("live", big_interview), {"q": 20})
    assert response.status_code == 200
    assert response.content.decode().count('data-state="open"') == 40
    with django_assert_num_queries(5):
        response = as_interviewer.get(url("live", live_interview))
    assert response.status_code == 200
    with django_assert_num_queries(5):
        as_interviewer.get(url("live", big_interview), {"q": 7}, headers=HX)


def test_live_page_search_query_count_is_bounded(
    as_interviewer, big_interview, django_assert_num_queries
):
    services.interview_start(interview=big_interview)
    # + the search, its topics, and the questions this candidate was already asked
    with django_assert_num_queries(8):
        response = as_interviewer.get(url("live", big_interview), {"find": "bulk question"})
    assert len(response.context["results"]) == 10


# Unplanned questions: search and add -------------------------------------------------------


def test_search_the_bank_in_the_page(as_interviewer, live_interview, bank):
    response = as_interviewer.get(url("live", live_interview), {"find": "inference"})
    html = response.content.decode()
    rows = response.context["results"]
    assert [row["question"] for row in rows] == [q for q in bank if "Inference" in q.text]
    assert html.count('name="question" value=') == 4
    assert f'action="{url("add_unplanned", live_interview)}"' in html
    assert "<details open>" in html


def test_search_as_htmx_returns_the_results_only(as_interviewer, live_interview, bank):
    response = as_interviewer.get(
        url("live", live_interview),
        {"find": "RAG question"},
        headers={**HX, "HX-Target": "unplanned-results"},
    )
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<div id="unplanned-results"')
    # the first three RAG questions are already in the interview
    assert html.count("Already in this interview") == 3
    assert html.count('name="question" value=') == 1
    assert f'value="{bank[3].pk}"' in html


def test_search_marks_questions_already_asked_and_finds_nothing_for_nonsense(
    as_interviewer, submitted, interviewer, candidate, level, bank
):
    second = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    services.interview_add_question(interview=second, question=bank[8])
    services.interview_start(interview=second)
    html = as_interviewer.get(url("live", second), {"find": "RAG"}).content.decode()
    assert html.count("Asked before") == 3
    html = as_interviewer.get(url("live", second), {"find": "zzzz-nothing"}).content.decode()
    assert "No active Engineer question matches" in html
    html = as_interviewer.get(url("live", second), {"find": "R"}).content.decode()
    assert "Type at least 2 characters" in html


def test_add_unplanned_question(as_interviewer, live_interview, bank):
    response = as_interviewer.post(
        url("add_unplanned", live_interview), {"question": bank[5].pk, "find": "x"}
    )
    assert response.status_code == 303
    assert response["Location"] == f"{url('live', live_interview)}?q=4"
    item = live_interview.items.get(question=bank[5])
    assert item.position == 4 and item.planned is False and item.text == bank[5].text
    assert messages_of(response) == ["Added as question 4."]


def test_add_unplanned_question_with_htmx_focuses_it(as_interviewer, live_interview, bank):
    response = as_interviewer.post(
        url("add_unplanned", live_interview), {"question": bank[5].pk}, headers=HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    item = live_interview.items.get(question=bank[5])
    assert "<html" not in html and html.lstrip().startswith('<section id="focus"')
    assert bank[5].text in html and "Added as question 4." in html and "Unplanned" in html
    assert f'id="nav-item-{item.pk}"' in html and 'id="question-nav"' in html
    assert '<div id="unplanned-results" class="unplanned-results" hx-swap-oob="true">' in html
    assert response["HX-Push-Url"] == f"{url('live', live_interview)}?q=4"
    assert triggers(response) == {}  # no event: nothing listened to "questionAdded"


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("dup", "already in the interview"),
        ("999999", "does not exist in the bank"),
        ("x", "not a question of the bank"),
        ("", "Choose a question to add."),
        ("retired", "retired"),
    ],
)
def test_add_unplanned_bad_input(as_interviewer, live_interview, bank, question, message):
    if question == "dup":
        question = bank[0].pk
    elif question == "retired":
        retired = QuestionFactory(status=QuestionStatus.RETIRED, levels=[live_interview.level])
        question = retired.pk
    for headers in ({}, HX):
        response = as_interviewer.post(
            url("add_unplanned", live_interview), {"question": question}, headers=headers
        )
        assert response.status_code == 422
        assert message in response.content.decode()
    assert live_interview.items.count() == 3
    # the htmx error goes to the results box, not the focus
    assert response["HX-Retarget"] == "#unplanned-results"
    assert "<html" not in response.content.decode()


def test_add_a_question_already_asked_to_the_candidate_asks_for_confirmation(
    as_interviewer, submitted, interviewer, candidate, level, bank
):
    second = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    services.interview_add_question(interview=second, question=bank[8])
    services.interview_start(interview=second)
    response = as_interviewer.post(
        url("add_unplanned", second), {"question": bank[0].pk}, headers=HX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "already asked this question in another interview" in html
    assert 'name="confirm_repeat" value="1"' in html and "Add it anyway" in html
    assert second.items.count() == 1
    response = as_interviewer.post(
        url("add_unplanned", second), {"question": bank[0].pk, "confirm_repeat": "1"}
    )
    assert response.status_code == 303
    assert second.items.filter(question=bank[0], planned=False).exists()


def test_add_unplanned_refused_on_a_draft_or_a_submitted_interview(
    as_interviewer, submitted, bank, interviewer, candidate, level
):
    response = as_interviewer.post(url("add_unplanned", submitted), {"question": bank[5].pk})
    assert response["Location"] == url("scorecard", submitted)
    response = as_interviewer.post(
        url("add_unplanned", submitted), {"question": bank[5].pk}, headers=HX
    )
    assert response.status_code == 422 and "submitted" in response.content.decode()
    assert submitted.items.count() == 3
    draft = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    response = as_interviewer.post(url("add_unplanned", draft), {"question": bank[5].pk})
    assert response["Location"] == url("compose", draft)
    assert draft.items.count() == 0


def test_add_unplanned_permissions(client, live_interview, bank, other_interviewer, hiring_manager):
    data = {"question": bank[5].pk}
    response = client.post(url("add_unplanned", live_interview), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (other_interviewer, hiring_manager):
        client.force_login(user)
        assert client.post(url("add_unplanned", live_interview), data).status_code == 404
    assert client.get(url("add_unplanned", live_interview)).status_code == 405
    assert live_interview.items.count() == 3


# Scoring --------------------------------------------------------------------------------------


def test_score_with_a_plain_form_redirects_to_that_question(as_interviewer, live_interview):
    item = live_interview.items.get(position=2)
    response = as_interviewer.post(item_url("score", live_interview, item), {"score": "3"})
    assert response.status_code == 303
    assert response["Location"] == f"{url('live', live_interview)}?q=2"
    item.refresh_from_db()
    assert item.score == 3 and not item.skipped


def test_score_with_htmx_returns_the_rubric_and_updates_the_list(as_interviewer, live_interview):
    item = first_item(live_interview)
    response = as_interviewer.post(
        item_url("score", live_interview, item), {"score": "2"}, headers=HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<form id="rubric"')
    assert re.search(rf'id="score-{item.pk}-2"\s+class="anchor" aria-pressed="true"', html)
    assert html.count('aria-pressed="true"') == 1
    assert f'<li id="nav-item-{item.pk}" data-state="scored" hx-swap-oob="true">' in html
    assert "scored 2" in html
    assert 'id="progress"' in html and 'data-answered="1"' in html
    assert triggers(response) == {}  # no event: nothing listened to "scoreChanged"
    item.refresh_from_db()
    assert item.score == 2


def test_score_post_takes_five_queries_or_fewer_whatever_the_interview_size(
    as_interviewer, big_interview, live_interview, django_assert_num_queries
):
    services.interview_start(interview=big_interview)
    for interview in (big_interview, live_interview):
        item = interview.items.order_by("position")[1]
        # session, user, the interview's questions (the caller's, with the interview and its
        # interviewer, the can_run rule folded in: rendered from this read), and the write
        # guarded by the interview being live with its row in the audit trail: one statement
        # on PostgreSQL, an UPDATE and an INSERT in one transaction on SQLite
        with django_assert_num_queries(4 if connection.vendor == "postgresql" else 5):
            response = as_interviewer.post(
                item_url("score", interview, item), {"score": "3"}, headers=HX
            )
        assert response.status_code == 200
        html = response.content.decode()
        assert re.search(rf'id="score-{item.pk}-3"\s+class="anchor" aria-pressed="true"', html)
        assert 'data-answered="1"' in html and html.count("hx-swap-oob") >= 2
        item.refresh_from_db()
        assert item.score == 3
        event = AuditEvent.objects.filter(target_id=interview.pk).latest("id")
        assert (event.verb, event.summary, event.actor_id, event.candidate_id) == (
            "score",
            "Question 2: score 3",
            interview.interviewer_id,
            interview.candidate_id,
        )
        assert (event.target_type, event.target_label) == ("interview", interview.title)


def test_skip_and_clear(as_interviewer, live_interview):
    item = first_item(live_interview)
    services.item_score(item=item, score=4)
    response = as_interviewer.post(
        item_url("score", live_interview, item), {"skip": "1"}, headers=HX
    )
    assert response.status_code == 200 and "skipped" in response.content.decode()
    item.refresh_from_db()
    assert item.skipped and item.score is None
    response = as_interviewer.post(item_url("score", live_interview, item), {"clear": "1"})
    assert response.status_code == 303
    item.refresh_from_db()
    assert not item.skipped and item.score is None
    # a score after a skip un-skips
    services.item_score(item=item, skipped=True)
    as_interviewer.post(item_url("score", live_interview, item), {"score": "1"})
    item.refresh_from_db()
    assert item.score == 1 and not item.skipped


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "0"}, "A score is 1 (Poor), 2 (Mixed), 3 (Good) or 4 (Excellent)."),
        ({"score": "5"}, "A score is 1 (Poor), 2 (Mixed), 3 (Good) or 4 (Excellent)."),
        ({"score": "x"}, "A score is 1 (Poor), 2 (Mixed), 3 (Good) or 4 (Excellent)."),
        ({}, "Choose a score (1 to 4), Skip, or Clear."),
        ({"score": "2", "skip": "1"}, "Choose a score (1 to 4), Skip, or Clear."),
    ],
)
def test_bad_score_is_refused_and_changes_nothing(as_interviewer, live_interview, data, message):
    item = first_item(live_interview)
    services.item_score(item=item, score=3)
    response = as_interviewer.post(item_url("score", live_interview, item), data, headers=HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html and f'<p class="error" role="alert">{message}' in html
    response = as_interviewer.post(item_url("score", live_interview, item), data)
    assert response.status_code == 422
    assert "<html" in response.content.decode() and message in response.content.decode()
    item.refresh_from_db()
    assert item.score == 3 and not item.skipped


def test_score_an_item_of_another_interview_is_a_404(
    as_interviewer, live_interview, interviewer, candidate, level, bank
):
    other = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    foreign = services.interview_add_question(interview=other, question=bank[6])
    services.interview_start(interview=other)
    wrong = reverse("interviews:score", args=[live_interview.pk, foreign.pk])
    assert as_interviewer.post(wrong, {"score": "2"}).status_code == 404
    missing = reverse("interviews:score", args=[live_interview.pk, 999999])
    assert as_interviewer.post(missing, {"score": "2"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.score is None


def test_score_on_a_submitted_interview_is_refused(as_interviewer, submitted):
    item = first_item(submitted)
    before = item.score
    response = as_interviewer.post(item_url("score", submitted, item), {"score": "4"})
    assert response.status_code == 303 and response["Location"] == url("scorecard", submitted)
    assert "submitted" in messages_of(response)[0]
    response = as_interviewer.post(item_url("score", submitted, item), {"score": "4"}, headers=HX)
    assert response.status_code == 422
    assert "Cannot score: this interview is submitted." in response.content.decode()
    item.refresh_from_db()
    assert item.score == before


def test_score_permissions(client, live_interview, other_interviewer, hiring_manager):
    item = first_item(live_interview)
    target = item_url("score", live_interview, item)
    response = client.post(target, {"score": "2"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (other_interviewer, hiring_manager):
        client.force_login(user)
        assert client.post(target, {"score": "2"}).status_code == 404
    assert client.get(target).status_code == 405
    item.refresh_from_db()
    assert item.score is None


# Notes ----------------------------------------------------------------------------------------


def test_notes_autosave_returns_the_new_version(as_interviewer, live_interview):
    item = first_item(live_interview)
    response = as_interviewer.post(
        item_url("notes", live_interview, item),
        {"notes": "Good grasp of\r\nchunking", "version": "0"},
        headers=HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<div id="notes-result"')
    assert '<input type="hidden" name="version" value="1">' in html
    assert triggers(response) == {"notesSaved": {"item": item.pk, "version": 1}}
    item.refresh_from_db()
    assert item.notes == "Good grasp of\nchunking" and item.notes_version == 1
    # the same text again (a retry of a save that landed) is fine and changes nothing
    response = as_interviewer.post(
        item_url("notes", live_interview, item),
        {"notes": "Good grasp of\nchunking", "version": "0"},
        headers=HX,
    )
    assert response.status_code == 200 and 'value="1"' in response.content.decode()


def test_notes_autosave_takes_four_queries(
    as_interviewer, big_interview, django_assert_num_queries
):
    services.interview_start(interview=big_interview)
    item = big_interview.items.order_by("position")[5]
    for version in (0, 1):
        # session, user, the question (the caller's, with its interview, the can_run rule
        # folded in), and one UPDATE guarded by the version, the new text and the interview
        # being live
        with django_assert_num_queries(4):
            response = as_interviewer.post(
                item_url("notes", big_interview, item),
                {"notes": f"Draft {version}", "version": str(version)},
                headers=HX,
            )
        assert response.status_code == 200
        assert f'name="version" value="{version + 1}"' in response.content.decode()
    item.refresh_from_db()
    assert item.notes == "Draft 1" and item.notes_version == 2


def test_notes_without_javascript_save_and_redirect(as_interviewer, live_interview):
    item = live_interview.items.get(position=3)
    response = as_interviewer.post(
        item_url("notes", live_interview, item), {"notes": "Plain form", "version": "0"}
    )
    assert response.status_code == 303
    assert response["Location"] == f"{url('live', live_interview)}?q=3"
    assert messages_of(response) == ["Notes saved."]
    item.refresh_from_db()
    assert item.notes == "Plain form"


def test_stale_notes_are_refused_with_409_and_nothing_is_overwritten(
    as_interviewer, live_interview
):
    item = first_item(live_interview)
    services.item_save_notes(item=item, notes="Newer notes from tab A", base_version=0)
    response = as_interviewer.post(
        item_url("notes", live_interview, item),
        {"notes": "Older text from tab B", "version": "0"},
        headers=HX,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" not in html
    assert "changed elsewhere (another tab or device)" in html
    assert "Your text is kept here, not saved." in html
    assert "Load newer notes" in html and "data-load-newer" in html
    # the fragment keeps the version the text was based on: retrying can never overwrite
    assert 'name="version" value="0"' in html
    assert "notesSaved" not in response.headers.get("HX-Trigger", "")
    item.refresh_from_db()
    assert item.notes == "Newer notes from tab A" and item.notes_version == 1


def test_a_notes_conflict_logs_at_info_not_warning(as_interviewer, live_interview, caplog):
    """Autosave's 409 is expected (another tab saved first): no WARNING in the logs."""
    item = first_item(live_interview)
    services.item_save_notes(item=item, notes="Newer notes from tab A", base_version=0)
    caplog.set_level(logging.DEBUG)
    for headers in (HX, {}):
        response = as_interviewer.post(
            item_url("notes", live_interview, item),
            {"notes": "Older text from tab B", "version": "0"},
            headers=headers,
        )
        assert response.status_code == 409
    conflicts = [r for r in caplog.records if "409" in r.getMessage() or "conflict" in r.msg]
    assert len(conflicts) == 2
    assert {r.levelno for r in conflicts} == {logging.INFO}
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_stale_notes_without_javascript_keep_the_text_and_show_the_newer_notes(
    as_interviewer, live_interview
):
    item = first_item(live_interview)
    services.item_save_notes(item=item, notes="Newer notes from tab A", base_version=0)
    response = as_interviewer.post(
        item_url("notes", live_interview, item),
        {"notes": "Older text from tab B", "version": "0"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert ">Older text from tab B</textarea>" in html
    assert "<pre>Newer notes from tab A</pre>" in html
    assert "Your text is kept here, not saved." in html
    item.refresh_from_db()
    assert item.notes == "Newer notes from tab A" and item.notes_version == 1


@pytest.mark.parametrize("version", ["", "x", "-1"])
def test_notes_with_a_bad_version_are_refused(as_interviewer, live_interview, version):
    item = first_item(live_interview)
    for headers in (HX, {}):
        response = as_interviewer.post(
            item_url("notes", live_interview, item),
            {"notes": "Some text", "version": version},
            headers=headers,
        )
        assert response.status_code == 422
        assert 'role="alert"' in response.content.decode()
    item.refresh_from_db()
    assert item.notes == "" and item.notes_version == 0


def test_notes_on_a_submitted_interview_are_refused(as_interviewer, submitted):
    item = first_item(submitted)
    data = {"notes": "Too late", "version": "0"}
    response = as_interviewer.post(item_url("notes", submitted, item), data)
    assert response.status_code == 303 and response["Location"] == url("scorecard", submitted)
    response = as_interviewer.post(item_url("notes", submitted, item), data, headers=HX)
    assert response.status_code == 422
    assert "Cannot save notes: this interview is submitted." in response.content.decode()
    item.refresh_from_db()
    assert item.notes == ""


def test_notes_permissions(client, live_interview, other_interviewer, hiring_manager):
    item = first_item(live_interview)
    target = item_url("notes", live_interview, item)
    data = {"notes": "intrusion", "version": "0"}
    response = client.post(target, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (other_interviewer, hiring_manager):
        client.force_login(user)
        assert client.post(target, data).status_code == 404
    item.refresh_from_db()
    assert item.notes == ""


# Time per question ----------------------------------------------------------------------------


def test_record_time_adds_seconds(as_interviewer, live_interview):
    item = first_item(live_interview)
    target = item_url("record_time", live_interview, item)
    assert as_interviewer.post(target, {"seconds": "42"}).status_code == 204
    assert as_interviewer.post(target, {"seconds": "3600"}, headers=HX).status_code == 204
    item.refresh_from_db()
    assert item.seconds_spent == 3642


@pytest.mark.parametrize("seconds", ["0", "-5", "3601", "x", "", "1.5"])
def test_record_time_bounds(as_interviewer, live_interview, seconds):
    item = first_item(live_interview)
    response = as_interviewer.post(
        item_url("record_time", live_interview, item), {"seconds": seconds}
    )
    assert response.status_code == 422
    assert "1 to 3600" in response.content.decode()
    item.refresh_from_db()
    assert item.seconds_spent == 0


def test_record_time_on_a_submitted_interview_is_refused(as_interviewer, submitted):
    item = first_item(submitted)
    response = as_interviewer.post(item_url("record_time", submitted, item), {"seconds": "10"})
    assert response.status_code == 422
    assert "Cannot record time: this interview is submitted." in response.content.decode()
    item.refresh_from_db()
    assert item.seconds_spent == 0


def test_record_time_permissions(client, live_interview, other_interviewer, hiring_manager):
    item = first_item(live_interview)
    target = item_url("record_time", live_interview, item)
    response = client.post(target, {"seconds": "10"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (other_interviewer, hiring_manager):
        client.force_login(user)
        assert client.post(target, {"seconds": "10"}).status_code == 404
    assert client.get(target).status_code == 405
    assert InterviewQuestion.objects.get(pk=item.pk).seconds_spent == 0
