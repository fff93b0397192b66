"""Co-scoring: the services (every refusal writes nothing), the rules for each role,
independence on the debrief, the co-scorer's live sheet and submission, the scorecard and
debrief with the sheets, the loop's decision and its webhook, erasure."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from config import limits
from interviews import coscoring, services
from interviews.models import CoScore, CoScorer, Decision, Interview, InterviewStatus, Loop
from interviews.ratings import ratings
from people.models import AuditEvent, Verb
from tests.factories import UserFactory, assigned_interview
from webhooks.models import Delivery, Endpoint, Event


@pytest.fixture
def cam(interviewer, level):
    return services.candidate_create(name="Cam Candidate", level=level, created_by=interviewer)


@pytest.fixture
def live(interviewer, cam, level, bank):
    """Ines's live interview of Cam with three questions."""
    interview = assigned_interview(interviewer=interviewer, candidate=cam, level=level)
    for question in bank[:3]:
        services.interview_add_question(interview=interview, question=question)
    return services.interview_start(interview=interview)


@pytest.fixture
def cole(db):
    return UserFactory(username="cole", groups=["Interviewers"])


@pytest.fixture
def sheet(live, cole, interviewer):
    return coscoring.coscorer_add(interview=live, user=cole, actor=interviewer)


def items(interview):
    return list(Interview.objects.get(pk=interview.pk).items.order_by("position"))


def state():
    """Everything co-scoring writes."""
    return (
        list(CoScorer.objects.order_by("pk").values_list("pk", "submitted_at", "version")),
        list(CoScore.objects.order_by("pk").values_list("pk", "score", "skipped", "notes")),
        AuditEvent.objects.count(),
        list(Loop.objects.order_by("pk").values_list("decision", "decided_on", "decision_note")),
    )


def refused(fn, **kwargs) -> str:
    before = state()
    with pytest.raises(ValidationError) as exc:
        fn(**kwargs)
    assert state() == before
    return " ".join(exc.value.messages)


# Services -------------------------------------------------------------------------------------


def test_the_interviewer_adds_a_co_scorer_with_an_empty_sheet(live, cole, interviewer):
    sheet = coscoring.coscorer_add(interview=live, user=cole, actor=interviewer, role="shadow")
    assert (sheet.user, sheet.role, sheet.added_by, sheet.submitted_at) == (
        cole,
        "shadow",
        interviewer,
        None,
    )
    assert [(line.score, line.skipped, line.notes) for line in sheet.lines.all()] == [
        (None, False, "")
    ] * 3
    event = AuditEvent.objects.get(verb=Verb.ADD_CO_SCORER)
    assert (event.actor, event.candidate_id, event.summary) == (
        interviewer,
        live.candidate_id,
        "cole (shadow)",
    )


def test_a_hiring_manager_adds_a_co_scorer_to_a_draft(
    interviewer, cam, level, cole, hiring_manager
):
    draft = assigned_interview(interviewer=interviewer, candidate=cam, level=level)
    sheet = coscoring.coscorer_add(interview=draft, user=cole, actor=hiring_manager)
    assert sheet.added_by == hiring_manager


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("stranger adds", "Only the interview's interviewer or a hiring manager"),
        ("no interviewer role", "must hold the interviewer role"),
        ("interviewer themself", "already scores this interview on their own sheet"),
        ("twice", "cole already co-scores this interview"),
        ("bad role", "Choose panel member or shadow"),
        ("submitted", "before the interview is submitted"),
        ("inactive", "must hold the interviewer role"),
    ],
)
def test_adding_a_co_scorer_is_refused(
    case, message, live, cole, interviewer, other_interviewer, curator
):
    kwargs = {"interview": live, "user": cole, "actor": interviewer}
    if case == "stranger adds":
        kwargs["actor"] = other_interviewer
    elif case == "no interviewer role":
        kwargs["user"] = curator
    elif case == "interviewer themself":
        kwargs["user"] = interviewer
    elif case == "twice":
        coscoring.coscorer_add(**kwargs)
    elif case == "bad role":
        kwargs["role"] = "boss"
    elif case == "submitted":
        services.interview_submit(
            interview=live, recommendation="hire", summary="s", allow_unscored=True
        )
    elif case == "inactive":
        cole.is_active = False
        cole.save()
    assert message in refused(coscoring.coscorer_add, **kwargs)


