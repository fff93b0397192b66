import csv
import io
import json
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questionbank.admin import QuestionAdmin
from questionbank.models import Kind, KindRubric, Level, Question, QuestionStatus, Topic
from questionbank.similarity import similar_questions
from tests.factories import LevelFactory, QuestionFactory, TopicFactory, UserFactory, make_bank

CHANGELIST = reverse("admin:questionbank_question_changelist")
ADD = reverse("admin:questionbank_question_add")
IMPORT = reverse("admin:questionbank_question_import")
EXPORT = reverse("admin:questionbank_question_export")


@pytest.fixture
def tags(db):
    return LevelFactory(name="Intern", slug="intern", rank=1), TopicFactory(name="RAG", slug="rag")


@pytest.fixture
def as_curator(client, curator):
    client.force_login(curator)
    return client


def question_form(level, topic, **overrides):
    data = {
        "text": "How does nucleus sampling choose the next token?",
        "kind": Kind.CONCEPTUAL,
        "difficulty": 3,
        "status": QuestionStatus.ACTIVE,
        "estimated_minutes": 5,
        "levels": [level.pk],
        "topics": [topic.pk],
        "guidance": "",
        "follow_ups": "",
        "red_flags": "",
        "reading": "",
        "anchor_poor": "",
        "anchor_mixed": "",
        "anchor_good": "",
        "anchor_excellent": "",
    }
    data.update(overrides)
    return data


def test_curators_group_can_curate_the_bank_and_nothing_else(db):
    perms = set(
        Group.objects.get(name="Curators").permissions.values_list(
            "content_type__app_label", flat=True
        )
    )
    assert perms == {"questionbank"}
    codenames = set(
        Group.objects.get(name="Curators").permissions.values_list("codename", flat=True)
    )
    assert {"add_question", "change_question", "delete_question", "change_kindrubric"} <= codenames


def test_curator_reaches_the_bank_but_not_users(as_curator, db):
    assert as_curator.get(CHANGELIST).status_code == 200
    assert as_curator.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_an_interviewer_cannot_curate(client, db):
    client.force_login(UserFactory(username="x", groups=["Interviewers"]))
    assert client.get(CHANGELIST).status_code == 302  # not staff: sent to the admin login


def test_changelist_columns_filters_and_search(as_curator, tags):
    level, topic = tags
    QuestionFactory(text="What is retrieval augmented generation?", levels=[level], topics=[topic])
    QuestionFactory(text="What is a tokenizer?", levels=[level], topics=[topic])
    html = as_curator.get(CHANGELIST + "?q=retrieval").content.decode()
    assert "What is retrieval augmented generation?" in html and "What is a tokenizer?" not in html
    for heading in ("Levels", "Topics", "Difficulty", "Kind", "Status", "Times used"):
        assert heading in html
    html = as_curator.get(CHANGELIST).content.decode()
    for filter_title in ("By status", "By kind", "By difficulty", "By levels", "By topics"):
        assert filter_title in html


def test_changelist_query_count_is_flat(as_curator, django_assert_num_queries, db):
    make_bank(60)
    # 12: no second count of the whole bank beside the result count (show_full_result_count),
    # nor the bank's distinct difficulties for their filter (they are 1 to 5)
    with django_assert_num_queries(12) as ctx:
        assert as_curator.get(CHANGELIST).status_code == 200
    count = len(ctx.captured_queries)
    make_bank(3000)
    with django_assert_num_queries(count):
        as_curator.get(CHANGELIST + "?p=3")


