"""What each event sends as its ``data``: small builders, one per event, documented in the README.

Personal data goes only where a receiver needs it (the candidate of a scorecard); the erasure
event names the candidate by id alone.
"""

from datetime import datetime


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
    *, loop_id: int, candidate, decision: str, decided_by, decided_at: datetime, note: str = ""
) -> dict:
    """loop.decision_recorded: the loop, its candidate, the decision, who made it and when."""
    return {
        "loop": {"id": loop_id},
        "candidate": _candidate(candidate),
        "decision": decision,
        "note": note,
        "decided_by": _person(decided_by),
        "decided_at": _iso(decided_at),
    }


def candidate_erased_payload(*, candidate_id: int, erased_at: datetime) -> dict:
    """candidate.erased: the id alone (the receiver erases what it holds under that id)."""
    return {"candidate": {"id": candidate_id}, "erased_at": _iso(erased_at)}
