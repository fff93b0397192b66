"""The composer: the page and its fragments, add / remove / move / reorder, repeats,
auto-compose and save-as-kit through the views, permissions, bad input and query counts."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from interviews import kits, services
from interviews.models import Interview, InterviewQuestion, InterviewStatus, Kit
from questionbank.models import Level, QuestionStatus
from tests.factories import LevelFactory, QuestionFactory, TopicFactory, assigned_interview
from tests.interviews.conftest import make_status

HX = {"HX-Request": "true"}


def url(name, interview):
    return reverse(f"interviews:{name}", args=[interview.pk])


def compose_url(interview, **params):
    params.setdefault("level", interview.level.slug)
    return url("compose", interview) + "?" + urlencode(params)


def bank_hx(target="bank"):
    return {**HX, "HX-Target": target}


def order(interview):
    """The interview's questions as (question id, position), in order: the state to compare."""
    return list(interview.items.order_by("position").values_list("question_id", "position"))


def item_ids(interview):
    return list(interview.items.order_by("position").values_list("pk", flat=True))


def triggers(response):
    return json.loads(response.headers.get("HX-Trigger", "{}"))


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def text(response):
    return response.content.decode()


def bank_ids(response):
    """Question ids listed in the bank panel of a response."""
    return [int(pk) for pk in re.findall(r'id="bank-q-(\d+)"', text(response))]


@pytest.fixture
def other_draft(other_interviewer, candidate, level, bank):
    interview = assigned_interview(
        interviewer=other_interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    services.interview_add_question(interview=interview, question=bank[5])
    return interview


@pytest.fixture
def second_draft(submitted, interviewer, candidate, level):
    """A new draft for Cam, who was already asked bank[0..2] in the submitted interview."""
    return assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=45
    )


# The page and its fragments ------------------------------------------------------------------


def test_the_composer_answers_at_its_own_url_with_the_bank_at_the_interview_level(
    as_interviewer, draft, bank, topics
):
    """No redirect to add ?level= (a round trip on every visit): without a filter in the URL
    the bank starts at the interview's level; ?level= (any level) stays a choice."""
    intern = QuestionFactory(
        text="An intern question?", levels=[LevelFactory(slug="intern")], topics=[topics[0]]
    )
    engineer = sorted(q.pk for q in bank)
    for query in ("", "?show_asked=1"):
        response = as_interviewer.get(url("compose", draft) + query)
        assert response.status_code == 200, query
        assert sorted(bank_ids(response)) == engineer
        assert '<option value="engineer" selected>Engineer</option>' in text(response)
        # The bank's own refresh asks for what it shows.
        assert f'hx-get="{url("compose", draft)}?' in text(response)
        assert re.search(
            r'id="bank" class="bank-results" hx-get="[^"]*level=engineer', text(response)
        )
    response = as_interviewer.get(url("compose", draft), headers=bank_hx())
    assert response.status_code == 200 and sorted(bank_ids(response)) == engineer
    response = as_interviewer.get(url("compose", draft) + "?level=")
    assert intern.pk in bank_ids(response)


def test_the_composer_page_shows_the_bank_and_the_interview(as_interviewer, draft, bank):
    response = as_interviewer.get(compose_url(draft))
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and 'id="bank"' in body and 'id="interview"' in body
    # Bank: twelve active questions of the level; the three in the interview are marked.
    assert sorted(bank_ids(response)) == sorted(q.pk for q in bank)
    assert body.count("In this interview") == 3
    # Each Add button is named "Add: <the question's text>" (a shared label, then the row's text).
    assert '<span id="label-add" hidden>Add:</span>' in body
    for question in bank[:3]:
        assert f'id="add-{question.pk}" aria-labelledby' not in body
    assert (
        f'id="add-{bank[3].pk}" aria-labelledby="label-add bank-text-{bank[3].pk}">Add</button>'
    ) in body
    assert f'<span class="question-text" id="bank-text-{bank[3].pk}">{bank[3].text}</span>' in body
    # Interview: its three questions in order, each with move and remove controls, each
    # named "Move down: <the question's text>" (a shared label, then the row's text).
    assert '<span id="label-down">Move down:</span>' in body
    for item in draft.items.all():
        assert f'id="up-{item.pk}"' in body and f'id="remove-{item.pk}"' in body
        assert f'<p class="question-text" id="text-{item.pk}">{item.text}</p>' in body
        assert (
            f'<button type="submit" form="down-form" name="item" value="{item.pk}"'
            f' id="down-{item.pk}"'
            f' aria-labelledby="label-down text-{item.pk}"'
        ) in body
    positions = [body.index(f'id="item-{pk}"') for pk in item_ids(draft)]
    assert positions == sorted(positions)
    # The rest of the page: start, auto-compose, save as kit, the drag-and-drop script.
    assert f'action="{url("start", draft)}"' in body
    assert f'action="{url("save_kit", draft)}"' in body
    assert 'id="reorder-form"' in body and "sortablejs/Sortable.min.js" in body
    assert 'hx-trigger="interviewChanged from:body"' in body
    # Auto-compose (closed, the interview has questions) comes on demand: a link that htmx
    # follows when the tool opens, and that opens the page with the form without JavaScript.
    assert f'action="{url("autocompose", draft)}"' not in body
    link = re.search(r'<a id="autocompose" class="small" href="([^"]+)#autocompose"', body)
    tool_url = link.group(1).replace("&amp;", "&")
    assert tool_url == url("compose", draft) + "?level=engineer&tool=autocompose"
    assert f'hx-get="{link.group(1)}" hx-trigger="toggle once from:closest details"' in body
    fragment = text(
        as_interviewer.get(tool_url, headers={"HX-Request": "true", "HX-Target": "autocompose"})
    )
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="autocompose"')
    assert f'action="{url("autocompose", draft)}"' in fragment
    assert 'id="replace-count">3</span>' in fragment
    page = text(as_interviewer.get(tool_url))
    assert "<html" in page and f'action="{url("autocompose", draft)}"' in page
    assert re.search(r'<details class="compose-tool-wrap" open>\s*<summary>Auto-compose', page)