def _action(client, action, ids, **extra):
    data = {"action": action, "_selected_action": [str(pk) for pk in ids], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_bulk_actions(as_curator, tags):
    level, topic = tags
    q1, q2 = (QuestionFactory(levels=[level], topics=[topic]) for _ in range(2))
    response = _action(as_curator, "retire", [q1.pk, q2.pk])
    assert set(Question.objects.values_list("status", flat=True)) == {QuestionStatus.RETIRED}
    assert "Retired 2 questions." in response.content.decode()
    response = _action(as_curator, "reactivate", [q1.pk])
    assert "Reactivated 1 question." in response.content.decode()
    q1.refresh_from_db()
    assert q1.status == QuestionStatus.ACTIVE
    _action(as_curator, "set_difficulty", [q1.pk, q2.pk], difficulty="5")
    assert set(Question.objects.values_list("difficulty", flat=True)) == {5}
    other_topic = TopicFactory(name="Agents", slug="agents")
    _action(as_curator, "add_topic", [q1.pk], topic=str(other_topic.pk))
    assert set(q1.topics.values_list("slug", flat=True)) == {"rag", "agents"}
    other_level = LevelFactory(name="Engineer", slug="engineer", rank=3)
    _action(as_curator, "add_level", [q1.pk, q2.pk], level=str(other_level.pk))
    assert other_level.questions.count() == 2


def test_set_difficulty_without_a_value_changes_nothing(as_curator, tags):
    level, topic = tags
    question = QuestionFactory(difficulty=2, levels=[level], topics=[topic])
    response = _action(as_curator, "set_difficulty", [question.pk])
    assert "Choose a difficulty" in response.content.decode()
    question.refresh_from_db()
    assert question.difficulty == 2


def test_list_editable_difficulty_and_status(as_curator, tags):
    level, topic = tags
    question = QuestionFactory(difficulty=2, levels=[level], topics=[topic])
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(question.pk),
        "form-0-difficulty": "4",
        "form-0-status": "retired",
        "_save": "Save",
    }
    as_curator.post(CHANGELIST, data)
    question.refresh_from_db()
    assert (question.difficulty, question.status) == (4, "retired")


def test_add_question_needs_a_level_and_a_topic(as_curator, tags):
    level, topic = tags
    response = as_curator.post(ADD, question_form(level, topic, levels=[], topics=[]))
    assert response.status_code == 200
    assert Question.objects.count() == 0
    assert "This field is required" in response.content.decode()


def test_add_question(as_curator, tags):
    level, topic = tags
    response = as_curator.post(ADD, question_form(level, topic))
    assert response.status_code == 302
    question = Question.objects.get()
    assert list(question.levels.all()) == [level] and list(question.topics.all()) == [topic]


def test_likely_duplicate_warning_then_save_anyway(as_curator, tags):
    level, topic = tags
    QuestionFactory(
        text="How does nucleus (top-p) sampling choose the next token?",
        levels=[level],
        topics=[topic],
    )
    response = as_curator.post(ADD, question_form(level, topic))
    html = response.content.decode()
    assert response.status_code == 200 and "Likely duplicates already in the bank" in html
    assert "How does nucleus (top-p) sampling choose the next token?" in html
    assert Question.objects.count() == 1
    response = as_curator.post(ADD, question_form(level, topic, confirm_not_duplicate="on"))
    assert response.status_code == 302 and Question.objects.count() == 2


def test_save_anyway_shows_only_when_duplicates_are_listed(as_curator, tags):
    """'Save anyway' means nothing without a list of likely duplicates above it."""
    level, topic = tags
    existing = QuestionFactory(
        text="How does nucleus (top-p) sampling choose the next token?",
        levels=[level],
        topics=[topic],
    )
    change = reverse("admin:questionbank_question_change", args=[existing.pk])
    for html in (
        as_curator.get(ADD).content.decode(),
        as_curator.get(change).content.decode(),
        # an error of another kind, no duplicates: still nothing to save anyway
        as_curator.post(
            ADD, question_form(level, topic, text="Explain beam search.", topics=[])
        ).content.decode(),
    ):
        assert "Likely duplicates" not in html
        assert '<div class="form-row hidden field-confirm_not_duplicate">' in html  # not shown
        assert 'type="checkbox" name="confirm_not_duplicate"' not in html
    html = as_curator.post(ADD, question_form(level, topic)).content.decode()
    assert "Likely duplicates already in the bank" in html
    assert '<div class="form-row field-confirm_not_duplicate">' in html
    assert re.search(r'<input type="checkbox" name="confirm_not_duplicate"[^>]*>', html)
    assert (
        '<label class="vCheckboxLabel" for="id_confirm_not_duplicate">Save anyway</label>' in html
    )


