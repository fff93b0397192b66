from django.urls import reverse

from interviews.models import Amendment, Candidate, Interview, InterviewQuestion
from interviews.services import interview_amend


def test_deleting_a_candidate_deletes_everything_about_them(client, superuser, submitted):
    interview_amend(
        interview=submitted,
        user=submitted.interviewer,
        reason="typo",
        summary="Solid on retrieval and caching.",
    )
    candidate = submitted.candidate
    client.force_login(superuser)
    url = reverse("admin:interviews_candidate_delete", args=[candidate.pk])
    page = client.get(url).content.decode()
    assert "Interview" in page  # the confirmation lists what goes with the candidate
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    assert Interview.objects.count() == InterviewQuestion.objects.count() == 0
    assert Amendment.objects.count() == 0


def test_interview_admin_is_read_only_history(client, superuser, submitted):
    client.force_login(superuser)
    assert client.get(reverse("admin:interviews_interview_changelist")).status_code == 200
    page = client.get(reverse("admin:interviews_interview_change", args=[submitted.pk]))
    assert page.status_code == 200 and "Solid on retrieval." in page.content.decode()
    assert client.get(reverse("admin:interviews_interview_add")).status_code == 403
    for name in ("candidate", "kit"):
        assert client.get(reverse(f"admin:interviews_{name}_changelist")).status_code == 200
