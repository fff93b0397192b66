import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from interviews import services
from interviews.models import Amendment, InterviewQuestion, InterviewStatus


def positions(interview):
    return list(interview.items.order_by("position").values_list("question__text", flat=True))


def test_add_snapshots_the_question(draft, bank):
    item = draft.items.get(question=bank[0])
    assert item.text == bank[0].text and item.difficulty == bank[0].difficulty
    assert set(item.anchors) == {"1", "2", "3", "4"} and item.anchors["1"]
    bank[0].text = "Changed later in the bank?"
    bank[0].save()
    item.refresh_from_db()
    assert item.text != bank[0].text


def test_adding_twice_is_refused(draft, bank):
    with pytest.raises(ValidationError, match="already in the interview"):
        services.interview_add_question(interview=draft, question=bank[0])
    assert draft.items.count() == 3


def test_the_database_refuses_a_second_copy_and_a_bad_score(draft, bank):
    item = draft.items.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewQuestion.objects.create(
            interview=draft,
            question=item.question,
            position=99,
            text="x",
            kind="coding",
            difficulty=1,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewQuestion.objects.filter(pk=item.pk).update(score=5)


def test_reorder_and_move(draft, bank):
    ids = list(draft.items.order_by("position").values_list("pk", flat=True))
    services.interview_reorder(interview=draft, item_ids=list(reversed(ids)))
    assert positions(draft) == [q.text for q in reversed(bank[:3])]
    services.interview_move(interview=draft, item_id=ids[0], offset=-1)
    assert positions(draft) == [bank[2].text, bank[0].text, bank[1].text]
    with pytest.raises(ValidationError):
        services.interview_reorder(interview=draft, item_ids=ids[:2])
    with pytest.raises(ValidationError):
        services.interview_reorder(interview=draft, item_ids=[*ids[:2], 999999])


def test_remove_renumbers(draft, bank):
    first = draft.items.order_by("position").first()
    services.interview_remove_question(interview=draft, item_id=first.pk)
    assert list(draft.items.values_list("position", flat=True)) == [1, 2]


def test_repeat_needs_confirmation(submitted, interviewer, candidate, level, bank):
    second = services.interview_create(
        interviewer=interviewer, candidate=candidate, level=level, planned_minutes=30
    )
    with pytest.raises(ValidationError, match="already asked"):
        services.interview_add_question(interview=second, question=bank[0])
    services.interview_add_question(interview=second, question=bank[0], confirm_repeat=True)
    assert second.items.count() == 1


def test_notes_refuse_a_stale_write(live_interview):
    item = live_interview.items.first()
    item = services.item_save_notes(item=item, notes="tab A", base_version=0)
    assert item.notes_version == 1
    with pytest.raises(services.StaleNotes):
        services.item_save_notes(item=item, notes="tab B, older", base_version=0)
    item.refresh_from_db()
    assert item.notes == "tab A"
    # a retry of the save that landed is fine
    services.item_save_notes(item=item, notes="tab A", base_version=0)


def test_submit_rules(live_interview):
    with pytest.raises(ValidationError) as excinfo:
        services.interview_submit(interview=live_interview, recommendation="", summary="")
    assert set(excinfo.value.message_dict) == {"recommendation", "summary", "allow_unscored"}
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.LIVE
    services.interview_submit(
        interview=live_interview, recommendation="no_hire", summary="x", allow_unscored=True
    )
    live_interview.refresh_from_db()
    assert live_interview.status == InterviewStatus.SUBMITTED and live_interview.submitted_at


def test_amend_records_history(submitted, interviewer):
    item = submitted.items.order_by("position").first()
    amendment = services.interview_amend(
        interview=submitted,
        user=interviewer,
        reason="Misclick",
        scores={item.pk: 4},
        recommendation="strong_hire",
    )
    assert amendment.changes == [
        {"field": "recommendation", "old": "hire", "new": "strong_hire"},
        {"field": "score", "question": 1, "old": item.score, "new": 4},
    ]
    assert services.interview_amend(interview=submitted, user=interviewer, reason="no-op") is None
    assert Amendment.objects.count() == 1


def test_acting_on_a_submitted_interview_is_refused(submitted, bank):
    item = submitted.items.first()
    with pytest.raises(ValidationError, match="submitted"):
        services.item_score(item=item, score=2)
    with pytest.raises(ValidationError, match="submitted"):
        services.interview_add_question(interview=submitted, question=bank[5])