def test_the_totals_and_charts_describe_the_composition(as_interviewer, draft, bank):
    services.interview_add_question(interview=draft, question=bank[8])  # behavioral, 1
    response = as_interviewer.get(compose_url(draft))
    body = text(response)
    assert '<dd class="total-count">4</dd>' in body
    assert "20 of 45 planned" in body and "(25 left)" in body
    assert "Conceptual × 3" in body and "Behavioral × 1" in body
    assert "No behavioral question yet" not in body
    # Difficulty ramp: an SVG with a title, a description and a table of the same numbers.
    ramp = body[body.index('class="chart chart-ramp"') :]
    ramp = ramp[: ramp.index("</figure>")]
    assert 'role="img"' in ramp and "<title" in ramp and "<desc" in ramp
    assert "to the last: 1, 2, 3, 1 (1 easiest, 5 hardest)" in ramp
    assert ramp.count("<rect") == 4 and "<table" in ramp
    # Topic coverage: minutes per topic, largest first.
    topics = body[body.index('class="chart chart-topics"') :]
    topics = topics[: topics.index("</figure>")]
    assert "RAG: 15 min in 3 questions; Behavioral Questions (Use STAR Framework): 5 min" in topics
    assert topics.count("<rect") == 2 and '<th scope="row">RAG</th><td>3</td><td>15</td>' in topics


def test_an_interview_over_its_plan_is_highlighted(as_interviewer, draft):
    Interview.objects.filter(pk=draft.pk).update(planned_minutes=5)
    body = text(as_interviewer.get(compose_url(draft)))
    assert "15 of 5 planned" in body and "10 min over plan" in body
    assert "total-minutes is-over" in body
    assert "No behavioral question yet" in body


def test_the_bank_fragment_alone(as_interviewer, draft, bank):
    response = as_interviewer.get(compose_url(draft, q="Inference"), headers=bank_hx())
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and 'id="interview"' not in body
    assert body.lstrip().startswith('<div id="bank"')
    assert sorted(bank_ids(response)) == sorted(q.pk for q in bank[4:8])
    # it refreshes itself from the same URL when the interview changes
    assert f'hx-get="{compose_url(draft, q="Inference")}"'.replace("&", "&amp;") in body
    assert "Vary" in response.headers and "HX-Request" in response["Vary"]


def test_the_interview_fragment_alone(as_interviewer, draft):
    next_url = compose_url(draft, q="rag")
    response = as_interviewer.get(
        url("compose", draft) + "?" + urlencode({"next": next_url}), headers=bank_hx("interview")
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and 'id="bank"' not in body
    assert body.lstrip().startswith('<section id="interview"')
    assert body.count('class="question-text"') == 3
    assert f'name="next" value="{next_url}"'.replace("&", "&amp;") in body


def test_a_history_restore_gets_the_whole_page(as_interviewer, draft):
    response = as_interviewer.get(
        compose_url(draft), headers={**bank_hx(), "HX-History-Restore-Request": "true"}
    )
    assert "<html" in text(response)


def test_the_bank_filters_and_pages(as_interviewer, draft, level):
    QuestionFactory.create_batch(30, levels=[level], topics=[TopicFactory(slug="paged")])
    response = as_interviewer.get(compose_url(draft, topic="paged"), headers=bank_hx())
    assert len(bank_ids(response)) == 25 and "Page 1 of 2" in text(response)
    response = as_interviewer.get(compose_url(draft, topic="paged", page=2), headers=bank_hx())
    assert len(bank_ids(response)) == 5
    body = text(response)
    assert 'hx-target="#bank"' in body and "page=1" in body
    response = as_interviewer.get(compose_url(draft, difficulty="9"), headers=bank_hx())
    assert bank_ids(response) == [] and "Some filters are not valid" in text(response)


def test_retired_questions_are_not_in_the_bank(as_interviewer, draft, bank):
    bank[4].status = QuestionStatus.RETIRED
    bank[4].save()
    response = as_interviewer.get(compose_url(draft), headers=bank_hx())
    assert bank[4].pk not in bank_ids(response) and bank[5].pk in bank_ids(response)


@pytest.mark.parametrize(
    ("status", "target"), [(InterviewStatus.LIVE, "live"), (InterviewStatus.SUBMITTED, "scorecard")]
)
def test_the_composer_of_a_started_interview_sends_you_on(as_interviewer, draft, status, target):
    make_status(draft, status)
    response = as_interviewer.get(compose_url(draft))
    assert response.status_code == 302 and response["Location"] == url(target, draft)
    response = as_interviewer.get(compose_url(draft), headers=bank_hx())
    assert response["HX-Redirect"] == url(target, draft)


# Permissions ---------------------------------------------------------------------------------


def write_requests(interview, bank):
    """One valid POST per composer write (the data an owner would send)."""
    items = item_ids(interview)
    return [
        ("add_question", {"question": bank[6].pk}),
        ("remove_question", {"item": items[0]}),
        ("move_question", {"item": items[0], "direction": "down"}),
        ("reorder", {"item": list(reversed(items))}),
        ("autocompose", {"topics": ["rag", "inference", "behavioral"], "seed": 1, "replace": "on"}),
        ("save_kit", {"name": "Stolen kit"}),
    ]


def test_anonymous_users_are_sent_to_log_in(client, draft, bank):
    response = client.get(compose_url(draft))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    before = order(draft)
    for name, data in write_requests(draft, bank):
        response = client.post(url(name, draft), data)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login"))
    assert order(draft) == before and not Kit.objects.exists()


@pytest.mark.parametrize("who", ["as_other", "as_manager"])
def test_someone_elses_composer_is_a_404_whatever_the_method(request, who, draft, bank):
    client = request.getfixturevalue(who)
    assert client.get(compose_url(draft)).status_code == 404
    assert client.get(compose_url(draft), headers=bank_hx()).status_code == 404
    before = order(draft)
    for name, data in write_requests(draft, bank):
        assert client.post(url(name, draft), data).status_code == 404, name
        assert client.post(url(name, draft), data, headers=HX).status_code == 404, name
    assert order(draft) == before and not Kit.objects.exists()


def test_the_owner_may_do_each_write(as_interviewer, draft, bank):
    for name, _data in write_requests(draft, bank):
        data = dict(write_requests(draft, bank))[name]  # the items as they are now
        response = as_interviewer.post(url(name, draft), data, headers=HX)
        assert response.status_code == 200, (name, text(response))


def test_writes_answer_only_posts(as_interviewer, draft):
    for name in ("add_question", "remove_question", "move_question", "reorder", "autocompose"):
        assert as_interviewer.get(url(name, draft)).status_code == 405


# Add -----------------------------------------------------------------------------------------


def test_add_with_htmx_returns_the_interview_and_tells_the_bank(as_interviewer, draft, bank):
    next_url = compose_url(draft, q="inference")
    response = as_interviewer.post(
        url("add_question", draft), {"question": bank[5].pk, "next": next_url}, headers=HX
    )
    assert response.status_code == 200
    assert triggers(response) == {"interviewChanged": {}}
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<section id="interview"')
    assert bank[5].text in body and '<dd class="total-count">4</dd>' in body
    assert 'id="compose-announce" hx-swap-oob="innerHTML">Added “Inference question' in body
    assert '<span id="replace-count" hx-swap-oob="innerHTML">4</span>' in body
    assert f'name="next" value="{next_url}"'.replace("&", "&amp;") in body
    item = draft.items.get(question=bank[5])
    assert item.position == 4 and item.text == bank[5].text and item.planned
    # the bank, refreshed, marks it
    response = as_interviewer.get(next_url, headers=bank_hx())
    assert f'<p class="added-mark" id="add-{bank[5].pk}"' in text(response)


def test_add_without_javascript_redirects_back_keeping_the_query(as_interviewer, draft, bank):
    next_url = compose_url(draft, q="inference", page=1)
    response = as_interviewer.post(
        url("add_question", draft), {"question": bank[5].pk, "next": next_url}
    )
    assert response.status_code == 303 and response["Location"] == next_url
    assert [q for q, _p in order(draft)] == [*(q.pk for q in bank[:3]), bank[5].pk]


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/interviews/", "/bank/", "/interviews/999/compose/"],
)
def test_add_ignores_a_next_that_is_not_this_composer(as_interviewer, draft, bank, next_url):
    response = as_interviewer.post(
        url("add_question", draft), {"question": bank[5].pk, "next": next_url}
    )
    assert response.status_code == 303 and response["Location"] == compose_url(draft)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("999999", "There is no question with id 999999 in the bank."),
        ("abc", "Enter a whole number."),
        ("", "This field is required."),
    ],
)
def test_add_a_question_that_does_not_exist(as_interviewer, draft, question, message):
    before = order(draft)
    response = as_interviewer.post(url("add_question", draft), {"question": question}, headers=HX)
    assert response.status_code == 422
    assert message in text(response) and "Nothing was changed." in text(response)
    assert "HX-Trigger" not in response.headers
    response = as_interviewer.post(url("add_question", draft), {"question": question})
    assert response.status_code == 422 and "<html" in text(response)
    assert message in text(response)
    assert order(draft) == before


