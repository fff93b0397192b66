"""Kits: the list (mine and shared), the detail page, the owner's edits, visibility."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from interviews import kits
from interviews.models import Kit, KitQuestion
from questionbank.models import QuestionStatus

HX = {"HX-Request": "true"}
KITS = reverse("interviews:kit_list")


def text(response):
    return response.content.decode()


def kit_order(kit):
    return list(kit.items.order_by("position").values_list("question_id", flat=True))


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def listed(response):
    """Kit names linked in the list, in order."""
    return [
        html.unescape(name)
        for name in re.findall(r'<a href="/kits/\d+/">([^<]+)</a>', text(response))
    ]


@pytest.fixture
def mine(draft, interviewer):
    return kits.kit_save_from_interview(
        interview=draft, owner=interviewer, name="My RAG kit", description="Warm-up round"
    )


@pytest.fixture
def shared(other_interviewer, level, bank):
    kit = Kit.objects.create(
        name="Omar's shared kit", owner=other_interviewer, level=level, shared=True
    )
    return kits.kit_set_questions(kit=kit, question_ids=[bank[4].pk, bank[8].pk])


@pytest.fixture
def private(other_interviewer, level, bank):
    kit = Kit.objects.create(name="Omar's private kit", owner=other_interviewer, level=level)
    return kits.kit_set_questions(kit=kit, question_ids=[bank[5].pk])


# The list ------------------------------------------------------------------------------------


def test_the_list_shows_mine_and_shared_with_counts(as_interviewer, mine, shared, private):
    response = as_interviewer.get(KITS)
    assert response.status_code == 200
    assert listed(response) == ["My RAG kit", "Omar's shared kit"]
    body = text(response).replace("&#x27;", "'")
    row = body[body.index("My RAG kit") :]
    row = row[: row.index("</tr>")]
    assert "<td>Engineer</td>" in row and "<td>3</td>" in row and "<td>You</td>" in row
    assert "Warm-up round" in row
    row = body[body.index("Omar's shared kit") :]
    row = row[: row.index("</tr>")]
    assert "Shared" in row and "<td>2</td>" in row and "<td>omar</td>" in row


def test_the_list_filters_as_a_fragment(as_interviewer, mine, shared):
    response = as_interviewer.get(KITS + "?q=omar&level=", headers=HX)
    assert response.status_code == 200
    assert "<html" not in text(response) and text(response).lstrip().startswith(
        '<section id="kits"'
    )
    assert listed(response) == ["Omar's shared kit"]
    response = as_interviewer.get(KITS + "?q=&level=nowhere", headers=HX)
    assert listed(response) == [] and "Some filters are not valid" in text(response)
    response = as_interviewer.get(KITS + "?q=zzz")
    assert "<html" in text(response) and "No kit matches these filters." in text(response)


def test_the_list_when_there_are_none(as_interviewer, db):
    assert "No kits yet." in text(as_interviewer.get(KITS))


def test_a_hiring_manager_sees_shared_kits_only(as_manager, mine, shared, private):
    assert listed(as_manager.get(KITS)) == ["Omar's shared kit"]


def test_the_list_query_count_does_not_grow(
    client, interviewer, mine, shared, level, bank, django_assert_num_queries
):
    client.force_login(interviewer)
    # session, user, their groups (the rules), kits with counts, the level filter
    with django_assert_num_queries(5):
        client.get(KITS)
    for i in range(10):
        kit = Kit.objects.create(name=f"Extra {i}", owner=interviewer, level=level, shared=i % 2)
        kits.kit_set_questions(kit=kit, question_ids=[q.pk for q in bank[: i + 1]])
    with django_assert_num_queries(5):
        response = client.get(KITS)
    assert len(listed(response)) == 12


# The detail page -----------------------------------------------------------------------------


def test_the_owner_sees_the_questions_in_order_and_the_edit_forms(as_interviewer, mine, bank):
    response = as_interviewer.get(mine.get_absolute_url())
    assert response.status_code == 200
    body = text(response)
    positions = [body.index(q.text) for q in bank[:3]]
    assert positions == sorted(positions)
    assert 'Questions <span class="muted small">3 · about 15 min</span>' in body
    assert 'name="action" value="update"' in body and 'name="action" value="delete"' in body
    assert f'id="kit-up-{bank[1].pk}"' in body and f'id="kit-remove-{bank[1].pk}"' in body
    assert f'href="{reverse("interviews:interview_new")}?kit={mine.pk}"' in body


def test_others_view_a_shared_kit_and_may_start_from_it(as_interviewer, shared, bank):
    response = as_interviewer.get(shared.get_absolute_url())
    assert response.status_code == 200
    body = text(response)
    assert bank[4].text in body and bank[8].text in body
    assert 'name="action"' not in body  # no edit, move, remove or delete
    assert f'href="{reverse("interviews:interview_new")}?kit={shared.pk}"' in body
    assert "Start an interview from this kit" in body


def test_the_detail_fragment_alone(as_interviewer, mine):
    response = as_interviewer.get(mine.get_absolute_url(), headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<section id="kit-questions"')


def test_retired_questions_of_a_kit_are_marked(as_interviewer, mine, bank):
    bank[1].status = QuestionStatus.RETIRED
    bank[1].save()
    body = text(as_interviewer.get(mine.get_absolute_url()))
    assert body.count("This question was retired from the bank.") == 1


def test_anonymous_users_are_sent_to_log_in(client, mine):
    for response in (
        client.get(KITS),
        client.get(mine.get_absolute_url()),
        client.post(mine.get_absolute_url(), {"action": "delete", "confirm": "on"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Kit.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("who", ["as_other", "as_manager"])
def test_a_kit_neither_mine_nor_shared_is_a_404(request, who, mine, private, bank):
    client = request.getfixturevalue(who)
    kit = mine  # private to ines
    assert client.get(kit.get_absolute_url()).status_code == 404
    assert client.get(kit.get_absolute_url(), headers=HX).status_code == 404


@pytest.mark.parametrize("who", ["as_interviewer", "as_manager"])
def test_only_the_owner_may_change_a_kit_even_a_shared_one(request, who, shared, bank):
    client = request.getfixturevalue(who)
    before = kit_order(shared)
    posts = [
        {"action": "update", "name": "Hijacked", "shared": ""},
        {"action": "move", "item": bank[8].pk, "direction": "up"},
        {"action": "remove", "item": bank[4].pk},
        {"action": "delete", "confirm": "on"},
    ]
    for data in posts:
        assert client.post(shared.get_absolute_url(), data).status_code == 404
        assert client.post(shared.get_absolute_url(), data, headers=HX).status_code == 404
    shared.refresh_from_db()
    assert shared.name == "Omar's shared kit" and shared.shared and kit_order(shared) == before


def test_the_detail_query_count_does_not_grow(
    client, interviewer, mine, level, bank, django_assert_num_queries
):
    client.force_login(interviewer)
    # session, user, kit, its items with questions, their levels, their topics
    with django_assert_num_queries(7):  # + the user's groups (the rules)
        client.get(mine.get_absolute_url())
    kits.kit_set_questions(kit=mine, question_ids=[q.pk for q in bank])
    with django_assert_num_queries(7):  # + the user's groups (the rules)
        response = client.get(mine.get_absolute_url())
    assert text(response).count('<li id="kit-q-') == 12


# The owner's changes -------------------------------------------------------------------------


def test_edit_name_description_and_sharing(as_interviewer, mine):
    data = {"action": "update", "name": "Renamed", "description": "New words", "shared": "on"}
    response = as_interviewer.post(mine.get_absolute_url(), data, headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<section id="kit-settings"')
    assert "Kit saved." in body
    mine.refresh_from_db()
    assert (mine.name, mine.description, mine.shared) == ("Renamed", "New words", True)
    response = as_interviewer.post(mine.get_absolute_url(), {"action": "update", "name": "Again"})
    assert response.status_code == 303 and response["Location"] == mine.get_absolute_url()
    assert messages_of(response) == ["Kit saved."]
    mine.refresh_from_db()
    assert (mine.name, mine.shared) == ("Again", False)


def test_sharing_makes_a_kit_visible_to_others(client, mine, other_interviewer, interviewer):
    client.force_login(other_interviewer)
    assert client.get(mine.get_absolute_url()).status_code == 404
    client.force_login(interviewer)
    client.post(mine.get_absolute_url(), {"action": "update", "name": mine.name, "shared": "on"})
    client.force_login(other_interviewer)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert "My RAG kit" in listed(client.get(KITS))


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "This field is required."), ("Taken", "You already have a kit with this name.")],
)
def test_bad_edits_change_nothing(as_interviewer, mine, interviewer, level, name, message):
    Kit.objects.create(name="Taken", owner=interviewer, level=level)
    data = {"action": "update", "name": name, "shared": "on"}
    response = as_interviewer.post(mine.get_absolute_url(), data, headers=HX)
    assert response.status_code == 422 and message in text(response)
    assert "The kit was not saved." in text(response)
    response = as_interviewer.post(mine.get_absolute_url(), data)
    assert response.status_code == 422 and "<html" in text(response)
    mine.refresh_from_db()
    assert mine.name == "My RAG kit" and not mine.shared


def test_a_name_taken_by_someone_else_is_fine(as_interviewer, mine, shared):
    data = {"action": "update", "name": shared.name}
    assert as_interviewer.post(mine.get_absolute_url(), data).status_code == 303
    mine.refresh_from_db()
    assert mine.name == shared.name


def test_move_and_remove_questions(as_interviewer, mine, bank):
    url = mine.get_absolute_url()
    response = as_interviewer.post(
        url, {"action": "move", "item": bank[2].pk, "direction": "up"}, headers=HX
    )
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<section id="kit-questions"')
    assert "Moved to position 2 of 3." in body and f'id="kit-up-{bank[2].pk}"' in body
    assert kit_order(mine) == [bank[0].pk, bank[2].pk, bank[1].pk]
    response = as_interviewer.post(url, {"action": "move", "item": bank[0].pk, "direction": "down"})
    assert response.status_code == 303 and response["Location"] == url
    assert kit_order(mine) == [bank[2].pk, bank[0].pk, bank[1].pk]
    response = as_interviewer.post(url, {"action": "remove", "item": bank[0].pk}, headers=HX)
    assert response.status_code == 200 and "Question removed from the kit." in text(response)
    assert kit_order(mine) == [bank[2].pk, bank[1].pk]
    assert list(mine.items.values_list("position", flat=True)) == [1, 2]


def test_bad_kit_changes_change_nothing(as_interviewer, mine, private, bank):
    url = mine.get_absolute_url()
    before = kit_order(mine)
    cases = [
        ({"action": "move", "item": bank[5].pk, "direction": "up"}, "not in this kit"),
        ({"action": "move", "item": 999999, "direction": "up"}, "not in this kit"),
        ({"action": "move", "item": bank[1].pk}, "Say whether to move it up or down."),
        ({"action": "remove", "item": "x"}, "Enter a whole number."),
        ({"action": "explode"}, "Unknown action"),
        ({"action": "delete"}, "Tick “Yes, delete this kit” to delete it."),
    ]
    for data, message in cases:
        response = as_interviewer.post(url, data, headers=HX)
        assert response.status_code == 422, data
        assert message in text(response), (data, text(response))
        response = as_interviewer.post(url, data)
        assert response.status_code == 422 and "<html" in text(response)
    assert kit_order(mine) == before and kit_order(private) == [bank[5].pk]


def test_delete_with_confirmation(as_interviewer, mine, draft):
    response = as_interviewer.post(
        mine.get_absolute_url(), {"action": "delete", "confirm": "on"}, headers=HX
    )
    assert response.status_code == 200 and response["HX-Redirect"] == KITS
    assert not Kit.objects.filter(pk=mine.pk).exists()
    assert not KitQuestion.objects.exists()
    draft.refresh_from_db()
    assert draft.items.count() == 3  # interviews keep their questions


def test_delete_without_javascript(as_interviewer, mine):
    response = as_interviewer.post(mine.get_absolute_url(), {"action": "delete", "confirm": "on"})
    assert response.status_code == 303 and response["Location"] == KITS
    assert messages_of(response) == ["Deleted the kit “My RAG kit”."]
    assert not Kit.objects.exists()


def test_a_kit_saved_from_the_composer_is_listed(as_interviewer, draft, bank):
    as_interviewer.post(reverse("interviews:save_kit", args=[draft.pk]), {"name": "From composer"})
    kit = Kit.objects.get(name="From composer")
    assert listed(as_interviewer.get(KITS)) == ["From composer"]
    assert kit_order(kit) == [q.pk for q in bank[:3]]


# The services (interviews/kits.py) -----------------------------------------------------------


def test_the_services_move_and_remove_a_question(mine, bank):
    assert kits.kit_move_question(kit=mine, question_id=bank[0].pk, offset=-1) == (1, 3)
    assert kits.kit_move_question(kit=mine, question_id=bank[0].pk, offset=1) == (2, 3)
    assert kit_order(mine) == [bank[1].pk, bank[0].pk, bank[2].pk]
    kits.kit_remove_question(kit=mine, question_id=bank[1].pk)
    assert kit_order(mine) == [bank[0].pk, bank[2].pk]
    assert list(mine.items.values_list("position", flat=True)) == [1, 2]


def test_the_services_update_and_delete(mine, shared):
    kits.kit_update(kit=mine, name="  Renamed  ", description="New", shared=True)
    mine.refresh_from_db()
    assert (mine.name, mine.description, mine.shared) == ("Renamed", "New", True)
    kits.kit_update(kit=mine, name=shared.name, description="", shared=False)  # another owner's
    kits.kit_delete(kit=mine)
    assert list(Kit.objects.values_list("name", flat=True)) == ["Omar's shared kit"]
    assert not KitQuestion.objects.filter(kit_id=mine.pk).exists()


@pytest.mark.parametrize(
    ("write", "message"),
    [
        ("move_missing", "That question is not in this kit."),
        ("remove_missing", "That question is not in this kit."),
        ("rename_taken", "You already have a kit with this name."),
        ("rename_empty", "Enter a name."),
        ("set_twice", "A kit holds each question once."),
        ("set_unknown", "No question with id 999999."),
    ],
)
def test_the_services_refuse_and_change_nothing(mine, interviewer, level, bank, write, message):
    Kit.objects.create(name="Taken", owner=interviewer, level=level)
    before = kit_order(mine)
    writes = {
        "move_missing": lambda: kits.kit_move_question(kit=mine, question_id=bank[5].pk, offset=1),
        "remove_missing": lambda: kits.kit_remove_question(kit=mine, question_id=bank[5].pk),
        "rename_taken": lambda: kits.kit_update(
            kit=mine, name="Taken", description="", shared=False
        ),
        "rename_empty": lambda: kits.kit_update(kit=mine, name=" ", description="", shared=False),
        "set_twice": lambda: kits.kit_set_questions(kit=mine, question_ids=[bank[0].pk] * 2),
        "set_unknown": lambda: kits.kit_set_questions(kit=mine, question_ids=[999999]),
    }
    with pytest.raises(ValidationError) as refused:
        writes[write]()
    assert " ".join(refused.value.messages) == message
    mine.refresh_from_db()
    assert kit_order(mine) == before and mine.name == "My RAG kit"