def test_an_identical_text_is_refused_even_when_confirmed(as_curator, tags):
    level, topic = tags
    QuestionFactory(
        text="How does nucleus sampling choose the next token?", levels=[level], topics=[topic]
    )
    response = as_curator.post(
        ADD,
        question_form(
            level,
            topic,
            text="how does NUCLEUS sampling  choose the next token?",
            confirm_not_duplicate="on",
        ),
    )
    assert response.status_code == 200 and Question.objects.count() == 1
    assert "already exists" in response.content.decode()


def test_no_warning_for_an_unrelated_question(as_curator, tags):
    level, topic = tags
    QuestionFactory(text="Explain the KV cache.", levels=[level], topics=[topic])
    response = as_curator.post(ADD, question_form(level, topic))
    assert response.status_code == 302


def test_anchor_override_and_kind_defaults(tags):
    level, topic = tags
    question = QuestionFactory(
        kind=Kind.CODING,
        levels=[level],
        topics=[topic],
        anchor_excellent="Writes it in O(n) with tests",
    )
    anchors = question.anchors()
    assert anchors[4] == "Writes it in O(n) with tests"
    assert anchors[1] == KindRubric.objects.get(kind=Kind.CODING).poor
    assert KindRubric.objects.count() == 5


def _import(client, content: str, fmt: str, name: str):
    """Upload a file to the admin's import page (the preview step)."""
    formats = [f().get_title() for f in QuestionAdmin(Question, admin.site).get_import_formats()]
    index = formats.index(fmt)
    upload = SimpleUploadedFile(name, content.encode(), content_type="text/plain")
    return client.post(IMPORT, {"resource": "0", "import_file": upload, "format": str(index)})


def csv_text(rows):
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=[
            "id",
            "text",
            "kind",
            "difficulty",
            "levels",
            "topics",
            "estimated_minutes",
            "status",
        ],
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_import_with_a_bad_row_shows_row_errors_and_writes_nothing(as_curator, tags):
    content = csv_text(
        [
            {
                "text": "A fine new question?",
                "kind": "coding",
                "difficulty": "2",
                "levels": "intern",
                "topics": "rag",
            },
            {
                "text": "Too hard a question?",
                "kind": "coding",
                "difficulty": "9",
                "levels": "intern",
                "topics": "rag",
            },
            {
                "text": "Unknown topic question?",
                "kind": "conceptual",
                "difficulty": "1",
                "levels": "intern",
                "topics": "no-such-topic",
            },
            {
                "text": "No level question?",
                "kind": "conceptual",
                "difficulty": "1",
                "levels": "",
                "topics": "rag",
            },
        ]
    )
    response = _import(as_curator, content, "csv", "bank.csv")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Difficulty must be from 1 (easiest) to 5 (hardest)." in html
    assert "unknown topic no-such-topic" in html
    assert "at least one of its levels" in html
    assert 'name="import_file_name"' not in html  # no confirm button: nothing can be written
    assert Question.objects.count() == 0


def test_import_preview_then_confirm_writes(as_curator, tags):
    content = csv_text(
        [
            {
                "text": "A fine new question?",
                "kind": "coding",
                "difficulty": "2",
                "levels": "intern",
                "topics": "rag",
            }
        ]
    )
    response = _import(as_curator, content, "csv", "bank.csv")
    html = response.content.decode()
    assert "A fine new question?" in html and 'name="import_file_name"' in html
    assert Question.objects.count() == 0  # the preview writes nothing

    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)" '
            r'value="([^"]*)"',
            html,
        )
    )
    response = as_curator.post(reverse("admin:questionbank_question_process_import"), fields)
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.kind == "coding" and question.estimated_minutes == 20
    assert [t.slug for t in question.topics.all()] == ["rag"]


def test_import_json(as_curator, tags):
    content = json.dumps(
        [
            {
                "id": "",
                "text": "Json question?",
                "kind": "scenario",
                "difficulty": 4,
                "levels": "intern",
                "topics": "rag",
            }
        ]
    )
    html = _import(as_curator, content, "json", "bank.json").content.decode()
    assert "Json question?" in html and 'name="import_file_name"' in html