def test_add_a_retired_question_or_a_second_copy_is_refused(as_interviewer, draft, bank):
    bank[6].status = QuestionStatus.RETIRED
    bank[6].save()
    before = order(draft)
    response = as_interviewer.post(url("add_question", draft), {"question": bank[6].pk}, headers=HX)
    assert response.status_code == 422 and "This question is retired" in text(response)
    response = as_interviewer.post(url("add_question", draft), {"question": bank[0].pk}, headers=HX)
    assert response.status_code == 422
    assert "This question is already in the interview." in text(response)
    response = as_interviewer.post(url("add_question", draft), {"question": bank[0].pk})
    assert response.status_code == 422 and "already in the interview" in text(response)
    assert 'id="bank"' in text(response)  # the whole composer, with the message
    assert order(draft) == before


# Questions already asked to the candidate ----------------------------------------------------


def test_already_asked_questions_are_hidden_unless_asked_for(as_interviewer, second_draft, bank):
    response = as_interviewer.get(compose_url(second_draft), headers=bank_hx())
    listed = bank_ids(response)
    assert not {q.pk for q in bank[:3]} & set(listed) and bank[3].pk in listed
    assert "Questions Cam Candidate was already asked are hidden." in text(response)
    response = as_interviewer.get(compose_url(second_draft, show_asked=1), headers=bank_hx())
    assert {q.pk for q in bank[:3]} <= set(bank_ids(response))
    assert text(response).count("Already asked to Cam Candidate in another interview") == 3
    page = text(as_interviewer.get(compose_url(second_draft)))
    assert "Show questions Cam Candidate was already asked (3)" in page
    assert 'name="show_asked" value="1">' in page  # unticked by default


