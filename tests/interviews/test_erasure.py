"""Erasing a candidate removes everything about them; the retention command erases old ones."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.models import (
    Amendment,
    Candidate,
    ErasureReason,
    ErasureRecord,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Loop,
    LoopStage,
    LoopStatus,
)
from people.models import AuditEvent, Verb
from tests.factories import UserFactory

from .conftest import make_status

NAME = "Zebulon Quillfeather"  # ASCII: JSON columns would escape anything else
EMAIL = "zebulon.q@example.org"


def text_cells_naming(needle: str) -> list[str]:
    """Every cell of every table that holds `needle` (case-insensitive): `table.column`.
    Session data is decoded first (it is signed base64)."""
    needle = needle.casefold()
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    if not isinstance(value, str):
                        continue
                    if table == Session._meta.db_table and column == "session_data":
                        value = str(SessionStore().decode(value))
                    if needle in value.casefold():
                        found.append(f"{table}.{column}")
    return found


@pytest.fixture
def person(interviewer, other_interviewer, hiring_manager, level, bank, superuser):
    """A candidate whose name is everywhere: notes, titles, summaries, notes on questions,
    amendments, the admin's log, a loop stage, the audit trail; two interviews (one submitted
    and amended, one live)."""
    candidate = services.candidate_create(
        name=NAME,
        email=EMAIL,
        level=level,
        created_by=hiring_manager,
        notes=f"{NAME} was referred by a friend.",
    )
    loop = services.loop_open(candidate=candidate, hiring_manager=hiring_manager)
    services.stage_add(
        loop=loop, name=f"Follow-up with {NAME}", interviewer=interviewer, actor=hiring_manager
    )
    first = services.interview_create(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=45
    )
    for question in bank[:3]:
        services.interview_add_question(interview=first, question=question)
    services.interview_start(interview=first)
    item = first.items.first()
    services.item_score(item=item, score=3)
    services.item_save_notes(item=item, notes=f"{NAME} explained RAG well.", base_version=0)
    services.interview_submit(
        interview=first,
        recommendation="hire",
        summary=f"{NAME} is strong.",
        allow_unscored=True,
    )
    services.interview_amend(
        interview=first,
        user=interviewer,
        reason=f"Mixed up {NAME} with another candidate",
        notes={item.pk: f"{NAME}: better than I wrote"},
    )
    second = services.interview_create(
        interviewer=other_interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    services.interview_add_question(interview=second, question=bank[5])
    services.interview_start(interview=second)
    for obj in (candidate, first):
        LogEntry.objects.log_actions(
            user_id=superuser.pk,
            queryset=[obj],
            action_flag=CHANGE,
            change_message=f"Changed notes of {NAME}",
        )
    return candidate


@pytest.fixture
def bystander(interviewer, level, bank):
    """Another candidate, who must survive untouched."""
    other = services.candidate_create(name="Ada Bystander", level=level, created_by=interviewer)
    interview = services.interview_create(
        interviewer=interviewer, candidate=other, level=level, planned_minutes=45
    )
    services.interview_add_question(interview=interview, question=bank[7])
    make_status(interview, InterviewStatus.LIVE)
    return other


def erase_url(candidate):
    return reverse("interviews:candidate_erase", args=[candidate.pk])


def test_the_name_is_everywhere_before(person):
    """The scan finds the name where the app keeps it (so finding nothing later means something)."""
    cells = set(text_cells_naming(NAME))
    assert {
        "interviews_candidate.name",
        "interviews_candidate.notes",
        "interviews_interview.title",
        "interviews_interview.summary",
        "interviews_interviewquestion.notes",
        "interviews_amendment.reason",
        "interviews_amendment.changes",
        "django_admin_log.object_repr",
        "django_admin_log.change_message",
        "interviews_loopstage.name",
        "people_auditevent.target_label",
        "people_auditevent.summary",
    } <= cells


def test_a_hiring_manager_erases_a_candidate_and_the_name_is_nowhere(
    client, hiring_manager, person, bystander
):
    client.force_login(hiring_manager)
    page = client.get(reverse("interviews:candidate", args=[person.pk])).content.decode()
    assert erase_url(person) in page
    confirm = client.get(erase_url(person))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "2 interviews" in html and "1 amendment" in html and "cannot be undone" in html

    response = client.post(erase_url(person), {"confirm": "on"})
    assert response.status_code == 303
    assert response["Location"] == reverse("interviews:candidate_list")

    assert text_cells_naming(NAME) == []
    assert text_cells_naming(EMAIL) == []
    assert text_cells_naming("Quillfeather") == []
    assert not Candidate.objects.filter(pk=person.pk).exists()
    assert not Interview.objects.filter(candidate_id=person.pk).exists()
    assert InterviewQuestion.objects.filter(interview__candidate=bystander).count() == 1
    assert Amendment.objects.count() == 0
    # The admin's log keeps that something happened, not what it was about.
    assert LogEntry.objects.filter(object_repr="(erased)", change_message="").count() == 2
    # So does the audit trail: who did what when stays, the text goes, the erasure is a row.
    assert not Loop.objects.exists() and not LoopStage.objects.exists()
    trail = AuditEvent.objects.filter(candidate=None).exclude(verb=Verb.ERASE)
    assert trail.count() >= 8 and not trail.exclude(target_label="", summary="").exists()
    erased = AuditEvent.objects.get(verb=Verb.ERASE)
    assert (erased.actor, erased.target_id) == (hiring_manager, person.pk)
    record = ErasureRecord.objects.get()
    assert (record.erased_by, record.reason) == (hiring_manager, ErasureReason.REQUEST)
    assert (record.interviews, record.submitted_interviews, record.amendments) == (2, 1, 1)
    assert record.questions == 4
    # Everyone else's data is untouched.
    assert Candidate.objects.get() == bystander
    assert bystander.interviews.count() == 1
    follow = client.get(response["Location"]).content.decode()
    assert "everything about them were erased" in follow


def test_erasing_needs_the_confirmation_and_changes_nothing_without_it(
    client, hiring_manager, person
):
    client.force_login(hiring_manager)
    response = client.post(erase_url(person), {})
    assert response.status_code == 422
    assert "Tick the box to confirm" in response.content.decode()
    assert Candidate.objects.filter(pk=person.pk).exists()
    assert person.interviews.count() == 2 and ErasureRecord.objects.count() == 0


@pytest.mark.parametrize(
    "who, allowed",
    [("interviewer", False), ("hiring_manager", True), ("superuser", True), ("staff", False)],
)
def test_who_may_erase(client, person, request, who, allowed):
    if who == "staff":
        user = UserFactory(username="staffer")
        user.is_staff = True
        user.save()
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(erase_url(person)).status_code == (200 if allowed else 403)
    response = client.post(erase_url(person), {"confirm": "on"})
    assert response.status_code == (303 if allowed else 403)
    assert Candidate.objects.filter(pk=person.pk).exists() is not allowed
    page = client.get(reverse("interviews:candidate", args=[person.pk]))
    if not allowed:
        assert erase_url(person) not in page.content.decode()


def test_deleting_in_the_admin_erases_too(client, superuser, person):
    client.force_login(superuser)
    url = reverse("admin:interviews_candidate_delete", args=[person.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert NAME not in response.content.decode()  # nor in the confirmation message
    assert text_cells_naming(NAME) == []
    assert ErasureRecord.objects.get().erased_by == superuser
    # The deletion's own log row is there, without the name.
    assert LogEntry.objects.filter(action_flag=3, object_repr="(erased)").count() == 1


def test_the_admin_deletes_only_under_the_erase_rule(client, person):
    """Staff holding Django's delete permission but no erasing role cannot erase there."""
    from django.contrib.auth.models import Permission

    staffer = UserFactory(username="staffer")
    staffer.is_staff = True
    staffer.save()
    staffer.user_permissions.add(  # everything the admin's delete of a candidate asks
        *Permission.objects.filter(content_type__app_label="interviews").filter(
            codename__regex=r"^(delete_|view_candidate$)"
        )
    )
    client.force_login(staffer)
    url = reverse("admin:interviews_candidate_delete", args=[person.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Candidate.objects.filter(pk=person.pk).exists() and not ErasureRecord.objects.exists()


def test_erasure_runs_a_bounded_number_of_queries(
    hiring_manager, person, django_assert_num_queries
):
    # 32 of the erasure itself in its savepoint, then 5 for webhooks: two updates scrub the
    # deliveries about the candidate (however many), and candidate.erased reads the endpoints in
    # a savepoint of its own. The erasure: the ids of the interviews, their questions,
    # amendments, co-scorer sheets, loops and stages; the record; the admin log's content types
    # (one query, cleared first so the count does not depend on the test before) and its text
    # about each kind of object; the audit rows' text blanked and the erasure audited; then the
    # delete's cascade, one statement per table however many rows (co-scorer sheets and their
    # lines, amendments, focus topics, stages, questions, interviews, loops, the audit rows'
    # candidate).
    ContentType.objects.clear_cache()
    with django_assert_num_queries(39):
        services.candidate_erase(candidate=person, by=hiring_manager)


# Retention ----------------------------------------------------------------------------------


def _age(candidate, days: int) -> None:
    """Move a candidate and their interviews `days` into the past."""
    when = timezone.now() - timedelta(days=days)
    Candidate.objects.filter(pk=candidate.pk).update(created_at=when)
    Interview.objects.filter(candidate=candidate).update(created_at=when)
    Interview.objects.filter(candidate=candidate, submitted_at__isnull=False).update(
        submitted_at=when
    )


@pytest.fixture
def aged(interviewer, level, bank, settings):
    settings.RETENTION_DAYS = 365

    def make(name, *, days, status=None):
        candidate = services.candidate_create(name=name, level=level, created_by=interviewer)
        if status:
            interview = services.interview_create(
                interviewer=interviewer, candidate=candidate, level=level, planned_minutes=45
            )
            services.interview_add_question(interview=interview, question=bank[0])
            make_status(interview, status)
        _age(candidate, days)
        return candidate

    return {
        "old_submitted": make("Old Submitted", days=400, status=InterviewStatus.SUBMITTED),
        "old_no_interview": make("Old Nothing", days=500),
        "old_but_live": make("Old Live", days=400, status=InterviewStatus.LIVE),
        "old_but_draft": make("Old Draft", days=400, status=InterviewStatus.DRAFT),
        "recent": make("Recent Submitted", days=30, status=InterviewStatus.SUBMITTED),
    }


def test_the_retention_rule(aged):
    due = set(Candidate.objects.past_retention().values_list("name", flat=True))
    assert due == {"Old Submitted", "Old Nothing"}
    assert set(Candidate.objects.past_retention(days=10).values_list("name", flat=True)) == {
        "Old Submitted",
        "Old Nothing",
        "Recent Submitted",
    }


def _loop(candidate, *, closed_days_ago=None):
    loop = services.loop_open(candidate=candidate, hiring_manager=None)
    if closed_days_ago is not None:
        when = timezone.now() - timedelta(days=closed_days_ago)
        Loop.objects.filter(pk=loop.pk).update(status=LoopStatus.CLOSED, closed_at=when)
    return loop


def test_with_a_loop_retention_counts_from_its_closing(aged):
    """A candidate with a loop is due when every loop of theirs closed, the last more than
    RETENTION_DAYS ago, however old their interviews; without a loop, the old rule holds."""
    _loop(aged["old_submitted"], closed_days_ago=30)  # old interviews, recently closed loop
    _loop(aged["old_no_interview"])  # an open loop: still hiring
    _loop(aged["recent"], closed_days_ago=400)  # recent interview, loop closed long ago
    due = set(Candidate.objects.past_retention().values_list("name", flat=True))
    assert due == {"Recent Submitted"}
    # A second loop, still open, keeps them; closed long ago too, they are due again.
    second = _loop(aged["recent"])
    assert not Candidate.objects.past_retention().exists()
    Loop.objects.filter(pk=second.pk).update(
        status=LoopStatus.CLOSED, closed_at=timezone.now() - timedelta(days=366)
    )
    assert set(Candidate.objects.past_retention().values_list("name", flat=True)) == {
        "Recent Submitted"
    }
    assert set(Candidate.objects.past_retention(days=10).values_list("name", flat=True)) == {
        "Old Submitted",
        "Recent Submitted",
    }


def test_a_recent_submission_keeps_an_old_candidate(aged, interviewer, level, bank):
    old = aged["old_submitted"]
    interview = services.interview_create(
        interviewer=interviewer, candidate=old, level=level, planned_minutes=45
    )
    services.interview_add_question(interview=interview, question=bank[1])
    make_status(interview, InterviewStatus.SUBMITTED)  # submitted now
    assert "Old Submitted" not in set(
        Candidate.objects.past_retention().values_list("name", flat=True)
    )


def test_apply_retention_dry_run_erases_nothing(aged, capsys):
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would erase 2 candidate(s) with 1 interview(s)" in out
    assert "Nothing was erased" in out
    assert "Old Submitted" not in out  # names stay out of logs
    assert Candidate.objects.count() == 5 and ErasureRecord.objects.count() == 0


def test_apply_retention_erases_the_old_candidates(aged, capsys):
    call_command("apply_retention")
    assert "Erased 2 candidate(s) with 1 interview(s)" in capsys.readouterr().out
    assert set(Candidate.objects.values_list("name", flat=True)) == {
        "Old Live",
        "Old Draft",
        "Recent Submitted",
    }
    assert text_cells_naming("Old Submitted") == [] and text_cells_naming("Old Nothing") == []
    records = list(ErasureRecord.objects.order_by("interviews"))
    assert [(r.reason, r.erased_by, r.interviews) for r in records] == [
        (ErasureReason.RETENTION, None, 0),
        (ErasureReason.RETENTION, None, 1),
    ]
    call_command("apply_retention")  # a second run finds nothing more
    assert "Erased 0 candidate(s)" in capsys.readouterr().out


@pytest.fixture
def ats(settings):
    """An applicant tracking system subscribed to every webhook, from before the candidate
    exists: the scorecard's deliveries carry the name until the candidate is erased."""
    from tests.webhooks.conftest import Receiver, make_endpoint, serve

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    receiver = Receiver()
    server = serve(receiver)
    make_endpoint(receiver.url)
    yield receiver
    server.shutdown()
    server.server_close()


def test_erasure_reaches_webhooks_data_and_tells_the_receivers(
    client, hiring_manager, ats, person, django_capture_on_commit_callbacks
):
    from webhooks.models import Delivery, Event

    assert "webhooks_delivery.payload" in set(text_cells_naming(NAME))
    client.force_login(hiring_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(person), {"confirm": "on"})
    assert response.status_code == 303
    assert text_cells_naming(NAME) == []
    assert text_cells_naming(EMAIL) == []
    erased = Delivery.objects.get(event=Event.CANDIDATE_ERASED)
    assert erased.payload["candidate"] == {"id": person.pk}
    last = ats.requests[-1]
    assert last.event == Event.CANDIDATE_ERASED and last.verified and last.answered == 200
    assert last.body["data"]["candidate"] == {"id": person.pk}
