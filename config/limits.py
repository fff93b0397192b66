"""Size limits of every free-text field, in characters: one place, read by the models (the
database enforces them: `max_length` on CharFields, a named CHECK on each TextField's length),
the forms (a `maxlength` on each input and a form error), the admin and the importers.

The bank's longest texts today: question 158, guidance 1,135, follow-ups 254, reading 232.
"""

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# People and interviews.
NAME = 200  # candidate, kit, interview title
EMAIL = 254
CANDIDATE_NOTES = 10_000
KIT_DESCRIPTION = 2_000
SUMMARY = 20_000  # an interview's summary
NOTES = 50_000  # notes on one question
AMEND_REASON = 2_000
REASON = 300  # why auto-compose chose a question
# The bank.
QUESTION_TEXT = 2_000
GUIDANCE = 10_000  # key points, follow-ups, red flags, reading (and their snapshots)
ANCHOR = 500  # one rubric anchor: a sentence or two of what is observed at that score
LEVEL_DESCRIPTION = 2_000
SOURCE = 200
# Logging in.
PASSWORD = 256
# Query strings (searches).
SEARCH = 200


def length_constraint(field: str, limit: int, *, model: str) -> models.CheckConstraint:
    """The database's own check that a text column holds at most `limit` characters."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"{model}_{field}_max_{limit}",
        violation_error_message=f"{field.replace('_', ' ').capitalize()} is too long "
        f"(at most {limit:,} characters).",
    )


def bounded_text(limit: int, verbose_name: str | None = None, **kwargs: Any) -> models.TextField:
    """A TextField whose forms carry `maxlength` and whose full_clean() refuses longer text."""
    kwargs.setdefault("validators", [MaxLengthValidator(limit)])
    return models.TextField(verbose_name, max_length=limit, **kwargs)