def test_adding_an_asked_question_asks_first(as_interviewer, second_draft, bank, submitted):
    next_url = compose_url(second_draft, show_asked=1)
    data = {"question": bank[0].pk, "next": next_url}
    response = as_interviewer.post(url("add_question", second_draft), data, headers=HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#bank-q-{bank[0].pk}"
    assert response["HX-Reswap"] == "innerHTML"
    body = text(response)
    day = f"{submitted.started_at.day} {submitted.started_at:%B %Y}"
    assert f"Cam Candidate was already asked this\n    on {day} by you (submitted)" in body
    assert 'name="confirm_repeat" value="1"' in body and "Add anyway" in body
    assert "HX-Trigger" not in response.headers
    assert order(second_draft) == []
    # without JavaScript: the composer with the question to confirm
    response = as_interviewer.post(url("add_question", second_draft), data)
    assert response.status_code == 200 and "<html" in text(response)
    assert "Already asked: add anyway?" in text(response) and bank[0].text in text(response)
    assert order(second_draft) == []
    # confirmed
    response = as_interviewer.post(
        url("add_question", second_draft), {**data, "confirm_repeat": "1"}, headers=HX
    )
    assert response.status_code == 200 and triggers(response) == {"interviewChanged": {}}
    assert order(second_draft) == [(bank[0].pk, 1)]
    assert "Already asked to Cam Candidate in another interview" in text(response)


def test_the_confirmation_names_another_interviewer(
    as_interviewer, other_interviewer, candidate, level, bank, interviewer
):
    theirs = assigned_interview(
        interviewer=other_interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    services.interview_add_question(interview=theirs, question=bank[4])
    services.interview_start(interview=theirs)
    mine = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    response = as_interviewer.post(url("add_question", mine), {"question": bank[4].pk}, headers=HX)
    assert "by omar (live)" in text(response)
    assert order(mine) == []


# Remove, move, reorder -----------------------------------------------------------------------


def test_remove_with_htmx_and_without(as_interviewer, draft, bank):
    first, second, third = item_ids(draft)
    response = as_interviewer.post(url("remove_question", draft), {"item": second}, headers=HX)
    assert response.status_code == 200 and triggers(response) == {"interviewChanged": {}}
    assert "<html" not in text(response) and "Removed “RAG question at difficulty 2?”" in text(
        response
    )
    assert order(draft) == [(bank[0].pk, 1), (bank[2].pk, 2)]
    response = as_interviewer.post(
        url("remove_question", draft), {"item": first, "next": compose_url(draft, q="x")}
    )
    assert response.status_code == 303 and response["Location"] == compose_url(draft, q="x")
    assert order(draft) == [(bank[2].pk, 1)]


def test_move_up_and_down(as_interviewer, draft, bank):
    first, second, third = item_ids(draft)
    response = as_interviewer.post(
        url("move_question", draft), {"item": third, "direction": "up"}, headers=HX
    )
    assert response.status_code == 200 and triggers(response) == {"interviewChanged": {}}
    assert "to position 2 of 3" in text(response)
    assert f'id="up-{third}"' in text(response)  # focus stays on the same button
    assert [q for q, _p in order(draft)] == [bank[0].pk, bank[2].pk, bank[1].pk]
    response = as_interviewer.post(
        url("move_question", draft), {"item": first, "direction": "down"}
    )
    assert response.status_code == 303
    assert [q for q, _p in order(draft)] == [bank[2].pk, bank[0].pk, bank[1].pk]
    # at the top, up changes nothing
    response = as_interviewer.post(
        url("move_question", draft), {"item": third, "direction": "up"}, headers=HX
    )
    response = as_interviewer.post(
        url("move_question", draft), {"item": third, "direction": "up"}, headers=HX
    )
    assert response.status_code == 200
    assert [q for q, _p in order(draft)] == [bank[2].pk, bank[0].pk, bank[1].pk]


def test_reorder_with_htmx_and_without(as_interviewer, draft, bank):
    ids = item_ids(draft)
    response = as_interviewer.post(
        url("reorder", draft), {"item": [ids[2], ids[0], ids[1]]}, headers=HX
    )
    assert response.status_code == 200 and triggers(response) == {"interviewChanged": {}}
    assert "New order saved." in text(response)
    assert order(draft) == [(bank[2].pk, 1), (bank[0].pk, 2), (bank[1].pk, 3)]
    response = as_interviewer.post(url("reorder", draft), {"item": ids})
    assert response.status_code == 303
    assert order(draft) == [(bank[0].pk, 1), (bank[1].pk, 2), (bank[2].pk, 3)]


def test_bad_item_writes_change_nothing(as_interviewer, draft, other_draft):
    ids = item_ids(draft)
    theirs = item_ids(other_draft)[0]
    before, before_theirs = order(draft), order(other_draft)
    cases = [
        ("remove_question", {"item": theirs}, "That question is not in this interview."),
        ("remove_question", {"item": 999999}, "That question is not in this interview."),
        ("remove_question", {"item": "x"}, "Enter a whole number."),
        ("move_question", {"item": theirs, "direction": "up"}, "not in this interview"),
        ("move_question", {"item": ids[1]}, "Say whether to move it up or down."),
        ("move_question", {"item": ids[1], "direction": "sideways"}, "Select a valid choice"),
        ("reorder", {"item": [ids[0], ids[1], theirs]}, "each question of this interview"),
        ("reorder", {"item": ids[:2]}, "each question of this interview exactly once"),
        ("reorder", {"item": [ids[0], ids[0], ids[1], ids[2]]}, "exactly once"),
        ("reorder", {"item": [*ids[:2], "x"]}, "not a question"),
        ("reorder", {}, "exactly once"),
    ]
    for name, data, message in cases:
        response = as_interviewer.post(url(name, draft), data, headers=HX)
        assert response.status_code == 422, (name, data)
        assert message in text(response), (name, data, text(response))
        assert "HX-Trigger" not in response.headers
        response = as_interviewer.post(url(name, draft), data)
        assert response.status_code == 422 and message in text(response)
        assert "<html" in text(response)
    assert order(draft) == before and order(other_draft) == before_theirs


@pytest.mark.parametrize("status", [InterviewStatus.LIVE, InterviewStatus.SUBMITTED])
def test_a_started_interview_cannot_be_composed(as_interviewer, draft, bank, status):
    make_status(draft, status)
    before = order(draft)
    for name, data in write_requests(draft, bank):
        response = as_interviewer.post(url(name, draft), data, headers=HX)
        assert response.status_code == 422, name
        assert "its questions can no longer be composed" in text(response), name
        response = as_interviewer.post(url(name, draft), data)
        assert response.status_code == 303 and response["Location"] == draft.get_absolute_url()
        assert any("can no longer be composed" in m for m in messages_of(response))
    assert order(draft) == before and not Kit.objects.exists()
    assert InterviewQuestion.objects.filter(interview=draft, planned=False).count() == 0


# The write path: composer_write's refusals, for every write -------------------------------

WRITES = ["add_question", "remove_question", "move_question", "reorder", "autocompose", "save_kit"]


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_write_on_another_users_interview_is_a_404(as_other, draft, bank, name, headers):
    before = order(draft)
    data = dict(write_requests(draft, bank))[name]
    assert as_other.post(url(name, draft), data, headers=headers).status_code == 404
    assert order(draft) == before and not Kit.objects.exists()


@pytest.mark.parametrize("name", WRITES)
def test_a_write_on_a_submitted_interview_is_refused_with_the_services_message(
    as_interviewer, draft, bank, name
):
    make_status(draft, InterviewStatus.SUBMITTED)
    before = order(draft)
    message = "This interview is submitted: its questions can no longer be composed."
    data = dict(write_requests(draft, bank))[name]
    response = as_interviewer.post(url(name, draft), data, headers=HX)
    assert response.status_code == 422 and message in text(response)
    assert "<html" not in text(response) and "HX-Trigger" not in response.headers
    response = as_interviewer.post(url(name, draft), data)
    assert response.status_code == 303 and response["Location"] == draft.get_absolute_url()
    assert messages_of(response) == [message]
    assert order(draft) == before and not Kit.objects.exists()


def test_the_services_refuse_to_compose_a_started_interview(draft, bank):
    make_status(draft, InterviewStatus.LIVE)
    ids = item_ids(draft)
    message = "This interview is live: its questions can no longer be composed."
    writes = [
        lambda: services.check_composable(interview=draft),
        lambda: services.interview_remove_question(interview=draft, item_id=ids[0]),
        lambda: services.interview_move(interview=draft, item_id=ids[0], offset=1),
        lambda: services.interview_reorder(interview=draft, item_ids=ids),
        lambda: services.interview_replace_questions(interview=draft, questions=[], reasons=[]),
    ]
    for write in writes:
        with pytest.raises(ValidationError, match=message):
            write()
    assert item_ids(draft) == ids


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/interviews/", "/bank/", "/interviews/999/compose/"],
)
def test_a_write_ignores_a_next_that_is_not_this_composer(
    as_interviewer, draft, bank, name, next_url
):
    data = {**dict(write_requests(draft, bank))[name], "next": next_url}
    response = as_interviewer.post(url(name, draft), data)
    assert response.status_code == 303 and response["Location"] == compose_url(draft)


# Auto-compose --------------------------------------------------------------------------------


@pytest.fixture
def empty_draft(interviewer, candidate, level, bank):
    return assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )


