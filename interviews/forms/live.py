"""Forms of the live interview: scoring, notes, time, unplanned questions, submission.

They check the shape of the input only; the rules (state of the interview, stale notes,
what a submission needs) live in ``interviews.services`` and their messages are shown as is.
"""

from django import forms
from django.template.defaultfilters import pluralize

from config import limits
from interviews.models import Recommendation
from questionbank.models import SCORE_MAX, SCORE_MIN, Score

_NAMED = [f"{score.value} ({score.label})" for score in Score]
# "A score is 1 (Poor), 2 (Mixed), 3 (Good) or 4 (Excellent)."
SCORE_MESSAGE = f"A score is {', '.join(_NAMED[:-1])} or {_NAMED[-1]}."


class ScoreForm(forms.Form):
    """One of: a score 1..4, skip, or clear."""

    score = forms.TypedChoiceField(
        choices=[(str(s), str(s)) for s in Score.values],
        coerce=int,
        required=False,
        error_messages={"invalid_choice": SCORE_MESSAGE},
    )
    skip = forms.BooleanField(required=False)
    clear = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        chosen = [data.get("score") not in (None, ""), data.get("skip"), data.get("clear")]
        if sum(bool(c) for c in chosen) != 1:
            raise forms.ValidationError(
                f"Choose a score ({SCORE_MIN} to {SCORE_MAX}), Skip, or Clear."
            )
        return data

    def action(self) -> dict:
        """Keyword arguments for ``services.item_score``."""
        data = self.cleaned_data
        if data.get("skip"):
            return {"score": None, "skipped": True}
        if data.get("clear"):
            return {"score": None, "skipped": False}
        return {"score": data["score"], "skipped": False}


class NotesForm(forms.Form):
    notes = forms.CharField(
        required=False,
        strip=False,
        max_length=limits.NOTES,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"required": "The notes version is missing: reload the page."},
    )


class TimeForm(forms.Form):
    seconds = forms.IntegerField(
        min_value=1,
        max_value=3600,
        error_messages={
            "required": "Say how many seconds were spent (1 to 3600).",
            "invalid": "Seconds must be a whole number from 1 to 3600.",
            "min_value": "Seconds must be a whole number from 1 to 3600.",
            "max_value": "Seconds must be a whole number from 1 to 3600.",
        },
    )


class AddUnplannedForm(forms.Form):
    question = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": "Choose a question to add.",
            "invalid": "That is not a question of the bank.",
            "min_value": "That is not a question of the bank.",
        },
    )
    confirm_repeat = forms.BooleanField(required=False)


class SubmitForm(forms.Form):
    """Shapes only: ``services.interview_submit`` says what is missing, per field."""

    recommendation = forms.CharField(
        required=False,
        widget=forms.RadioSelect(choices=Recommendation.choices),
        label="Overall recommendation",
    )
    summary = forms.CharField(
        required=False,
        max_length=limits.SUMMARY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you saw: strengths, concerns, and the evidence behind your recommendation.",
    )
    allow_unscored = forms.BooleanField(required=False)

    def __init__(self, *args, open_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_count = open_count
        if open_count:
            self.fields[
                "allow_unscored"
            ].label = f"Leave {open_count} question{pluralize(open_count)} unscored"
        else:
            del self.fields["allow_unscored"]
