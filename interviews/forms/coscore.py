"""Forms of co-scoring and of the loop's decision: shapes only, the rules are the services'."""

from django import forms
from django.utils import timezone

from config import limits
from interviews.models import CoScorerRole, Decision

from .loops import _user_label


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


class AddCoScorerForm(forms.Form):
    user = UserChoiceField(
        queryset=None,
        label="Co-scorer",
        empty_label="Choose an interviewer",
        error_messages={
            "required": "Choose who co-scores.",
            "invalid_choice": "Choose an interviewer from the list (not the interviewer, "
            "nobody twice).",
        },
    )
    role = forms.ChoiceField(
        choices=CoScorerRole.choices,
        initial=CoScorerRole.PANEL,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose panel member or shadow."},
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose hire or no hire.",
            "invalid_choice": "Choose hire or no hire.",
        },
    )
    decided_on = forms.DateField(
        label="Decided on",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )
    note = forms.CharField(
        required=False,
        max_length=limits.AMEND_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why: what the decision rests on.",
    )

    def __init__(self, *args, loop=None, **kwargs):
        if loop is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    "decision": loop.decision or None,
                    "decided_on": loop.decided_on or timezone.localdate(),
                    "note": loop.decision_note,
                },
            )
        super().__init__(*args, **kwargs)