def test_the_auto_compose_form_defaults_to_the_level_topics_and_behavioral(
    as_interviewer, empty_draft, topics
):
    TopicFactory(slug="elsewhere", name="Elsewhere")
    body = text(as_interviewer.get(compose_url(empty_draft)))
    for slug in ("rag", "inference", "behavioral"):
        assert f'value="{slug}" id="ac-topic-{slug}" checked>' in body
    assert 'value="elsewhere" id="ac-topic-elsewhere">' in body
    assert f'name="seed" value="{empty_draft.pk}"' in body
    assert 'id="replace-count">0</span>' in body


def test_auto_compose_fills_a_draft_with_reasons(as_interviewer, empty_draft, bank):
    data = {
        "topics": ["rag", "inference", "behavioral"],
        "seed": 7,
        "next": compose_url(empty_draft),
    }
    response = as_interviewer.post(url("autocompose", empty_draft), data, headers=HX)
    assert response.status_code == 200, text(response)
    assert triggers(response) == {"interviewChanged": {}}
    body = text(response)
    assert body.lstrip().startswith('<section id="autocompose"')
    oob = re.search(r'<section id="interview" [^>]*hx-swap-oob="outerHTML">', body)
    assert oob is not None
    items = list(empty_draft.items.order_by("position"))
    minutes = sum(item.estimated_minutes for item in items)
    assert 27 <= minutes <= 30
    assert f"Auto-compose chose {len(items)} questions ({minutes} of 30 planned minutes)" in body
    assert all(item.reason for item in items)
    assert body.count('<p class="reason small"><strong>Why:</strong>') == len(items)
    assert items[0].reason in body.replace("&#x27;", "'")
    assert [i.difficulty for i in items] == sorted(i.difficulty for i in items)
    assert any(item.kind == "behavioral" for item in items)
    # the same inputs and seed give the same session
    first = order(empty_draft)
    data["replace"] = "on"
    response = as_interviewer.post(url("autocompose", empty_draft), data)
    assert response.status_code == 303 and response["Location"] == compose_url(empty_draft)
    assert order(empty_draft) == first


def test_auto_compose_asks_before_replacing(as_interviewer, draft):
    before = order(draft)
    data = {"topics": ["rag", "inference", "behavioral"], "seed": 1}
    response = as_interviewer.post(url("autocompose", draft), data, headers=HX)
    assert response.status_code == 422 and "HX-Trigger" not in response.headers
    assert "This interview already has 3 questions: tick “Replace the current questions”" in text(
        response
    )
    assert order(draft) == before
    response = as_interviewer.post(url("autocompose", draft), {**data, "replace": "on"}, headers=HX)
    assert response.status_code == 200
    assert order(draft) != before and all(draft.items.values_list("reason", flat=True))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"topics": ["rag"], "seed": 1}, "short of the 27 minutes needed"),
        ({"topics": ["rag", "nowhere"], "seed": 1}, "Select a valid choice. nowhere"),
        ({"seed": 1}, "Choose at least one topic."),
        ({"topics": ["rag"], "seed": -1}, "Ensure this value is greater than or equal to 0."),
        ({"topics": ["rag"], "seed": 1, "weight-rag": "-2"}, "greater than or equal to 0"),
    ],
)
def test_auto_compose_problems_are_shown_and_nothing_changes(
    as_interviewer, empty_draft, data, message
):
    TopicFactory(slug="unused-topic")
    response = as_interviewer.post(url("autocompose", empty_draft), data, headers=HX)
    assert response.status_code == 422
    assert message in text(response) and "<html" not in text(response)
    assert "HX-Trigger" not in response.headers
    response = as_interviewer.post(url("autocompose", empty_draft), data)
    assert response.status_code == 422 and "<html" in text(response) and message in text(response)
    assert order(empty_draft) == []


def test_auto_compose_with_a_topic_without_questions(as_interviewer, empty_draft):
    TopicFactory(slug="empty-topic", name="Empty topic")
    data = {"topics": ["empty-topic"], "seed": 3}
    response = as_interviewer.post(url("autocompose", empty_draft), data, headers=HX)
    assert response.status_code == 422
    assert "No questions for the chosen topics (Empty topic)" in text(response)
    assert "Nothing was changed." in text(response)
    assert order(empty_draft) == []


def test_auto_compose_weights_steer_the_topics(as_interviewer, empty_draft):
    data = {
        "topics": ["rag", "inference", "behavioral"],
        "seed": 2,
        "weight-rag": "4",
        "weight-inference": "1",
    }
    response = as_interviewer.post(url("autocompose", empty_draft), data, headers=HX)
    assert response.status_code == 200, text(response)
    slugs = [item.topics[0][0] for item in empty_draft.items.all()]
    assert slugs.count("rag") > slugs.count("inference") >= 1 and "behavioral" in slugs
    # the fresh form keeps the weights used (1 is the default, left empty)
    assert 'name="weight-rag" value="4.0"' in text(response)
    assert '<input type="number" name="weight-inference" step="any"' in text(response)