def test_export_csv_and_json(as_curator, tags):
    level, topic = tags
    QuestionFactory(text='Comma, "quote" and\nnewline?', levels=[level], topics=[topic])
    response = as_curator.post(
        EXPORT,
        {
            "format": "0",
            "resource": "0",
            "questionresource_id": "on",
            "questionresource_text": "on",
            "questionresource_levels": "on",
            "questionresource_topics": "on",
        },
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["text"] == 'Comma, "quote" and\nnewline?'
    assert rows[0]["levels"] == "intern" and rows[0]["topics"] == "rag"


def test_admin_pages_for_topics_levels_rubrics(as_curator, tags):
    for name in ("topic", "level", "kindrubric"):
        assert as_curator.get(reverse(f"admin:questionbank_{name}_changelist")).status_code == 200
    assert Level.objects.count() == 1 and Topic.objects.count() == 1


def test_cached_topic_counts_follow_every_edit_of_the_bank(as_curator, tags):
    """The bank's topic counts are cached (shared by every app server); each way a curator
    changes the bank drops them, so the next page counts afresh."""
    level, topic = tags
    bank = reverse("questionbank:bank")

    def shown():
        html = as_curator.get(bank).content.decode()
        match = re.search(rf"{re.escape(topic.name)} \((\d+)\)", html)
        return int(match.group(1)) if match else 0

    q1 = QuestionFactory(levels=[level], topics=[topic])
    assert shown() == 1  # counted, now cached
    q2 = QuestionFactory(levels=[level], topics=[topic])  # save and m2m signals
    assert shown() == 2
    _action(as_curator, "retire", [q1.pk])  # a bulk update: no signal
    assert shown() == 1
    _action(as_curator, "reactivate", [q1.pk])
    assert shown() == 2
    q2.topics.clear()
    assert shown() == 1
    other = QuestionFactory(levels=[level], topics=[TopicFactory()])
    _action(as_curator, "add_topic", [other.pk], topic=topic.pk)  # bulk insert of tags
    assert shown() == 2
    # The admin's import writes in bulk (no signals): preview, then confirm.
    row = {"text": "An imported question?", "kind": "coding", "difficulty": "2"}
    row |= {"levels": level.slug, "topics": topic.slug}
    html = _import(as_curator, csv_text([row]), "csv", "bank.csv").content.decode()
    assert shown() == 2  # the preview writes nothing
    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', html
        )
    )
    response = as_curator.post(reverse("admin:questionbank_question_process_import"), fields)
    assert response.status_code == 302
    assert shown() == 3


def test_add_question_with_likely_duplicates_takes_a_bounded_number_of_queries(
    as_curator, tags, django_assert_num_queries
):
    level, topic = tags
    make_bank(200)
    QuestionFactory(
        text="How does nucleus (top-p) sampling choose the next token?",
        levels=[level],
        topics=[topic],
    )
    assert as_curator.get(ADD).status_code == 200  # the form first, as a curator does
    similar_questions("warm")  # whether pg_trgm is installed: asked once per process
    # session, user, the admin's savepoint, the curator's permissions (user and group), the
    # chosen levels and topics, the likely duplicates (PostgreSQL: the trigram threshold,
    # then the index; SQLite: the texts, then the rows found), the seven check constraints in
    # one query (in a savepoint of their own: three statements, not 21), the unique
    # normalized text, the savepoint's release, and the form drawn again (levels, topics)
    with django_assert_num_queries(16):
        response = as_curator.post(ADD, question_form(level, topic))
    assert "Likely duplicates already in the bank" in response.content.decode()
    assert Question.objects.count() == 201


def test_check_constraints_are_all_reported_at_once(as_curator, tags):
    level, topic = tags
    response = as_curator.post(
        ADD, question_form(level, topic, difficulty=9, estimated_minutes=500)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Difficulty must be from 1 (easiest) to 5 (hardest)." in html
    assert "Estimated minutes must be from 1 to 120." in html
    assert Question.objects.count() == 0


def test_the_difficulty_filter_offers_one_to_five_and_filters(as_curator, db):
    make_bank(30)
    html = as_curator.get(CHANGELIST).content.decode()
    for d in range(1, 6):
        assert f'href="?difficulty={d}"' in html
    response = as_curator.get(CHANGELIST, {"difficulty": "4"})
    shown = {q.pk for q in response.context["cl"].result_list}
    assert shown == set(Question.objects.filter(difficulty=4).values_list("pk", flat=True))
    assert shown and len(shown) < 30
