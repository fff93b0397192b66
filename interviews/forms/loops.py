"""Forms of loops: opening one for a candidate, adding a stage, reassigning it."""

from django import forms
from django.contrib.auth import get_user_model

from interviews.models import Candidate, LoopStatus
from people.roles import Role
from questionbank.models import Level, Topic

MINUTES_MIN, MINUTES_MAX = 5, 480


def interviewers():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.INTERVIEWER)
        .order_by("username")
        .distinct()
    )


def _user_label(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


class InterviewerField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", "Choose an interviewer")
        super().__init__(interviewers(), **kwargs)

    def label_from_instance(self, obj):
        return _user_label(obj)


class LoopNewForm(forms.Form):
    WHO_CHOICES = [("existing", "An existing candidate"), ("new", "A new candidate")]

    who = forms.ChoiceField(
        label="Candidate", choices=WHO_CHOICES, initial="existing", widget=forms.RadioSelect
    )
    candidate = forms.ModelChoiceField(
        Candidate.objects.none(), label="Candidate", required=False, empty_label="Choose"
    )
    name = forms.CharField(label="Name", max_length=200, required=False)
    email = forms.EmailField(label="Email (optional)", required=False)
    level = forms.ModelChoiceField(
        Level.objects.all(), label="Target level", required=False, empty_label="Choose a level"
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "loop-%s")
        super().__init__(*args, **kwargs)
        # Candidates without an open loop.
        self.fields["candidate"].queryset = (
            Candidate.objects.for_dashboard().exclude(loops__status=LoopStatus.OPEN).distinct()
        )

    def clean(self):
        data = super().clean()
        if data.get("who") == "existing":
            if not data.get("candidate") and "candidate" not in self.errors:
                self.add_error("candidate", "Choose the candidate.")
        elif data.get("who") == "new":
            if not (data.get("name") or "").strip() and "name" not in self.errors:
                self.add_error("name", "Enter the candidate's name.")
            if not data.get("level") and "level" not in self.errors:
                self.add_error("level", "Choose the candidate's target level.")
        return data


class StageForm(forms.Form):
    name = forms.CharField(
        label="Stage", max_length=200, help_text="What it covers, e.g. “System design”."
    )
    interviewer = InterviewerField(label="Interviewer")
    focus_topics = forms.ModelMultipleChoiceField(
        Topic.objects.order_by("position", "name"),
        label="Focus topics",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Composing this stage starts from these topics.",
    )
    planned_minutes = forms.IntegerField(
        label="Planned minutes", min_value=MINUTES_MIN, max_value=MINUTES_MAX, initial=45
    )
    scheduled_at = forms.DateTimeField(
        label="Date and time (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "stage-%s")
        super().__init__(*args, **kwargs)


class ReassignForm(forms.Form):
    interviewer = InterviewerField(label="New interviewer")

    def __init__(self, *args, stage_pk: int, **kwargs):
        kwargs.setdefault("auto_id", f"reassign-{stage_pk}-%s")
        super().__init__(*args, **kwargs)
