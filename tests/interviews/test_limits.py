"""One set of size limits (config.limits): oversize input is refused by the forms with a clear
error and by the database itself; a NUL byte is a 400. Nothing is written either way."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse

from config import limits
from interviews import kits, services
from interviews.models import Amendment, Candidate, Interview, InterviewQuestion, Kit

from .test_scorecard import amend_data

MEGABYTE = "x" * 1_000_000


def url(name, *args):
    return reverse(f"interviews:{name}", args=args)


# The amend form: the 1 MB notes and summaries ----------------------------------------


@pytest.mark.parametrize("field", ["summary", "reason", "notes"])
def test_amend_refuses_oversize_text_and_writes_nothing(as_interviewer, submitted, field):
    item = submitted.items.first()
    name = f"notes_{item.pk}" if field == "notes" else field
    data = amend_data(submitted, reason="A fair reason")
    data[name] = MEGABYTE
    response = as_interviewer.post(url("amend", submitted.pk), data)
    assert response.status_code == 422
    assert "Ensure this value has at most" in response.content.decode()
    assert not Amendment.objects.exists()
    submitted.refresh_from_db()
    item.refresh_from_db()
    assert len(submitted.summary) < 100 and item.notes == ""


def test_the_amend_service_refuses_oversize_text_too(interviewer, submitted):
    item = submitted.items.first()
    for kwargs in (
        {"summary": MEGABYTE},
        {"notes": {item.pk: "n" * (limits.NOTES + 1)}},
        {"reason": "r" * (limits.AMEND_REASON + 1)},
    ):
        with pytest.raises(services.ValidationError, match="at most"):
            services.interview_amend(
                interview=submitted, user=interviewer, **{"reason": "ok", **kwargs}
            )
    assert not Amendment.objects.exists()


def test_live_notes_and_summary_are_capped(as_interviewer, live_interview):
    item = live_interview.items.first()
    response = as_interviewer.post(
        url("notes", live_interview.pk, item.pk),
        {"notes": "n" * (limits.NOTES + 1), "version": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    response = as_interviewer.post(
        url("submit", live_interview.pk),
        {"recommendation": "hire", "summary": MEGABYTE, "allow_unscored": "on"},
    )
    assert response.status_code == 422
    item.refresh_from_db()
    live_interview.refresh_from_db()
    assert item.notes == "" and live_interview.summary == "" and live_interview.is_live


def test_candidate_notes_are_capped(as_interviewer, interviewer, level):
    interviewer.groups.add(Group.objects.get(name="Hiring managers"))  # adds candidates
    data = {
        "who": "new",
        "name": "Dana Doe",
        "target_level": level.pk,
        "notes": "n" * (limits.CANDIDATE_NOTES + 1),
        "planned_minutes": 60,
    }
    response = as_interviewer.post(url("interview_new"), data)
    assert response.status_code == 422
    assert "Ensure this value has at most 10000 characters" in response.content.decode()
    page = as_interviewer.get(url("interview_new")).content.decode()
    assert f'maxlength="{limits.CANDIDATE_NOTES}"' in page
    assert not Candidate.objects.exists() and not Interview.objects.exists()


def test_kit_description_is_capped(as_interviewer, draft):
    response = as_interviewer.post(
        url("save_kit", draft.pk), {"name": "Big", "description": MEGABYTE}
    )
    assert "Ensure this value has at most" in response.content.decode()
    assert not Kit.objects.exists()


@pytest.mark.parametrize(
    "model, field, limit",
    [
        (Candidate, "notes", limits.CANDIDATE_NOTES),
        (Interview, "summary", limits.SUMMARY),
        (InterviewQuestion, "notes", limits.NOTES),
        (Amendment, "reason", limits.AMEND_REASON),
        (Kit, "description", limits.KIT_DESCRIPTION),
    ],
)
def test_the_database_refuses_oversize_text(submitted, interviewer, model, field, limit):
    """Past the forms and services (a script, the shell): the database's own CHECK holds."""
    if model is Amendment:
        services.interview_amend(interview=submitted, user=interviewer, reason="Typo", summary="x")
    if model is Kit:
        kits.kit_save_from_interview(interview=submitted, owner=interviewer, name="K")
    queryset = model.objects.all()
    assert queryset.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**{field: "y" * (limit + 1)})
    queryset.update(**{field: "y" * limit})  # the limit itself is fine


def test_every_free_text_column_has_a_limit():
    from django.apps import apps
    from django.db import models

    unbounded = [
        f"{model._meta.label}.{field.name}"
        for app in ("interviews", "questionbank")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField | models.CharField) and not field.max_length
    ]
    assert unbounded == []


# NUL bytes ------------------------------------------------------------------------------------


def test_a_nul_in_the_candidate_search_is_a_400(as_interviewer, candidate):
    response = as_interviewer.get(url("candidate_list"), {"q": "Cam\x00"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_nul_in_the_live_search_is_a_400(as_interviewer, live_interview):
    response = as_interviewer.get(url("live", live_interview.pk), {"find": "to\x00ken"})
    assert response.status_code == 400


@pytest.mark.parametrize("field", ["notes", "version"])
def test_a_nul_in_posted_notes_is_a_400_and_nothing_is_written(
    as_interviewer, live_interview, field
):
    item = live_interview.items.first()
    data = {"notes": "Fine text", "version": "0"}
    data[field] = data[field] + "\x00"
    response = as_interviewer.post(url("notes", live_interview.pk, item.pk), data)
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.notes == "" and item.notes_version == 0


def test_a_nul_in_the_amend_form_is_a_400(as_interviewer, submitted):
    data = amend_data(submitted, reason="Why\x00", summary="New summary")
    assert as_interviewer.post(url("amend", submitted.pk), data).status_code == 400
    submitted.refresh_from_db()
    assert submitted.summary == "Solid on retrieval." and not Amendment.objects.exists()


def test_a_nul_in_the_path_is_a_400(as_interviewer, db):
    assert as_interviewer.get("/candidates/%00/").status_code == 400
