"""Import and export of questions (CSV, JSON, ...) through django-import-export.

Every row is validated like a form (the model's constraints included); a row with an error is
shown in the preview with its message, and an import with any error writes nothing.
"""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from .models import DEFAULT_MINUTES, Kind, Level, Question, Status, Topic


class SlugListWidget(widgets.ManyToManyWidget):
    """Comma-separated slugs; an unknown slug is an error, not silently dropped."""

    def split(self, value) -> list[str]:
        return [s.strip() for s in str(value or "").split(self.separator) if s.strip()]

    def unknown(self, slugs: list[str]) -> str:
        """The error for the slugs that name nothing, or "" when all are known."""
        found = set(self.model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        missing = sorted(set(slugs) - found)
        return f"unknown {self.model._meta.verbose_name} {', '.join(missing)}" if missing else ""

    def clean(self, value, row=None, **kwargs):
        slugs = self.split(value)
        if error := self.unknown(slugs):
            raise ValueError(error)
        return self.model.objects.filter(slug__in=slugs)


class QuestionResource(resources.ModelResource):
    levels = fields.Field(
        attribute="levels", column_name="levels", widget=SlugListWidget(Level, field="slug")
    )
    topics = fields.Field(
        attribute="topics", column_name="topics", widget=SlugListWidget(Topic, field="slug")
    )

    class Meta:
        model = Question
        fields = (
            "id",
            "text",
            "kind",
            "difficulty",
            "levels",
            "topics",
            "estimated_minutes",
            "status",
            "guidance",
            "follow_ups",
            "red_flags",
            "reading",
            "source",
            "source_line",
        )
        export_order = fields
        import_id_fields = ("id",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def get_instance(self, instance_loader, row):
        if not str(row.get("id") or "").strip():
            return None  # a row without id is a new question
        return super().get_instance(instance_loader, row)

    def before_import_row(self, row, **kwargs):
        for name in ("text", "kind", "status"):
            if row.get(name) is not None:
                row[name] = str(row[name]).strip()
        if not row.get("status"):
            row["status"] = Status.ACTIVE
        if not str(row.get("estimated_minutes") or "").strip():
            row["estimated_minutes"] = DEFAULT_MINUTES.get(row.get("kind"), 5)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        errors = {}
        if row.get("kind") not in Kind.values:
            errors["kind"] = f"must be one of {', '.join(Kind.values)}"
        for name in ("levels", "topics"):
            widget = self.fields[name].widget
            slugs = widget.split(row.get(name))
            if not slugs:
                errors[name] = f"a question needs at least one of its {name}"
            elif error := widget.unknown(slugs):
                errors[name] = error
        if errors:
            raise ValidationError(errors)

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("levels", "topics")