def test_a_co_scorer_who_has_not_started_is_removed(sheet, interviewer):
    coscoring.coscorer_remove(sheet=sheet, actor=interviewer)
    assert not CoScorer.objects.exists() and not CoScore.objects.exists()
    assert AuditEvent.objects.get(verb=Verb.REMOVE_CO_SCORER).summary == "cole"


@pytest.mark.parametrize("started", ["scored", "skipped", "noted", "stranger"])
def test_removing_a_co_scorer_is_refused(started, sheet, live, interviewer, other_interviewer):
    item = items(live)[0]
    actor = interviewer
    if started == "scored":
        coscoring.coscore_score(sheet=sheet, item=item, score=2)
    elif started == "skipped":
        coscoring.coscore_score(sheet=sheet, item=item, skipped=True)
    elif started == "noted":
        coscoring.coscore_save_notes(sheet=sheet, item=item, notes="hm", base_version=0)
    else:
        actor = other_interviewer
    message = refused(coscoring.coscorer_remove, sheet=sheet, actor=actor)
    assert ("has started scoring" if started != "stranger" else "Only the interview's") in message


def test_the_co_scorer_scores_skips_and_clears_on_their_own_sheet(sheet, live):
    first, second, _ = items(live)
    coscoring.coscore_score(sheet=sheet, item=first, score=4)
    coscoring.coscore_score(sheet=sheet, item=second, skipped=True)
    lines = {line.item_id: (line.score, line.skipped) for line in sheet.lines.all()}
    assert lines[first.pk] == (4, False) and lines[second.pk] == (None, True)
    coscoring.coscore_score(sheet=sheet, item=first)
    assert CoScore.objects.get(sheet=sheet, item=first).score is None
    # The interviewer's own sheet is untouched.
    assert [i.score for i in items(live)] == [None, None, None]
    assert CoScorer.objects.get(pk=sheet.pk).version == 3
    summaries = list(
        AuditEvent.objects.filter(verb=Verb.SCORE).order_by("id").values_list("summary", "actor")
    )
    assert summaries == [
        ("Co-scorer sheet, question 1: score 4", sheet.user_id),
        ("Co-scorer sheet, question 2: skipped", sheet.user_id),
        ("Co-scorer sheet, question 1: score cleared", sheet.user_id),
    ]


def test_a_question_added_after_the_co_scorer_joined_gets_its_line_when_scored(sheet, live, bank):
    item = services.interview_add_question(interview=live, question=bank[6])
    coscoring.coscore_score(sheet=sheet, item=item, score=3)
    assert CoScore.objects.get(sheet=sheet, item=item).score == 3


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("score 5", "A score is 1 (Poor)"),
        ("skip with a score", "A skipped question has no score"),
        ("draft", "has not started yet"),
        ("submitted sheet", "you have submitted this sheet"),
        ("another interview's question", "not in this interview"),
    ],
)
def test_scoring_on_a_sheet_is_refused(case, message, sheet, live, interviewer, cam, level, bank):
    kwargs = {"sheet": sheet, "item": items(live)[0], "score": 2}
    if case == "score 5":
        kwargs["score"] = 5
    elif case == "skip with a score":
        kwargs["skipped"] = True
    elif case == "draft":
        Interview.objects.filter(pk=live.pk).update(status=InterviewStatus.DRAFT)
    elif case == "submitted sheet":
        coscoring.coscorer_submit(
            sheet=sheet, recommendation="hire", summary="s", allow_unscored=True
        )
    else:
        other = assigned_interview(interviewer=interviewer, candidate=cam, level=level)
        kwargs["item"] = services.interview_add_question(interview=other, question=bank[8])
    assert message in refused(coscoring.coscore_score, **kwargs)


def test_notes_are_versioned_and_a_stale_save_is_refused(sheet, live):
    item = items(live)[0]
    line = coscoring.coscore_save_notes(sheet=sheet, item=item, notes="first", base_version=0)
    assert (line.notes, line.notes_version) == ("first", 1)
    # A retry of the same save changes nothing.
    again = coscoring.coscore_save_notes(sheet=sheet, item=item, notes="first", base_version=0)
    assert again.notes_version == 1
    with pytest.raises(services.StaleNotes) as exc:
        coscoring.coscore_save_notes(sheet=sheet, item=item, notes="other tab", base_version=0)
    assert exc.value.item.notes == "first"
    assert CoScore.objects.get(sheet=sheet, item=item).notes == "first"
    assert "at most" in refused(
        coscoring.coscore_save_notes,
        sheet=sheet,
        item=item,
        notes="x" * (limits.NOTES + 1),
        base_version=1,
    )


