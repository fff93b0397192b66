"""Candidates: the duplicate e-mail warning, archiving, merging two duplicates."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from interviews import services
from interviews.models import Candidate, Interview, InterviewQuestion, InterviewStatus, Loop

from .conftest import make_status

NEW = reverse("interviews:interview_new")
CANDIDATES = reverse("interviews:candidate_list")
HX = {"HX-Request": "true"}


def text(response):
    return response.content.decode()


def archive_url(candidate):
    return reverse("interviews:candidate_archive", args=[candidate.pk])


def merge_url(candidate):
    return reverse("interviews:candidate_merge", args=[candidate.pk])


@pytest.fixture(autouse=True)
def interviewer_also_manages(interviewer):
    """Here Ines is an interviewer and a hiring manager: she adds candidates (opening their
    loop), picks the candidates whose loop she manages, and manages candidates. Omar (as_other)
    is a plain interviewer; tests/interviews/test_roles.py has every role."""
    interviewer.groups.add(Group.objects.get(name="Hiring managers"))


@pytest.fixture
def ada(interviewer, level):
    return services.candidate_create(
        name="Ada Lovelace", email="Ada@Example.org", level=level, created_by=interviewer
    )


def new_candidate(level, **extra):
    return {
        "who": "new",
        "name": "Ada L.",
        "email": "ada@example.ORG",
        "target_level": level.pk,
        "planned_minutes": 45,
        **extra,
    }


# Duplicate e-mail ---------------------------------------------------------------------------


def test_an_existing_email_warns_and_offers_the_existing_candidate(as_interviewer, ada, level):
    for headers in ({}, HX):
        response = as_interviewer.post(NEW, new_candidate(level), headers=headers)
        body = text(response)
        assert response.status_code == 422
        assert "A candidate with this e-mail already exists." in body
        assert f'<button type="submit" name="use_existing" value="{ada.pk}"' in body
        assert "Use Ada Lovelace" in body
        assert "create a new candidate anyway" in body
    assert list(Candidate.objects.all()) == [ada]
    assert not Interview.objects.exists()


def test_using_the_existing_candidate_creates_no_duplicate(as_interviewer, ada, level):
    response = as_interviewer.post(NEW, new_candidate(level, use_existing=ada.pk))
    assert response.status_code == 303
    interview = Interview.objects.get()
    assert interview.candidate == ada
    assert list(Candidate.objects.all()) == [ada]


def test_another_person_with_the_same_email_can_be_confirmed(as_interviewer, ada, level):
    response = as_interviewer.post(NEW, new_candidate(level, allow_duplicate="on"))
    assert response.status_code == 303
    assert Candidate.objects.count() == 2
    assert Interview.objects.get().candidate.name == "Ada L."


def test_the_service_refuses_a_duplicate_email_too(ada, interviewer, level):
    with pytest.raises(ValidationError) as error:
        services.candidate_create(
            name="Ada again", email=" ADA@example.org ", level=level, created_by=interviewer
        )
    assert "already exists: Ada Lovelace (Engineer)" in str(error.value)
    assert Candidate.objects.count() == 1
    # No e-mail is never a duplicate.
    services.candidate_create(name="No mail 1", level=level, created_by=interviewer)
    services.candidate_create(name="No mail 2", level=level, created_by=interviewer)


# Archive ------------------------------------------------------------------------------------


def test_archiving_hides_a_candidate_from_lists_and_pickers_and_keeps_the_history(
    as_interviewer, interviewer, candidate, submitted, ada
):
    # Both in the picker until one is archived: Ines manages both loops.
    Loop.objects.filter(candidate=candidate).update(hiring_manager=interviewer)
    services.loop_open(candidate=ada, hiring_manager=interviewer)
    assert "Cam Candidate · Engineer</option>" in text(as_interviewer.get(NEW))
    response = as_interviewer.post(archive_url(candidate), {"archived": "1"})
    assert response.status_code == 303 and response["Location"] == candidate.get_absolute_url()
    candidate.refresh_from_db()
    assert candidate.is_archived
    assert Interview.objects.get(pk=submitted.pk).candidate == candidate  # kept
    listing = text(as_interviewer.get(CANDIDATES))
    listing = listing[listing.index('id="candidate-results"') :]
    assert "Cam Candidate" not in listing and "Ada Lovelace" in listing
    dashboard = text(as_interviewer.get(reverse("interviews:dashboard")))
    recent = dashboard[dashboard.index('id="candidates-title"') :]
    assert "Cam Candidate" not in recent.split("</section>")[0]
    picker = text(as_interviewer.get(NEW))
    assert "Cam Candidate · Engineer</option>" not in picker
    assert f'<option value="{ada.pk}">Ada Lovelace · Engineer</option>' in picker
    archived = text(as_interviewer.get(CANDIDATES, {"archived": "1"}))
    assert "Cam Candidate" in archived and "Ada Lovelace" not in archived
    page = as_interviewer.get(candidate.get_absolute_url())
    assert page.status_code == 200
    assert "<strong>Archived</strong>" in text(page) and "Unarchive" in text(page)
    assert submitted.title in text(page)


def test_an_archived_candidate_cannot_be_picked_for_a_new_interview(as_interviewer, candidate):
    services.candidate_set_archived(candidate=candidate, archived=True)
    response = as_interviewer.post(
        NEW, {"who": "existing", "candidate": candidate.pk, "planned_minutes": 45}
    )
    assert response.status_code == 422 and "Select a valid choice" in text(response)
    assert not Interview.objects.exists()


def test_unarchiving_brings_them_back(as_interviewer, candidate):
    services.candidate_set_archived(candidate=candidate, archived=True)
    response = as_interviewer.post(archive_url(candidate), {"archived": "0"})
    assert response.status_code == 303
    candidate.refresh_from_db()
    assert not candidate.is_archived
    assert "Cam Candidate" in text(as_interviewer.get(CANDIDATES))


def test_only_whoever_added_them_or_a_manager_may_archive(
    client, as_other, candidate, hiring_manager
):
    response = as_other.post(archive_url(candidate), {"archived": "1"})
    assert response.status_code == 403
    assert "You may not archive or merge Cam Candidate." in text(response)
    assert "Archive</button>" not in text(as_other.get(candidate.get_absolute_url()))
    candidate.refresh_from_db()
    assert not candidate.is_archived
    assert as_other.get(archive_url(candidate)).status_code == 405
    assert as_other.post(archive_url(Candidate(pk=99999))).status_code == 404
    client.force_login(hiring_manager)
    assert client.post(archive_url(candidate), {"archived": "1"}).status_code == 303
    candidate.refresh_from_db()
    assert candidate.is_archived
    client.logout()
    response = client.post(archive_url(candidate), {"archived": "0"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Merge --------------------------------------------------------------------------------------


@pytest.fixture
def duplicate(interviewer, level, bank):
    """Another record of Cam: a submitted interview (with notes) and a draft, and notes."""
    dup = services.candidate_create(
        name="Cam Candidate",
        email="cam@example.org",
        level=level,
        created_by=interviewer,
        notes="Prefers mornings.",
    )
    done = services.interview_create(
        interviewer=interviewer, candidate=dup, level=level, planned_minutes=30, title="Dup done"
    )
    services.interview_add_question(interview=done, question=bank[6])
    make_status(done, InterviewStatus.LIVE)
    item = done.items.get()
    services.item_save_notes(item=item, notes="Good answer.", base_version=0)
    make_status(done, InterviewStatus.SUBMITTED)
    services.interview_create(
        interviewer=interviewer, candidate=dup, level=level, planned_minutes=30, title="Dup draft"
    )
    return dup


def test_the_merge_page_suggests_duplicates_and_asks_for_confirmation(
    as_interviewer, candidate, duplicate
):
    response = as_interviewer.get(merge_url(candidate))
    body = text(response)
    assert response.status_code == 200
    assert "Likely duplicates" in body and f"?duplicate={duplicate.pk}" in body
    assert f'<option value="{candidate.pk}"' not in body  # not itself
    response = as_interviewer.get(merge_url(candidate), {"duplicate": duplicate.pk})
    body = text(response)
    assert f"2 interviews (1 submitted) of #{duplicate.pk} move to #{candidate.pk}." in body
    assert "takes the e-mail cam@example.org" in body
    assert 'name="confirm" value="yes"' in body
    assert Candidate.objects.filter(pk=duplicate.pk).exists()  # a GET changes nothing


def test_merging_moves_interviews_and_notes_and_deletes_the_duplicate(
    as_interviewer, candidate, submitted, duplicate
):
    moved = set(duplicate.interviews.values_list("pk", flat=True))
    items = list(
        InterviewQuestion.objects.filter(interview__in=moved).values_list("pk", "notes", "score")
    )
    response = as_interviewer.post(
        merge_url(candidate), {"duplicate": duplicate.pk, "confirm": "yes"}
    )
    assert response.status_code == 303 and response["Location"] == candidate.get_absolute_url()
    assert not Candidate.objects.filter(pk=duplicate.pk).exists()
    candidate.refresh_from_db()
    assert set(candidate.interviews.values_list("pk", flat=True)) == moved | {submitted.pk}
    assert candidate.email == "cam@example.org"
    assert "Prefers mornings." in candidate.notes
    assert (
        list(
            InterviewQuestion.objects.filter(interview__in=moved).values_list(
                "pk", "notes", "score"
            )
        )
        == items
    )
    page = text(as_interviewer.get(candidate.get_absolute_url()))
    assert "merged into Cam Candidate" in page and "Dup done" in page


def test_merge_without_confirmation_changes_nothing(as_interviewer, candidate, duplicate):
    response = as_interviewer.post(merge_url(candidate), {"duplicate": duplicate.pk})
    assert response.status_code == 422
    assert "Confirm the merge with the button below." in text(response)
    assert duplicate.interviews.count() == 2 and Candidate.objects.count() == 2


@pytest.mark.parametrize("bad", ["self", "99999", "abc", ""])
def test_bad_merges_are_refused_with_nothing_changed(as_interviewer, candidate, duplicate, bad):
    value = candidate.pk if bad == "self" else bad
    response = as_interviewer.post(merge_url(candidate), {"duplicate": value, "confirm": "yes"})
    assert response.status_code == 422
    body = text(response)
    assert "Nothing was merged." in body
    expected = {
        "self": "A candidate cannot be merged into itself.",
        "99999": "Select a valid choice",
        "abc": "Select a valid choice",
        "": "This field is required.",
    }[bad]
    assert expected in body
    assert Candidate.objects.count() == 2 and duplicate.interviews.count() == 2


def test_the_service_refuses_a_merge_into_itself(candidate):
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        services.candidate_merge(keep=candidate, duplicate=candidate)
    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_merging_someone_elses_candidate_is_refused(
    as_other, other_interviewer, candidate, duplicate, level
):
    # Omar may not manage Cam (Ines added them): 403 on the page and on the POST.
    assert as_other.get(merge_url(candidate)).status_code == 403
    response = as_other.post(merge_url(candidate), {"duplicate": duplicate.pk, "confirm": "yes"})
    assert response.status_code == 403
    # Omar's own candidate cannot swallow Ines's either.
    mine = services.candidate_create(name="Cam C.", level=level, created_by=other_interviewer)
    # (Ines's candidate is not even offered to Omar: he does not interview them.)
    response = as_other.post(merge_url(mine), {"duplicate": duplicate.pk, "confirm": "yes"})
    assert response.status_code == 422 and "Select a valid choice" in text(response)
    assert f'<option value="{duplicate.pk}"' not in text(response)
    assert Candidate.objects.count() == 3 and duplicate.interviews.count() == 2


def test_a_hiring_manager_may_merge(client, hiring_manager, candidate, duplicate):
    client.force_login(hiring_manager)
    response = client.post(merge_url(candidate), {"duplicate": duplicate.pk, "confirm": "yes"})
    assert response.status_code == 303
    assert not Candidate.objects.filter(pk=duplicate.pk).exists()


def test_anonymous_users_are_sent_to_log_in(client, candidate, duplicate):
    response = client.post(merge_url(candidate), {"duplicate": duplicate.pk, "confirm": "yes"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Candidate.objects.count() == 2


def test_the_admin_filters_archived_candidates(client, superuser, candidate, ada):
    services.candidate_set_archived(candidate=candidate, archived=True)
    client.force_login(superuser)
    url = reverse("admin:interviews_candidate_changelist")
    body = text(client.get(url, {"archived_at__isempty": "0"}))
    assert "Cam Candidate" in body and "Ada Lovelace" not in body
