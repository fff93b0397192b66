"""The new-interview page: a new or existing candidate, level, plan, optionally from a kit."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from interviews import kits, services
from interviews.models import Candidate, Interview
from questionbank.models import Level

HX = {"HX-Request": "true"}
NEW = reverse("interviews:interview_new")


def text(response):
    return response.content.decode()


def compose_url(interview):
    return reverse("interviews:compose", args=[interview.pk]) + f"?level={interview.level.slug}"


@pytest.fixture(autouse=True)
def interviewer_also_manages(interviewer):
    """Here Ines is an interviewer and a hiring manager: she adds candidates (opening their
    loop) and interviews the candidates whose loop she manages. tests/interviews/test_roles.py
    shows what a plain interviewer may pick."""
    interviewer.groups.add(Group.objects.get(name="Hiring managers"))


@pytest.fixture
def candidate(interviewer, level):
    candidate = services.candidate_create(name="Cam Candidate", level=level, created_by=interviewer)
    services.loop_open(candidate=candidate, hiring_manager=interviewer)
    return candidate


@pytest.fixture
def senior(db):
    return Level.objects.create(name="Senior", slug="senior", rank=5)


@pytest.fixture
def kit(draft, interviewer, bank):
    """A kit of bank[0..2] saved in the reverse order."""
    kit = kits.kit_save_from_interview(interview=draft, owner=interviewer, name="Mine")
    return kits.kit_set_questions(kit=kit, question_ids=[q.pk for q in reversed(bank[:3])])


@pytest.fixture
def others_kits(other_interviewer, level, bank):
    from interviews.models import Kit

    shared = Kit.objects.create(name="Shared", owner=other_interviewer, level=level, shared=True)
    kits.kit_set_questions(kit=shared, question_ids=[bank[4].pk, bank[8].pk])
    private = Kit.objects.create(name="Private", owner=other_interviewer, level=level)
    kits.kit_set_questions(kit=private, question_ids=[bank[5].pk])
    return shared, private


def test_anonymous_users_are_sent_to_log_in(client, db):
    for response in (client.get(NEW), client.post(NEW, {"who": "new", "name": "X"})):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Candidate.objects.exists()


def test_the_page_offers_both_kinds_of_candidate_and_visible_kits(
    as_interviewer, candidate, kit, others_kits
):
    response = as_interviewer.get(NEW)
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and 'id="new-form"' in body
    assert 'value="new"' in body and 'value="existing"' in body
    assert f'<option value="{candidate.pk}">Cam Candidate · Engineer</option>' in body
    assert "Mine · Engineer · 3 questions</option>" in body
    assert "Shared · Engineer · 2 questions · by omar</option>" in body
    assert "Private" not in body
    assert 'name="planned_minutes" value="45" min="5" max="480"' in body


def test_candidate_and_kit_can_be_preselected(as_interviewer, candidate, kit, others_kits):
    body = text(as_interviewer.get(f"{NEW}?candidate={candidate.pk}&kit={kit.pk}"))
    assert 'value="existing" id="new-who_1" required checked' in body
    assert f'<option value="{candidate.pk}" selected>' in body
    assert f'<option value="{kit.pk}" selected>' in body
    assert f'<option value="{kit.level.pk}" selected>' in body
    # another user's private kit, or nonsense, is not preselected
    _shared, private = others_kits
    for query in (f"?kit={private.pk}", "?kit=abc&candidate=999999"):
        body = text(as_interviewer.get(NEW + query))
        kit_select = body.split('name="kit"')[1].split("</select>")[0]
        assert '<option value="" selected>No kit' in kit_select
        assert kit_select.count(" selected>") == 1
        assert 'value="new" id="new-who_0" required checked' in body


def test_create_for_a_new_candidate(as_interviewer, interviewer, level):
    data = {
        "who": "new",
        "name": " Dana Doe ",
        "email": "dana@example.com",
        "target_level": level.pk,
        "notes": "Referred",
        "planned_minutes": 60,
    }
    response = as_interviewer.post(NEW, data)
    interview = Interview.objects.get()
    assert response.status_code == 303 and response["Location"] == compose_url(interview)
    candidate = interview.candidate
    assert (candidate.name, candidate.email, candidate.notes) == (
        "Dana Doe",
        "dana@example.com",
        "Referred",
    )
    assert candidate.created_by == interviewer and candidate.level == level
    assert interview.interviewer == interviewer and interview.level == level  # the target level
    assert interview.planned_minutes == 60 and interview.title == "Engineer interview with Dana Doe"
    assert interview.is_draft and not interview.items.exists()


def test_create_for_an_existing_candidate_with_level_and_title(as_interviewer, candidate, senior):
    data = {
        "who": "existing",
        "candidate": candidate.pk,
        "level": senior.pk,
        "title": "System design round",
        "planned_minutes": 90,
        "name": "ignored",
    }
    response = as_interviewer.post(NEW, data, headers=HX)
    interview = Interview.objects.get()
    assert response.status_code == 200 and response["HX-Redirect"] == compose_url(interview)
    assert interview.candidate == candidate and interview.level == senior
    assert interview.title == "System design round" and interview.planned_minutes == 90
    assert Candidate.objects.count() == 1


def test_start_from_a_kit_copies_its_questions_in_order(as_interviewer, candidate, kit, bank):
    data = {"who": "existing", "candidate": candidate.pk, "planned_minutes": 30, "kit": kit.pk}
    response = as_interviewer.post(NEW, data)
    assert response.status_code == 303
    interview = Interview.objects.get(kit=kit)
    assert response["Location"] == compose_url(interview)
    copied = list(interview.items.order_by("position").values_list("question_id", "text"))
    assert copied == [(q.pk, q.text) for q in reversed(bank[:3])]


def test_start_from_someone_elses_shared_kit(as_interviewer, candidate, others_kits, bank):
    shared, private = others_kits
    data = {"who": "existing", "candidate": candidate.pk, "planned_minutes": 30}
    response = as_interviewer.post(NEW, {**data, "kit": shared.pk})
    assert response.status_code == 303
    interview = Interview.objects.get(kit=shared)
    assert list(interview.items.values_list("question_id", flat=True)) == [bank[4].pk, bank[8].pk]
    response = as_interviewer.post(NEW, {**data, "kit": private.pk})
    assert response.status_code == 422
    assert "Select a valid choice" in text(response)
    assert not Interview.objects.filter(kit=private).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"who": "new", "planned_minutes": 45}, "name", "Enter the candidate&#x27;s name."),
        (
            {"who": "new", "name": "A", "planned_minutes": 45},
            "target_level",
            "Choose the candidate&#x27;s target level.",
        ),
        (
            {
                "who": "new",
                "name": "A",
                "target_level": "LEVEL",
                "email": "not-an-email",
                "planned_minutes": 45,
            },
            "email",
            "Enter a valid email address.",
        ),
        ({"who": "existing", "planned_minutes": 45}, "candidate", "Choose the candidate."),
        (
            {"who": "existing", "candidate": 999999, "planned_minutes": 45},
            "candidate",
            "Select a valid choice.",
        ),
        (
            {"who": "new", "name": "A", "target_level": "LEVEL", "planned_minutes": 4},
            "planned_minutes",
            "Ensure this value is greater than or equal to 5.",
        ),
        (
            {"who": "new", "name": "A", "target_level": "LEVEL", "planned_minutes": 481},
            "planned_minutes",
            "Ensure this value is less than or equal to 480.",
        ),
        (
            {"who": "new", "name": "A", "target_level": "LEVEL"},
            "planned_minutes",
            "This field is required.",
        ),
        (
            {"who": "maybe", "name": "A", "target_level": "LEVEL", "planned_minutes": 45},
            "who",
            "Select a valid choice.",
        ),
    ],
)
def test_invalid_input_is_explained_and_nothing_is_created(
    as_interviewer, level, data, field, message
):
    data = {k: (level.pk if v == "LEVEL" else v) for k, v in data.items()}
    response = as_interviewer.post(NEW, data)
    assert response.status_code == 422 and "<html" in text(response)
    body = text(response)
    assert "The interview was not created." in body
    assert f'<ul class="errorlist" id="new-{field}_error"><li>{message}' in body
    assert body.count("</li></ul>") >= 1 and body.count(f'id="new-{field}_error"') == 1
    assert 'aria-invalid="true"' in body
    response = as_interviewer.post(NEW, data, headers=HX)
    assert response.status_code == 422
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith('<form id="new-form"')
    assert message in body
    assert not Candidate.objects.exists() and not Interview.objects.exists()


def test_a_refused_interview_keeps_no_new_candidate(as_interviewer, level, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"planned_minutes": "The plan is refused."})

    monkeypatch.setattr(services, "interview_create", refuse)
    data = {"who": "new", "name": "Rolled Back", "target_level": level.pk, "planned_minutes": 45}
    response = as_interviewer.post(NEW, data)
    assert response.status_code == 422 and "The plan is refused." in text(response)
    assert not Candidate.objects.exists()


def test_the_form_fragment_alone(as_interviewer, db):
    response = as_interviewer.get(NEW, headers=HX)
    assert response.status_code == 200
    assert "<html" not in text(response) and text(response).lstrip().startswith(
        '<form id="new-form"'
    )