def test_submitting_a_sheet_needs_a_recommendation_a_summary_and_every_question(sheet, live):
    message = refused(coscoring.coscorer_submit, sheet=sheet, recommendation="", summary=" ")
    assert "Choose a recommendation" in message and "Write a summary" in message
    assert "3 questions have no score" in message
    for item in items(live):
        coscoring.coscore_score(sheet=sheet, item=item, score=3)
    done = coscoring.coscorer_submit(sheet=sheet, recommendation="hire", summary="Solid.")
    assert done.is_submitted and done.recommendation == "hire"
    assert "you have submitted" in refused(
        coscoring.coscorer_submit, sheet=sheet, recommendation="hire", summary="Again"
    )


def test_a_co_scorer_submits_after_the_interview_and_the_webhook_carries_the_sheet(
    sheet, live, cole
):
    endpoint = Endpoint.objects.create(
        name="ATS", url="https://ats.example.com/hooks", events=[Event.SCORECARD_SUBMITTED]
    )
    services.interview_submit(
        interview=live, recommendation="no_hire", summary="Meh.", allow_unscored=True
    )
    first = items(live)[0]
    coscoring.coscore_score(sheet=sheet, item=first, score=4)
    coscoring.coscorer_submit(
        sheet=sheet, recommendation="strong_hire", summary="Great.", allow_unscored=True
    )
    payload = Delivery.objects.filter(endpoint=endpoint).order_by("id").last().payload
    assert payload["sheet"] == {"kind": "co_scorer", "id": sheet.pk, "role": "panel"}
    assert payload["interviewer"]["username"] == "cole"
    assert payload["interview"]["recommendation"] == "strong_hire"
    assert [s["score"] for s in payload["scores"]] == [4, None, None]
    event = AuditEvent.objects.filter(verb=Verb.SUBMIT).order_by("id").last()
    assert event.actor == cole and event.summary == "Co-scorer sheet. Recommendation: Strong hire"


def test_only_submitted_sheets_are_measured(sheet, live):
    for item in items(live):
        services.item_score(item=item, score=2)
        coscoring.coscore_score(sheet=sheet, item=item, score=3)
    assert ratings(interviews=[live.pk]) == []
    services.interview_submit(interview=live, recommendation="no_hire", summary="s")
    assert [r.score for r in ratings(interviews=[live.pk])] == [2, 2, 2]
    coscoring.coscorer_submit(sheet=sheet, recommendation="hire", summary="s")
    rows = ratings(interviews=[live.pk])
    assert sorted((r.interviewer_id, r.score) for r in rows) == sorted(
        [(live.interviewer_id, 2)] * 3 + [(sheet.user_id, 3)] * 3
    )


# The loop's decision -------------------------------------------------------------------------


def test_the_decision_is_recorded_changed_audited_and_sent(live, hiring_manager):
    endpoint = Endpoint.objects.create(
        name="ATS", url="https://ats.example.com/hooks", events=[Event.LOOP_DECISION_RECORDED]
    )
    loop = live.stage.loop
    yesterday = timezone.localdate() - timedelta(days=1)
    coscoring.loop_decide(
        loop=loop, decision="hire", actor=hiring_manager, decided_on=yesterday, note=" Strong. "
    )
    loop.refresh_from_db()
    assert (loop.decision, loop.decided_on, loop.decided_by, loop.decision_note) == (
        "hire",
        yesterday,
        hiring_manager,
        "Strong.",
    )
    coscoring.loop_decide(loop=loop, decision=Decision.NO_HIRE, actor=hiring_manager)
    loop.refresh_from_db()
    assert (loop.decision, loop.decided_on) == ("no_hire", timezone.localdate())
    summaries = list(
        AuditEvent.objects.filter(verb=Verb.DECIDE).order_by("id").values_list("summary", flat=True)
    )
    assert summaries == ["Hire", "Hire → No hire"]
    payloads = [d.payload for d in Delivery.objects.filter(endpoint=endpoint).order_by("id")]
    assert [(p["decision"], p["decided_on"], p["note"]) for p in payloads] == [
        ("hire", yesterday.isoformat(), "Strong."),
        ("no_hire", timezone.localdate().isoformat(), ""),
    ]
    assert payloads[0]["candidate"]["name"] == "Cam Candidate"
    assert payloads[0]["decided_by"]["username"] == "hana"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"decision": "maybe"}, "Choose hire or no hire"),
        ({"decision": "hire", "decided_on": "tomorrow"}, "cannot be dated in the future"),
        ({"decision": "hire", "note": "x" * 3000}, "At most"),
    ],
)
def test_a_bad_decision_is_refused(kwargs, message, live, hiring_manager):
    if kwargs.get("decided_on") == "tomorrow":
        kwargs["decided_on"] = timezone.localdate() + timedelta(days=1)
    loop = live.stage.loop
    assert message in refused(coscoring.loop_decide, loop=loop, actor=hiring_manager, **kwargs)


# Rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "co_score", "manage", "decide"),
    [
        ("interviewer", False, True, False),
        ("co-scorer", True, False, False),
        ("other interviewer", False, False, False),
        ("hiring manager", False, True, True),
        ("curator", False, False, False),
        ("co-scorer without the role", False, False, False),
    ],
)
def test_co_scoring_rules_for_every_role(
    who, co_score, manage, decide, sheet, live, interviewer, other_interviewer, hiring_manager,
    curator, cole,
):  # fmt: skip
    user = {
        "interviewer": interviewer,
        "co-scorer": cole,
        "other interviewer": other_interviewer,
        "hiring manager": hiring_manager,
        "curator": curator,
        "co-scorer without the role": cole,
    }[who]
    if who == "co-scorer without the role":
        cole.groups.clear()
        user = type(cole).objects.get(pk=cole.pk)
    live = Interview.objects.get(pk=live.pk)
    assert user.has_perm("interviews.co_score", live) is co_score
    assert user.has_perm("interviews.manage_co_scorers", live) is manage
    assert user.has_perm("interviews.decide_loop") is decide


# Pages ---------------------------------------------------------------------------------------


def sheet_url(interview, name="sheet", *args):
    return reverse(f"interviews:{name}", args=[interview.pk, *args])


def test_the_co_scorer_sees_their_own_sheet_not_the_interviewers(client, sheet, live, cole):
    first = items(live)[0]
    services.item_score(item=first, score=1)
    services.item_save_notes(item=first, notes="INTERVIEWER SECRET", base_version=0)
    client.force_login(cole)
    html = client.get(sheet_url(live)).content.decode()
    assert "Your co-scorer sheet" in html and "INTERVIEWER SECRET" not in html
    assert 'aria-pressed="true"' not in html  # no score of the interviewer's shows as chosen
    assert sheet_url(live, "sheet_score", first.pk) in html
    assert reverse("interviews:score", args=[live.pk, first.pk]) not in html
    assert "data-time-url" not in html and f'data-interview="{live.pk}-co"' in html
    assert "Add an unplanned question" not in html


