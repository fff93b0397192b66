"""What each event sends as its ``data``: small builders, one per event, documented in the README.

Personal data goes only where a receiver needs it (the candidate of a scorecard); the erasure
event names the candidate by id alone.
"""

from datetime import date, datetime


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "email": user.email}


def _candidate(candidate) -> dict:
    return {"id": candidate.pk, "name": candidate.name, "email": candidate.email}


def scorecard_payload(interview) -> dict:
    """scorecard.submitted: the interview, its candidate and interviewer, every question's score."""
    items = sorted(interview.items.all(), key=lambda item: item.position)
    return {
        "interview": {
            "id": interview.pk,
            "title": interview.title,
            "status": interview.status,
            "level": interview.level.slug,
            "recommendation": interview.recommendation,
            "summary": interview.summary,
            "started_at": _iso(interview.started_at),
            "submitted_at": _iso(interview.submitted_at),
            "path": interview.get_absolute_url(),
        },
        "candidate": _candidate(interview.candidate),
        "interviewer": _person(interview.interviewer),
        "scores": [
            {
                "position": item.position,
                "question_id": item.question_id,
                "kind": item.kind,
                "topics": [slug for slug, _name in item.topics],
                "score": item.score,
                "skipped": item.skipped,
            }
            for item in items
        ],
    }


def co_scorer_scorecard_payload(sheet) -> dict:
    """scorecard.submitted by a co-scorer: the same shape as the interviewer's, the interview
    as it is, the co-scorer as ``interviewer``, their own lines as ``scores``, and ``sheet``
    saying whose sheet it is (receivers that ignore ``sheet`` see one more scorecard)."""
    interview = sheet.interview
    lines = {line.item_id: line for line in sheet.lines.all()}
    items = sorted(interview.items.all(), key=lambda item: item.position)
    return {
        "interview": {
            "id": interview.pk,
            "title": interview.title,
            "status": interview.status,
            "level": interview.level.slug,
            "recommendation": sheet.recommendation,
            "summary": sheet.summary,
            "started_at": _iso(interview.started_at),
            "submitted_at": _iso(sheet.submitted_at),
            "path": interview.get_absolute_url(),
        },
        "candidate": _candidate(interview.candidate),
        "interviewer": _person(sheet.user),
        "sheet": {"kind": "co_scorer", "id": sheet.pk, "role": sheet.role},
        "scores": [
            {
                "position": item.position,
                "question_id": item.question_id,
                "kind": item.kind,
                "topics": [slug for slug, _name in item.topics],
                "score": lines[item.pk].score if item.pk in lines else None,
                "skipped": lines[item.pk].skipped if item.pk in lines else False,
            }
            for item in items
        ],
    }


def scorecard_amended_payload(interview, amendment) -> dict:
    """scorecard.amended: the scorecard as it now is, plus the amendment (who, why, what)."""
    return {
        **scorecard_payload(interview),
        "amendment": {
            "id": amendment.pk,
            "by": _person(amendment.user),
            "reason": amendment.reason,
            "changes": amendment.changes,
            "created_at": _iso(amendment.created_at),
        },
    }


def loop_decision_payload(
    *,
    loop_id: int,
    candidate,
    decision: str,
    decided_by,
    decided_at: datetime,
    note: str = "",
    decided_on: date | None = None,
) -> dict:
    """loop.decision_recorded: the loop, its candidate, the decision, who made it and when
    (``decided_on``: the day the decision is dated; ``decided_at``: when it was recorded)."""
    return {
        "loop": {"id": loop_id},
        "candidate": _candidate(candidate),
        "decision": decision,
        "decided_on": decided_on.isoformat() if decided_on else None,
        "note": note,
        "decided_by": _person(decided_by),
        "decided_at": _iso(decided_at),
    }


def candidate_erased_payload(*, candidate_id: int, erased_at: datetime) -> dict:
    """candidate.erased: the id alone (the receiver erases what it holds under that id)."""
    return {"candidate": {"id": candidate_id}, "erased_at": _iso(erased_at)}
