"""Question health's filters and order, read from the URL (the measures pages' one form)."""

from typing import Any

from django import forms

from .. import measures, measuring
from ..reports import SORTS, HealthRow, sort_rows

# The flags, by the short name the URL carries.
FLAGS = {
    "too-easy": measures.FLAG_TOO_EASY,
    "too-hard": measures.FLAG_TOO_HARD,
    "no-discrimination": measures.FLAG_NO_DISCRIMINATION,
    "low-agreement": measures.FLAG_LOW_AGREEMENT,
    "over-time": measures.FLAG_OVER_TIME,
}
DEFAULT_SORT = "-flags"
ANY_FLAG = "any"


class HealthFilterForm(forms.Form):
    flag = forms.ChoiceField(label="Flag", required=False)
    level = forms.ChoiceField(label="Level", required=False)
    topic = forms.ChoiceField(label="Topic", required=False)
    # Set by the column headings' links; kept in a hidden field so filtering keeps the order.
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        widget=forms.HiddenInput,
        choices=[("", "Flags first")]
        + [(f"{sign}{key}", heading) for key, (heading, _) in SORTS.items() for sign in ("", "-")],
    )

    def __init__(self, *args: Any, snapshot: measuring.Snapshot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels_asked = {lv for label in snapshot.questions.values() for lv in label.levels}
        topics_asked = {t for label in snapshot.questions.values() for t in label.topics}
        known_topics = [(slug, name) for slug, name in snapshot.topics.items()]
        choices = {
            "flag": [("", "Any or none"), (ANY_FLAG, "Any flag")]
            + [(slug, flag[:1].upper() + flag[1:]) for slug, flag in FLAGS.items()],
            "level": [("", "Every level")]
            + [(slug, name) for slug, name in snapshot.levels.items() if slug in levels_asked],
            "topic": [("", "Every topic")]
            + [(slug, name) for slug, name in known_topics if slug in topics_asked],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def sort_key(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("sort"):
            return str(self.cleaned_data["sort"])
        return DEFAULT_SORT

    def rows(self, rows: list[HealthRow]) -> list[HealthRow]:
        if self.is_bound and not self.is_valid():
            return []
        data = self.cleaned_data if self.is_bound else {}
        flag, level, topic = data.get("flag"), data.get("level"), data.get("topic")
        if flag == ANY_FLAG:
            rows = [r for r in rows if r.q.flags]
        elif flag:
            rows = [r for r in rows if FLAGS[flag] in r.q.flags]
        if level:
            rows = [r for r in rows if level in r.levels]
        if topic:
            rows = [r for r in rows if topic in r.topics]
        return sort_rows(rows, self.sort_key())
