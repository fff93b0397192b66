"""The amend form: recommendation, summary, each question's score and notes, and a reason."""

from collections.abc import Mapping
from typing import Any

from django import forms

from config import limits
from questionbank.models import Score

from ..models import Interview, Recommendation


def normalize_newlines(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF: compare texts up to that."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class AmendForm(forms.Form):
    recommendation = forms.ChoiceField(choices=Recommendation.choices, widget=forms.RadioSelect)
    summary = forms.CharField(max_length=limits.SUMMARY, widget=forms.Textarea(attrs={"rows": 5}))
    reason = forms.CharField(
        label="Why do you amend this scorecard?",
        max_length=limits.AMEND_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with the change, with your name and the time.",
        error_messages={"required": "Say why you amend the scorecard."},
    )

    # The scorecard's version this form was read at: a submit on an older one is refused (409).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        interview: Interview,
        initial: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.interview = interview
        self.items = list(interview.items.all())
        initial = {
            "recommendation": interview.recommendation,
            "summary": interview.summary,
            "version": interview.version,
            **(initial or {}),
        }
        for item in self.items:
            initial[f"score_{item.pk}"] = "" if item.score is None else str(item.score)
            initial[f"notes_{item.pk}"] = item.notes
        super().__init__(data, initial=initial, **kwargs)
        for item in self.items:
            self.fields[f"score_{item.pk}"] = forms.TypedChoiceField(
                label=f"Score for question {item.position}",
                choices=[("", "Skipped, no score" if item.skipped else "No score")]
                + [(str(s), f"{s} {Score(s).label}") for s in Score.values],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={
                    "invalid_choice": "A score is 1 (Poor), 2 (Mixed), 3 (Good), 4 (Excellent) "
                    "or empty."
                },
            )
            self.fields[f"notes_{item.pk}"] = forms.CharField(
                label=f"Notes for question {item.position}",
                required=False,
                strip=False,
                max_length=limits.NOTES,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        """(item, score field, notes field) per question, for the template."""
        return [(item, self[f"score_{item.pk}"], self[f"notes_{item.pk}"]) for item in self.items]

    def service_kwargs(self) -> dict:
        """What changed, as interview_amend's keyword arguments (unchanged values left out)."""
        data = self.cleaned_data
        interview = self.interview
        kwargs = {"reason": data["reason"], "base_version": data["version"]}
        if data["recommendation"] != interview.recommendation:
            kwargs["recommendation"] = data["recommendation"]
        summary = normalize_newlines(data["summary"]).strip()
        if summary != normalize_newlines(interview.summary).strip():
            kwargs["summary"] = summary
        scores, notes = {}, {}
        for item in self.items:
            score = data.get(f"score_{item.pk}")
            if score != item.score:
                scores[item.pk] = score
            text = normalize_newlines(data.get(f"notes_{item.pk}") or "")
            if text != normalize_newlines(item.notes):
                notes[item.pk] = text
        if scores:
            kwargs["scores"] = scores
        if notes:
            kwargs["notes"] = notes
        return kwargs


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, erase this candidate and everything about them",
        error_messages={"required": "Tick the box to confirm: erasing cannot be undone."},
    )