def test_the_co_scorer_scores_with_htmx_and_without(client, sheet, live, cole):
    first, second, _ = items(live)
    client.force_login(cole)
    response = client.post(
        sheet_url(live, "sheet_score", first.pk), {"score": "3"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "scored 3" in html and "HX-Trigger" not in response  # nothing listened to one
    response = client.post(sheet_url(live, "sheet_score", second.pk), {"skip": "1"})
    assert response.status_code == 303
    assert response["Location"] == sheet_url(live) + "?q=2"
    assert [line.score for line in CoScorer.objects.get(pk=sheet.pk).lines.all()] == [3, None, None]
    assert client.post(sheet_url(live, "sheet_score", first.pk), {"score": "9"}).status_code == 422


def test_the_co_scorers_notes_autosave_and_a_stale_save_is_a_409(client, sheet, live, cole):
    first = items(live)[0]
    client.force_login(cole)
    url = sheet_url(live, "sheet_notes", first.pk)
    response = client.post(url, {"notes": "mine", "version": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'name="version" value="1"' in response.content.decode()
    response = client.post(url, {"notes": "tab 2", "version": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "changed elsewhere" in response.content.decode()
    assert CoScore.objects.get(sheet=sheet, item=first).notes == "mine"


def test_the_co_scorer_submits_and_lands_on_the_debrief(client, sheet, live, cole):
    client.force_login(cole)
    assert (
        "Submit your co-scorer sheet"
        in client.get(sheet_url(live, "sheet_submit")).content.decode()
    )
    response = client.post(
        sheet_url(live, "sheet_submit"), {"recommendation": "hire", "summary": ""}
    )
    assert response.status_code == 422 and "Write a summary" in response.content.decode()
    response = client.post(
        sheet_url(live, "sheet_submit"),
        {"recommendation": "hire", "summary": "Good.", "allow_unscored": "on"},
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("interviews:candidate", args=[live.candidate_id])
    assert CoScorer.objects.get(pk=sheet.pk).is_submitted
    # The sheet is closed now: its page sends to the debrief.
    assert client.get(sheet_url(live)).status_code == 303


def test_the_sheet_page_query_count_is_flat(
    client, sheet, live, cole, bank, django_assert_num_queries
):
    client.force_login(cole)

    def visit():
        with django_assert_num_queries(7):
            # session, user, groups, the sheet with its interview, its lines, the questions,
            # the co-scorers (the rule)
            assert client.get(sheet_url(live)).status_code == 200

    visit()
    for question in bank[3:9]:
        item = services.interview_add_question(interview=live, question=question)
        coscoring.coscore_score(sheet=sheet, item=item, score=2)
    visit()


def test_the_dashboard_lists_interviews_one_co_scores(client, sheet, live, cole):
    client.force_login(cole)
    html = client.get(reverse("interviews:dashboard")).content.decode()
    assert "Co-scoring" in html and sheet_url(live) in html


def test_the_interviewer_adds_and_removes_co_scorers_on_their_page(
    client, live, interviewer, cole, other_interviewer
):
    client.force_login(interviewer)
    url = reverse("interviews:co_scorers", args=[live.pk])
    html = client.get(url).content.decode()
    assert ">cole<" in html and ">ines<" not in html  # offered: other interviewers only
    response = client.post(url, {"user": cole.pk, "role": "panel"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "Remove cole" in html
    response = client.post(url, {"user": cole.pk, "role": "panel"})
    assert (
        response.status_code == 422
        and "Choose an interviewer from the list" in response.content.decode()
    )
    sheet = CoScorer.objects.get()
    remove = reverse("interviews:co_scorer_remove", args=[live.pk, sheet.pk])
    assert client.post(remove).status_code == 303
    assert not CoScorer.objects.exists()


# Independence, the scorecard and the debrief ------------------------------------------------


def score_all(live, sheet, own: int, co: list[int]):
    for item, score in zip(items(live), co, strict=True):
        services.item_score(item=item, score=own)
        services.item_save_notes(item=item, notes=f"own note {item.position}", base_version=0)
        coscoring.coscore_score(sheet=sheet, item=item, score=score)
        coscoring.coscore_save_notes(
            sheet=sheet, item=item, notes=f"co note {item.position}", base_version=0
        )


def debrief(client, user, interview):
    client.force_login(user)
    return client.get(
        reverse("interviews:candidate", args=[interview.candidate_id])
    ).content.decode()


def test_independence_between_the_interviewer_and_the_co_scorer(
    client, sheet, live, interviewer, cole, hiring_manager
):
    score_all(live, sheet, own=2, co=[4, 3, 2])
    # Neither has submitted: neither sees the other's notes.
    assert "own note 1" not in debrief(client, cole, live)
    assert "co note 1" not in debrief(client, interviewer, live)
    # The co-scorer submits: the interviewer still sees nothing of it until they submit.
    coscoring.coscorer_submit(sheet=sheet, recommendation="hire", summary="Co summary.")
    assert "co note 1" not in debrief(client, interviewer, live)
    html = debrief(client, cole, live)
    assert "co note 1" in html and "own note 1" not in html  # their own, not an unsubmitted one
    services.interview_submit(interview=live, recommendation="no_hire", summary="Own summary.")
    for user in (interviewer, cole, hiring_manager):
        html = debrief(client, user, live)
        assert "own note 1" in html and "co note 1" in html, user
        assert "Co-scorer sheet: cole" in html
    # The scorecard shows the submitted sheet to the interviewer and the hiring manager.
    client.force_login(interviewer)
    html = client.get(reverse("interviews:scorecard", args=[live.pk])).content.decode()
    assert "Co-scorer sheets" in html and "co note 2" in html and "Co summary." in html


def test_the_debrief_compares_the_sheets_and_shows_the_agreement(
    client, sheet, live, hiring_manager
):
    score_all(live, sheet, own=2, co=[4, 3, 2])
    services.interview_submit(interview=live, recommendation="no_hire", summary="s")
    coscoring.coscorer_submit(sheet=sheet, recommendation="hire", summary="s")
    html = debrief(client, hiring_manager, live)
    table = html.split(f'id="compare-{live.pk}"')[1].split("</table>")[0]
    assert "1 question where sheets differ by 2 points or more" in table
    assert table.count("Sheets differ") == 1
    agreement = html.split('id="agreement"')[1].split("</section>")[0]
    assert '<td class="num">3</td>' in agreement
    assert "1 of 3" in agreement and "2 of 3" in agreement  # exactly; within one
    assert "too few units (n = 3; at least 5 needed)" in agreement


def test_the_debrief_with_co_scored_sheets_runs_a_flat_number_of_queries(
    client, sheet, live, hiring_manager, bank, django_assert_num_queries
):
    score_all(live, sheet, own=2, co=[4, 3, 2])
    services.interview_submit(interview=live, recommendation="no_hire", summary="s")
    coscoring.coscorer_submit(sheet=sheet, recommendation="hire", summary="s")
    client.force_login(hiring_manager)
    url = reverse("interviews:candidate", args=[live.candidate_id])

    def visit():
        # session, user, groups, candidate, interviews, items, co-scorers, lines, loops,
        # stages, the audit row, the audit trail, ratings (own, co-scored)
        with django_assert_num_queries(14):
            assert client.get(url).status_code == 200

    visit()
    # Another interview of the loop, co-scored by two: the same count.
    dora = UserFactory(username="dora", groups=["Interviewers"])
    omar = UserFactory(username="omar", groups=["Interviewers"])
    more = assigned_interview(interviewer=dora, candidate=live.candidate, level=live.level)
    for question in bank[6:9]:
        services.interview_add_question(interview=more, question=question)
    services.interview_start(interview=more)
    for user in (omar, sheet.user):
        extra = coscoring.coscorer_add(interview=more, user=user, actor=hiring_manager)
        for item in items(more):
            coscoring.coscore_score(sheet=extra, item=item, score=3)
        coscoring.coscorer_submit(sheet=extra, recommendation="hire", summary="s")
    services.interview_submit(
        interview=more, recommendation="hire", summary="s", allow_unscored=True
    )
    visit()


def test_the_hiring_manager_records_the_decision_on_the_debrief(client, live, hiring_manager):
    html = debrief(client, hiring_manager, live)
    assert "No decision recorded yet." in html and "Record the decision" in html
    url = reverse("interviews:loop_decision", args=[live.stage.loop.pk])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(url, {"decision": "hire", "decided_on": tomorrow.isoformat()})
    assert (
        response.status_code == 422 and "cannot be dated in the future" in response.content.decode()
    )
    response = client.post(url, {"decision": "hire", "decided_on": "2026-01-05", "note": "Yes."})
    assert response.status_code == 303 and response["Location"].endswith("#decision")
    html = debrief(client, hiring_manager, live)
    assert "The loop's decision: <strong" in html and "Hire</strong>, on" in html
    assert "2026-01-05" in html and "Change the decision" in html


# Erasure ---------------------------------------------------------------------------------------


def test_erasing_the_candidate_removes_the_co_scorers_sheets(sheet, live, hiring_manager):
    score_all(live, sheet, own=2, co=[4, 3, 2])
    coscoring.coscorer_submit(sheet=sheet, recommendation="hire", summary="Co summary.")
    record = services.candidate_erase(candidate=live.candidate, by=hiring_manager)
    assert (record.interviews, record.questions) == (1, 3)  # the sheets are not questions
    assert not CoScorer.objects.exists() and not CoScore.objects.exists()
    assert not AuditEvent.objects.filter(summary__contains="Co summary").exists()


def test_a_submitted_sheet_and_a_decision_renew_the_measures(
    sheet, live, hiring_manager, django_capture_on_commit_callbacks
):
    from interviews import measuring

    before = measuring.generation()
    with django_capture_on_commit_callbacks(execute=True):
        coscoring.coscorer_submit(
            sheet=sheet, recommendation="hire", summary="s", allow_unscored=True
        )
    after_sheet = measuring.generation()
    with django_capture_on_commit_callbacks(execute=True):
        coscoring.loop_decide(loop=live.stage.loop, decision="hire", actor=hiring_manager)
    assert len({before, after_sheet, measuring.generation()}) == 3
