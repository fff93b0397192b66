from collections.abc import Mapping
from types import MappingProxyType

from django import forms
from django.db import models

from .counts import topic_counts
from .models import Kind, Level, Question, Topic

DIFFICULTY_CHOICES = [("", "Any difficulty")] + [
    (str(d), f"{d} · {label}")
    for d, label in [(1, "easiest"), (2, "easy"), (3, "medium"), (4, "hard"), (5, "hardest")]
]


class TopicField(forms.ModelChoiceField):
    """A topic labelled with its number of active questions; the form sets ``counts``
    (topic id to count) for the chosen level."""

    counts: Mapping[int, int] = MappingProxyType({})

    def label_from_instance(self, obj: Topic) -> str:
        return f"{obj.name} ({self.counts.get(obj.pk, 0)})"


class BankFilterForm(forms.Form):
    """The bank's filters, read from the query string; shared by /bank/ and the composer."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Search question text", "autocomplete": "off"}
        ),
    )
    level = forms.ModelChoiceField(
        Level.objects.all(), required=False, empty_label="Any level", to_field_name="slug"
    )
    topic = TopicField(
        Topic.objects.all(), required=False, empty_label="Any topic", to_field_name="slug"
    )
    difficulty = forms.TypedChoiceField(
        choices=DIFFICULTY_CHOICES, required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Kind.choices], required=False)

    def __init__(self, *args, prefix_id: str = "bank", **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"{prefix_id}-{name}")
        # Topics follow the chosen level: each with its number of active questions there
        # (overall when no level), those without any hidden unless already chosen.
        # The counts come from the cache (questionbank/counts.py).
        topic = self.fields["topic"]
        assert isinstance(topic, TopicField)
        counts = topic_counts(self._chosen("level") or None)
        topic.queryset = Topic.objects.filter(
            models.Q(pk__in=list(counts)) | models.Q(slug=self._chosen("topic"))
        ).order_by("position", "name")  # the guide's order, as everywhere topics are listed
        topic.counts = counts

    def _chosen(self, name: str) -> str:
        """The slug a filter asks for: from the query string, else the form's initial."""
        if self.is_bound:
            value = self.data.get(self.add_prefix(name))
        else:
            value = self.initial.get(name, self.fields[name].initial)
        if isinstance(value, models.Model):
            value = getattr(value, "slug", "")
        if not isinstance(value, str) or "\x00" in value:
            return ""  # the field itself reports a bad value; PostgreSQL refuses NUL
        return value

    def filter(self, queryset=None):
        """The filtered queryset; an invalid filter yields no results (the form shows why)."""
        queryset = Question.objects.for_bank() if queryset is None else queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        return queryset.filtered(
            level=data["level"],
            topic=data["topic"],
            difficulty=data["difficulty"],
            kind=data["kind"],
            q=data["q"].strip(),
        )

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