def test_auto_compose_shows_each_topics_questions_at_the_level(as_interviewer, empty_draft, level):
    TopicFactory(slug="elsewhere", name="Elsewhere")
    QuestionFactory(levels=[level], topics=[TopicFactory(slug="retired-only")], status="retired")
    body = text(as_interviewer.get(compose_url(empty_draft)))
    assert '<th scope="col" class="count-col">Engineer questions</th>' in body
    rows = dict(
        re.findall(r'id="ac-topic-([\w-]+)"[^>]*>.*?<td class="count-col">(\d+)</td>', body, re.S)
    )
    assert list(rows.items()) == [
        ("rag", "4"),
        ("inference", "4"),
        ("behavioral", "4"),
        ("elsewhere", "0"),
        ("retired-only", "0"),
    ]
    assert rows == {
        "rag": "4",
        "inference": "4",
        "behavioral": "4",
        "elsewhere": "0",
        "retired-only": "0",
    }


@pytest.fixture
def coding_bank(level, topics, bank):
    """Two long technical questions besides the twelve short ones."""
    return [
        QuestionFactory(
            text="Implement top-k retrieval over an inverted index",
            kind="coding",
            difficulty=4,
            estimated_minutes=20,
            levels=[level],
            topics=[topics[0]],
        ),
        QuestionFactory(
            text="Design a serving stack for a 70B model",
            kind="system_design",
            difficulty=5,
            estimated_minutes=25,
            levels=[level],
            topics=[topics[1]],
        ),
    ]


def test_auto_compose_mixes_in_a_technical_question_unless_kinds_are_left_out(
    as_interviewer, interviewer, candidate, level, coding_bank
):
    interview = services.interview_create(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=45
    )
    body = text(as_interviewer.get(compose_url(interview)))
    for value in ("conceptual", "coding", "system_design", "behavioral", "scenario"):
        assert re.search(
            rf'<input type="checkbox" name="kinds" value="{value}"[^>]* checked>', body
        )
    assert "a coding or system-design question when one fits" in body
    data = {"topics": ["rag", "inference", "behavioral"], "seed": 4, "kinds_shown": "1"}
    for seed in range(4):
        data["seed"] = seed
        data["kinds"] = ["conceptual", "coding", "system_design", "behavioral", "scenario"]
        response = as_interviewer.post(url("autocompose", interview), {**data, "replace": "on"})
        assert response.status_code == 303, text(response)
        items = list(interview.items.all())
        (technical,) = [i for i in items if i.kind in ("coding", "system_design")]
        assert technical.reason.startswith("Chosen for ")
        assert f"it is the session's {technical.get_kind_display().lower()} question" in (
            technical.reason
        )
        # Coding and system design left out: none.
        data["kinds"] = ["conceptual", "behavioral"]
        response = as_interviewer.post(url("autocompose", interview), {**data, "replace": "on"})
        assert response.status_code == 303, text(response)
        kinds = set(interview.items.values_list("kind", flat=True))
        assert kinds == {"conceptual", "behavioral"}


def test_auto_compose_kinds_bad_input_changes_nothing(as_interviewer, empty_draft):
    data = {"topics": ["rag", "behavioral"], "seed": 1, "kinds_shown": "1"}
    response = as_interviewer.post(url("autocompose", empty_draft), data, headers=HX)
    assert response.status_code == 422
    assert "Choose at least one kind of question to include." in text(response)
    response = as_interviewer.post(
        url("autocompose", empty_draft), {**data, "kinds": ["puzzles"]}, headers=HX
    )
    assert response.status_code == 422
    assert "Select a valid choice. puzzles is not one of the available choices." in text(response)
    assert order(empty_draft) == []
    # Kinds absent altogether (no kinds_shown: an older page or a script): every kind.
    data = {"topics": ["rag", "inference", "behavioral"], "seed": 1}
    response = as_interviewer.post(url("autocompose", empty_draft), data, headers=HX)
    assert response.status_code == 200 and order(empty_draft)


def test_a_short_or_intern_interview_is_not_told_about_technical_questions(
    as_interviewer, empty_draft
):
    body = text(as_interviewer.get(compose_url(empty_draft)))  # 30 minutes
    assert "one behavioral question,\n          nothing Cam Candidate was already asked" in body
    assert "a coding or system-design question when one fits, nothing" not in body


# Save as kit ---------------------------------------------------------------------------------


def test_save_as_kit_with_htmx_and_without(as_interviewer, draft, bank, interviewer):
    data = {"name": "RAG basics", "description": "Warm-up", "shared": "on"}
    response = as_interviewer.post(url("save_kit", draft), data, headers=HX)
    assert response.status_code == 200 and "<html" not in text(response)
    kit = Kit.objects.get(name="RAG basics")
    assert triggers(response) == {"kitSaved": {"id": kit.pk}}
    assert f'<a href="{kit.get_absolute_url()}">RAG basics</a>' in text(response)
    assert kit.owner == interviewer and kit.shared and kit.level == draft.level
    assert list(kit.items.values_list("question_id", flat=True)) == [q.pk for q in bank[:3]]
    response = as_interviewer.post(
        url("save_kit", draft), {"name": "Private one", "next": compose_url(draft, q="a")}
    )
    assert response.status_code == 303 and response["Location"] == compose_url(draft, q="a")
    assert messages_of(response) == ["Saved as the kit “Private one”."]
    assert not Kit.objects.get(name="Private one").shared


