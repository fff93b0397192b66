"""Forms of the interviews page (filters), a draft's details, discarding, candidates."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from interviews.models import INTERVIEW_SORTS, Candidate, Interview, InterviewStatus
from questionbank.models import Level

MINUTES_MIN, MINUTES_MAX = 5, 480
DEFAULT_SORT = "-date"


class ScheduleFields(forms.Form):
    """An optional date and time (in the site's time zone) and duration."""

    scheduled_at = forms.DateTimeField(
        label="Date and time (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label="Duration in minutes (optional)",
        required=False,
        min_value=MINUTES_MIN,
        max_value=MINUTES_MAX,
        help_text=f"From {MINUTES_MIN} to {MINUTES_MAX}; empty: the planned minutes.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_at"].help_text = (
            f"Time zone {timezone.get_current_timezone_name()}. Scheduled interviews show under "
            "“Upcoming” on your dashboard and offer a calendar file."
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("duration_minutes") is not None
            and not data.get("scheduled_at")
            and "scheduled_at" not in self.errors
        ):
            self.add_error(
                "scheduled_at", "Give the date and time too, or leave the duration empty."
            )
        return data


class InterviewDetailsForm(ScheduleFields):
    """A draft's details: title, planned minutes, level, date and time, duration."""

    title = forms.CharField(label="Title", max_length=200)
    planned_minutes = forms.IntegerField(
        label="Planned minutes",
        min_value=MINUTES_MIN,
        max_value=MINUTES_MAX,
        help_text=f"From {MINUTES_MIN} to {MINUTES_MAX}.",
    )
    level = forms.ModelChoiceField(Level.objects.all(), label="Interview level", empty_label=None)

    field_order = ["title", "level", "planned_minutes", "scheduled_at", "duration_minutes"]

    def __init__(self, *args, interview: Interview, **kwargs):
        kwargs.setdefault("auto_id", "details-%s")
        kwargs.setdefault(
            "initial",
            {
                "title": interview.title,
                "planned_minutes": interview.planned_minutes,
                "level": interview.level_id,
                "scheduled_at": interview.scheduled_at,
                "duration_minutes": interview.duration_minutes,
            },
        )
        super().__init__(*args, **kwargs)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Enter a title.")
        return title


class DiscardForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, discard this draft and its questions",
        error_messages={"required": "Tick “Yes, discard this draft” to discard it."},
    )


class PersonField(forms.ModelChoiceField):
    """A user shown by full name, or by username when there is none."""

    def label_from_instance(self, obj: AbstractUser) -> str:
        return obj.get_full_name() or obj.get_username()


class InterviewFilterForm(forms.Form):
    """The interviews page's filters, all in the URL. ``filter`` applies the valid ones."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Title, candidate name or e-mail",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *InterviewStatus.choices],
    )
    level = forms.ModelChoiceField(
        Level.objects.all(),
        label="Level",
        required=False,
        empty_label="Any level",
        to_field_name="slug",
    )
    candidate = forms.ModelChoiceField(
        Candidate.objects.none(), label="Candidate", required=False, empty_label="Any candidate"
    )
    interviewer = PersonField(
        get_user_model().objects.none(),
        label="Interviewer",
        required=False,
        empty_label="Any interviewer",
    )
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[(key, label) for key, (label, _order) in INTERVIEW_SORTS.items()],
    )

    def __init__(self, *args, interviews, sees_all: bool, **kwargs):
        kwargs.setdefault("auto_id", "find-%s")
        super().__init__(*args, **kwargs)
        picked = self.data.get("candidate", "")
        # Archived candidates are not offered, but a link naming one still filters by them.
        in_list = Candidate.objects.filter(pk__in=interviews.values("candidate"))
        shown = in_list.active()
        if picked.isdigit():
            shown = in_list.filter(archived_at__isnull=True) | in_list.filter(pk=picked)
        candidate, interviewer = self.fields["candidate"], self.fields["interviewer"]
        assert isinstance(candidate, forms.ModelChoiceField)
        assert isinstance(interviewer, forms.ModelChoiceField)
        candidate.queryset = shown.order_by("name", "id")
        people = get_user_model().objects.filter(pk__in=interviews.values("interviewer"))
        interviewer.queryset = people.order_by("username")
        if not sees_all:
            del self.fields["interviewer"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "“To” is before “From”: swap the dates.")
        return data

    @property
    def sort_key(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("sort"):
            return self.cleaned_data["sort"]
        return DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(
            self.cleaned_data.get(name) for name in self.fields if name != "sort"
        )

    def filter(self, interviews):
        """The interviews these filters select (none when a filter is not valid)."""
        if not self.is_bound:
            return interviews.sorted_by(DEFAULT_SORT)
        if not self.is_valid():
            return interviews.none()
        data = self.cleaned_data
        if data["q"].strip():
            interviews = interviews.search(data["q"])
        if data["status"]:
            interviews = interviews.filter(status=data["status"])
        if data["level"]:
            interviews = interviews.filter(level=data["level"])
        if data["candidate"]:
            interviews = interviews.filter(candidate=data["candidate"])
        if data.get("interviewer"):
            interviews = interviews.filter(interviewer=data["interviewer"])
        if data["start"]:
            interviews = interviews.on_or_after(data["start"])
        if data["end"]:
            interviews = interviews.on_or_before(data["end"])
        return interviews.sorted_by(self.sort_key)


class MergeForm(forms.Form):
    """Which candidate is the duplicate to merge into the one whose page this is."""

    duplicate = forms.ModelChoiceField(
        Candidate.objects.none(),
        label="Duplicate to merge into this candidate",
        empty_label="Choose the duplicate",
    )

    def __init__(self, *args, keep: Candidate, user, **kwargs):
        kwargs.setdefault("auto_id", "merge-%s")
        super().__init__(*args, **kwargs)
        self.keep = keep
        field = self.fields["duplicate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Candidate.objects.visible_to(user).select_related("level").order_by("name", "id")
        )
        # Offered: everyone else the user may read (archived ones marked); the candidate
        # itself is refused with a clear message.
        field.choices = [("", field.empty_label)] + [
            (c.pk, self.describe(c)) for c in field.queryset if c.pk != keep.pk
        ]

    @staticmethod
    def describe(c: Candidate) -> str:
        return (
            f"{c.name} (#{c.pk}) · {c.level.name}"
            + (f" · {c.email}" if c.email else "")
            + f" · added {c.created_at:%Y-%m-%d}"
            + (" · archived" if c.is_archived else "")
        )

    def clean_duplicate(self):
        duplicate = self.cleaned_data["duplicate"]
        if duplicate.pk == self.keep.pk:
            raise forms.ValidationError("A candidate cannot be merged into itself.")
        return duplicate