def test_save_as_kit_bad_input(as_interviewer, draft, interviewer, candidate, level):
    kits.kit_save_from_interview(interview=draft, owner=interviewer, name="Taken")
    response = as_interviewer.post(url("save_kit", draft), {"name": "Taken"}, headers=HX)
    assert response.status_code == 422 and "You already have a kit with this name." in text(
        response
    )
    response = as_interviewer.post(url("save_kit", draft), {"name": ""}, headers=HX)
    assert response.status_code == 422 and "This field is required." in text(response)
    empty = assigned_interview(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    response = as_interviewer.post(url("save_kit", empty), {"name": "Empty"})
    assert response.status_code == 422 and "<html" in text(response)
    assert "The interview has no questions to save as a kit." in text(response)
    assert list(Kit.objects.values_list("name", flat=True)) == ["Taken"]


# Topic choices and the compact bank ----------------------------------------------------------


def topic_options(body: str) -> dict[str, str]:
    pattern = r'<(select name="topic"|datalist id="bank-topic")[^>]*>(.*?)</(select|datalist)>'
    select = re.search(pattern, body, re.S).group(2)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def test_the_bank_topics_follow_the_level_with_their_counts(as_interviewer, draft, topics):
    intern = Level.objects.create(name="Intern", slug="intern", rank=1)
    QuestionFactory(levels=[intern], topics=[topics[0]])
    TopicFactory(slug="elsewhere", name="Elsewhere")
    body = text(as_interviewer.get(compose_url(draft)))
    assert topic_options(body) == {
        "": "Any topic",
        "rag": "RAG (4)",
        "inference": "Inference (4)",
        "behavioral": "Behavioral Questions (Use STAR Framework) (4)",
    }
    # Another level (without JavaScript: the form's GET), and any level.
    body = text(as_interviewer.get(compose_url(draft, level="intern")))
    assert topic_options(body) == {"": "Any topic", "rag": "RAG (1)"}
    body = text(as_interviewer.get(compose_url(draft, level="")))
    assert topic_options(body)["rag"] == "RAG (5)" and "elsewhere" not in topic_options(body)
    # With htmx the bank's results bring the new options for the topic select, out of band.
    response = as_interviewer.get(compose_url(draft, level="intern"), headers=bank_hx())
    body = text(response)
    assert body.lstrip().startswith('<div id="bank"')
    assert '<datalist id="bank-topic" hx-swap-oob="innerHTML">' in body
    assert topic_options(body) == {"": "Any topic", "rag": "RAG (1)"}


def test_the_bank_is_a_compact_list_by_default(as_interviewer, draft, bank):
    response = as_interviewer.get(compose_url(draft))
    body = text(response)
    assert '<ol class="question-list bank-list is-compact"' in body
    assert body.count('<details class="bank-row-details">') == 12
    assert sorted(bank_ids(response)) == sorted(q.pk for q in bank)
    question = bank[5]
    detail = reverse("questionbank:detail", args=[question.pk])
    # The link swaps itself for the guidance, outerHTML as its list says.
    assert (
        f'<a href="{detail}" hx-get="{detail}"'
        ' hx-trigger="toggle once from:closest details" hx-target="this">'
    ) in body
    assert '<ol class="question-list bank-list is-compact" start="1" hx-swap="outerHTML">' in body
    assert "First point" not in body  # guidance comes on demand
    assert 'aria-label="Tags"' not in body  # and so do the row's levels and topics
    # Adding works the same from a compact row.
    assert f'aria-labelledby="label-add bank-text-{question.pk}"' in body
    assert body.count("In this interview") == 3
    # The detail on demand: the question's guidance and rubric alone.
    response = as_interviewer.get(detail, headers=HX)
    assert (
        text(response)
        .lstrip()
        .startswith(f'<div class="guidance-block" id="guidance-{question.pk}"')
    )
    assert "First point" in text(response) and "<html" not in text(response)
    tags = [*question.levels.all(), *question.topics.all()]
    assert tags and all(f"<li>{tag.name}</li>" in text(response) for tag in tags)
    assert "HX-Request" in response["Vary"]


def test_the_bank_view_is_chosen_by_link_and_remembered(as_interviewer, draft, bank):
    body = text(as_interviewer.get(compose_url(draft, q="RAG")))
    detailed = url("compose", draft) + "?q=RAG&amp;level=engineer&amp;view=detailed"
    assert f'<a href="{detailed}" hx-get="{detailed}" hx-target="#bank"' in body
    assert re.search(r'aria-describedby="bank-view-label" aria-current="true">a compact list', body)
    # Without JavaScript: the link reloads the page in the detailed view...
    body = text(as_interviewer.get(compose_url(draft, q="RAG", view="detailed")))
    assert '<ol class="question-list bank-list"' in body and "is-compact" not in body
    assert "First point" in body
    assert re.search(r'aria-describedby="bank-view-label" aria-current="true">detailed cards', body)
    # ... which is remembered for the next visit, any filter, and the bank fragment.
    body = text(as_interviewer.get(compose_url(draft)))
    assert "is-compact" not in body and "First point" in body
    body = text(as_interviewer.get(compose_url(draft, q="Inference"), headers=bank_hx()))
    assert "is-compact" not in body
    # With htmx: the link's fragment, in the compact view again, remembered too.
    body = text(as_interviewer.get(compose_url(draft, view="compact"), headers=bank_hx()))
    assert body.lstrip().startswith('<div id="bank"') and "is-compact" in body
    assert "is-compact" in text(as_interviewer.get(compose_url(draft)))
    # An unknown view changes nothing.
    body = text(as_interviewer.get(compose_url(draft, view="poster")))
    assert "is-compact" in body


def test_the_compact_bank_makes_the_composer_much_lighter(client, guide_bank, interviewer):
    from questionbank.models import Level as BankLevel

    engineer = BankLevel.objects.get(slug="engineer")
    candidate = services.candidate_create(name="Lee", level=engineer, created_by=interviewer)
    interview = services.interview_create(
        interviewer=interviewer, candidate=candidate, level=engineer, planned_minutes=60
    )
    client.force_login(interviewer)
    sizes = {}
    for view in ("detailed", "compact"):
        page = client.get(compose_url(interview, view=view))
        fragment = client.get(compose_url(interview), headers=bank_hx())
        assert len(bank_ids(page)) == len(bank_ids(fragment)) == 25
        sizes[view] = (len(page.content), len(fragment.content))
    # Measured on the guide: the page 91 kB -> 65 kB, the bank panel 60 kB -> 34 kB.
    assert sizes["compact"][0] < 0.75 * sizes["detailed"][0], sizes
    assert sizes["compact"][1] < 0.6 * sizes["detailed"][1], sizes


# Query counts --------------------------------------------------------------------------------

# session, user; the interview (with candidate and level) and its items; the ids already asked;
# the level named in the filter; the bank's count, page, levels and topics; the filter form's
# levels, topics and their counts (cached). Auto-compose's form comes on demand when the
# interview has questions (AUTOCOMPOSE_QUERIES).
PAGE_QUERIES = 14  # + the user's groups, read once by the rules (nav, access)
# session, user, their groups (the rules); interview + its items; the topics for auto-compose
# (with the loop stage's focus) and their counts at the level (cached)
AUTOCOMPOSE_QUERIES = 7
# an empty interview's page draws auto-compose open: + its topics and their counts (cached)
EMPTY_PAGE_QUERIES = 16
# the results alone: the same without the levels and auto-compose's topics, the filter's
# topics (with their cached counts at the level) kept to update the topic choices in place
BANK_QUERIES = 13  # + the user's groups
# session, user, their groups (the rules); interview + its items; asked ids
INTERVIEW_QUERIES = 6


def test_the_composer_query_count_does_not_grow(
    client, interviewer, draft, big_interview, django_assert_num_queries
):
    client.force_login(interviewer)
    client.get(compose_url(draft))  # the topic counts into the cache
    client.get(compose_url(draft, tool="autocompose"))  # auto-compose's counts too
    for interview, count in ((draft, 3), (big_interview, 40)):
        with django_assert_num_queries(PAGE_QUERIES):
            response = client.get(compose_url(interview))
        assert response.status_code == 200
        assert text(response).count('class="item-position"') == count
        with django_assert_num_queries(BANK_QUERIES):
            response = client.get(compose_url(interview), headers=bank_hx())
        assert len(bank_ids(response)) == 25
        with django_assert_num_queries(INTERVIEW_QUERIES):
            response = client.get(compose_url(interview), headers=bank_hx("interview"))
        assert text(response).count('class="item-position"') == count
        with django_assert_num_queries(AUTOCOMPOSE_QUERIES):
            response = client.get(
                compose_url(interview, tool="autocompose"), headers=bank_hx("autocompose")
            )
        assert f'id="replace-count">{count}</span>' in text(response)


def test_the_composer_query_count_in_the_detailed_view(
    client, interviewer, draft, big_interview, django_assert_num_queries
):
    client.force_login(interviewer)
    client.get(compose_url(draft, view="detailed"))  # remembered; the counts cached
    for interview in (draft, big_interview):  # the 3,000 questions are at the same level
        with django_assert_num_queries(PAGE_QUERIES):
            response = client.get(compose_url(interview))
        assert "is-compact" not in text(response) and len(bank_ids(response)) == 25
        with django_assert_num_queries(BANK_QUERIES):
            response = client.get(compose_url(interview), headers=bank_hx())
        assert len(bank_ids(response)) == 25


def test_the_composer_query_count_with_repeats_shown(
    client, interviewer, second_draft, django_assert_num_queries
):
    client.force_login(interviewer)
    client.get(compose_url(second_draft))  # the topic counts into the cache
    with django_assert_num_queries(EMPTY_PAGE_QUERIES):
        response = client.get(compose_url(second_draft, show_asked=1, q="question"))
    assert response.status_code == 200


def test_the_composer_page_at_40_questions_stays_light(
    client, guide_bank, interviewer, django_assert_num_queries
):
    """As the bench draws it (bench/scale.py): the real bank, an Engineer draft with the level's
    first 40 questions. Measured: 124,027 bytes before the rows shared their forms, 69,964
    after, 71,198 with the co-scorers' link, 70,387 on 2026-12-02, 67,794 once a compact bank
    row's levels and topics came on demand with its guidance; the goal (issue 14) is under
    40,000. The bound leaves 1.5 KB for small additions; a row's markup growing back fails it."""
    engineer = Level.objects.get(slug="engineer")
    candidate = services.candidate_create(name="Lee", level=engineer, created_by=interviewer)
    interview = services.interview_create(
        interviewer=interviewer, candidate=candidate, level=engineer, planned_minutes=240
    )
    for question in engineer.questions.filter(status=QuestionStatus.ACTIVE).order_by("id")[:40]:
        services.interview_add_question(interview=interview, question=question)
    client.force_login(interviewer)
    client.get(compose_url(interview))  # the topic counts into the cache
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(compose_url(interview))
    body = text(response)
    assert body.count('class="item-position"') == 40 and len(bank_ids(response)) == 25
    # One token per form, none per row: log out, start, add, up, down, remove, reorder, save kit.
    assert body.count('name="csrfmiddlewaretoken"') == 8
    assert len(response.content) < 69_300, len(response.content)


# Chart geometry ------------------------------------------------------------------------------


def test_the_difficulty_ramp_geometry():
    from interviews.charts import difficulty_ramp, ramp_shape

    chart = difficulty_ramp([1, 3, 5], width=100, height=50, gap=5)
    assert chart.view_box == "0 0 100 50"
    assert [(b.x, b.width, b.height, b.y) for b in chart.bars] == [
        (0, 30, 10, 40),
        (35, 30, 30, 20),
        (70, 30, 50, 0),
    ]
    assert chart.line == "15,40 50,20 85,0"
    assert difficulty_ramp([]).bars == [] and difficulty_ramp([2]).line == ""
    assert difficulty_ramp([9]).bars[0].value == 5  # clamped to the scale
    assert ramp_shape([1, 2, 2, 4]).startswith("Rising")
    assert ramp_shape([3, 3]).startswith("Flat")
    assert ramp_shape([1, 4, 2, 5]) == "Uneven: difficulty drops 1 time, rising overall."
    assert ramp_shape([5, 4, 3, 1]) == "Uneven: difficulty drops 3 times, not rising overall."
    assert ramp_shape([2]) == "Too few questions for a ramp."


def test_the_horizontal_bars_geometry():
    from interviews.charts import horizontal_bars

    chart = horizontal_bars([("RAG", 20), ("Inference", 5), ("None", 0)], width=200)
    assert [(b.label, b.width) for b in chart.bars] == [
        ("RAG", 200),
        ("Inference", 50),
        ("None", 0),
    ]
    assert [b.y for b in chart.bars] == [14, 44, 74] and chart.bars[0].label_y == 11
    assert chart.height == 84
    assert horizontal_bars([]).bars == [] and horizontal_bars([]).height == 0


def test_links_to_a_draft_go_straight_to_the_composer(as_interviewer, draft, candidate):
    """The dashboard and the candidate page link to the composer's final URL: it answers 200,
    never a redirect."""
    compose = url("compose", draft)
    pages = (reverse("interviews:dashboard"), reverse("interviews:candidate", args=[candidate.pk]))
    links = set()
    for page in pages:
        html = text(as_interviewer.get(page))
        found = set(re.findall(rf'href="({re.escape(compose)}[^"]*)"', html))
        assert found, f"no link to the composer on {page}"
        links |= found
    assert draft.get_absolute_url() in links
    for link in links:
        response = as_interviewer.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
