"""Import and export of questions (CSV, TSV, JSON) through django-import-export.

Every row is checked like a form (field validators, the model's constraints, unique text) and
a row with an error is shown in the preview with its message; an import with any error writes
nothing. The checks run in bulk: the levels, topics, the questions the file names by id and
every question's text are read once for the whole file (`before_import`), so a preview costs the
same few queries for 10 rows or 2,000, and writes nothing at all. The real import then writes
each row (an insert or update, and its levels and topics in one statement each).
"""

from diff_match_patch import diff_match_patch
from django.core.exceptions import ValidationError
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets
from import_export.formats.base_formats import JSON
from import_export.results import Error

from config.csv_safety import SafeCSV, SafeTSV

from .models import DEFAULT_MINUTES, Kind, Level, Question, QuestionStatus, Topic, normalize_text

# What the admin offers: CSV and TSV neutralise formula cells (config.csv_safety); JSON.
FORMATS = [SafeCSV, SafeTSV, JSON]


def _constraint_message(name: str) -> str:
    constraint = next(c for c in Question._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


RANGES = {
    # field: (low, high, the message of the database constraint that enforces it)
    "difficulty": (1, 5, _constraint_message("question_difficulty_1_to_5")),
    "estimated_minutes": (1, 120, _constraint_message("question_minutes_1_to_120")),
}
DUPLICATE_MESSAGE = _constraint_message("question_text_unique_ci_ws")


class SlugListWidget(widgets.ManyToManyWidget):
    """Comma-separated slugs; an unknown slug is an error, not silently dropped. During an
    import the resource hands it every known slug (`known`), so a row costs no query."""

    known: dict | None = None

    def split(self, value) -> list[str]:
        return [s.strip() for s in str(value or "").split(self.separator) if s.strip()]

    def lookup(self, slugs: list[str]) -> dict:
        if self.known is not None:
            return {slug: self.known[slug] for slug in slugs if slug in self.known}
        return {obj.slug: obj for obj in self.model.objects.filter(slug__in=slugs)}

    def unknown(self, slugs: list[str]) -> str:
        """The error for the slugs that name nothing, or "" when all are known."""
        missing = sorted(set(slugs) - set(self.lookup(slugs)))
        return f"unknown {self.model._meta.verbose_name} {', '.join(missing)}" if missing else ""

    def clean(self, value, row=None, **kwargs):
        slugs = self.split(value)
        if error := self.unknown(slugs):
            raise ValueError(error)
        found = self.lookup(slugs)
        return [found[slug] for slug in dict.fromkeys(slugs)]


class RowLimitError(Error):
    """A file too long for the web form: a message for the curator, no traceback."""

    traceback = ""


def _as_id(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class StrictDiff(resources.Diff):
    """The preview's changes as <ins>/<del> without the inline style diff-match-patch writes
    (the Content-Security-Policy refuses style attributes): static/css/admin-import.css
    colours them."""

    TAGS = {diff_match_patch.DIFF_INSERT: "ins", diff_match_patch.DIFF_DELETE: "del"}

    def as_html(self):
        dmp = diff_match_patch()
        cells = []
        for left, right in zip(self.left, self.right, strict=False):
            if left != right and self.new:
                left = ""
            diffs = dmp.diff_main(force_str(left), force_str(right))
            dmp.diff_cleanupSemantic(diffs)
            parts = []
            for op, text in diffs:
                tag = self.TAGS.get(op, "span")
                parts.append(f"<{tag}>{escape(text).replace(chr(10), '&para;<br>')}</{tag}>")
            cells.append(mark_safe("".join(parts)))  # noqa: S308 (each text is escaped)
        return cells


def _remember(instance, name: str, objects: list) -> None:
    """Store what was just written as the instance's prefetched `name`, as prefetch_related
    does: the import's row summary then reads it without a query."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = getattr(instance, "_prefetched_objects_cache", {})
    instance._prefetched_objects_cache[name] = queryset


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
        # The checks full_clean() makes one query each are made here in bulk (check_row).
        clean_model_instances = False
        use_transactions = True
        # No savepoint per row (two statements a row): rows are checked before any write, and
        # the import is one transaction that any failure rolls back whole. Rows are still
        # written one by one (save_instance below), so the admin's log names each question.
        use_bulk = True

    def __init__(self, *, row_limit: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.row_limit = row_limit

    def import_data(self, dataset, **kwargs):
        """Refuse a file longer than `row_limit` whole (the web form's limit)."""
        if self.row_limit is not None and len(dataset) > self.row_limit:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            result.append_base_error(
                RowLimitError(
                    ValueError(
                        f"This file has {len(dataset):,} rows; the import page takes at most "
                        f"{self.row_limit:,}. Nothing was imported. Split the file, or import "
                        "it on the server: python manage.py import_questions FILE"
                    )
                )
            )
            return result
        return super().import_data(dataset, **kwargs)

    # Reading everything once ------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Everything the rows are checked against, in five queries for the whole file."""
        self.known = {
            "levels": {level.slug: level for level in Level.objects.all()},
            "topics": {topic.slug: topic for topic in Topic.objects.all()},
        }
        for name, known in self.known.items():
            self.fields[name].widget.known = known
        ids = set()
        if "id" in (dataset.headers or []):
            ids = {pk for pk in map(_as_id, dataset["id"]) if pk is not None}
        self.existing = {
            q.pk: q
            for q in Question.objects.filter(pk__in=ids).prefetch_related("levels", "topics")
        }
        self.texts = {
            normalize_text(text): pk for pk, text in Question.objects.values_list("pk", "text")
        }
        self.texts_in_file: dict[str, int] = {}

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        for name in ("levels", "topics"):
            self.fields[name].widget.known = None

    def get_instance(self, instance_loader, row):
        pk = _as_id(row.get("id"))
        if pk is None:
            if str(row.get("id") or "").strip():
                raise ValidationError(
                    {"id": "an id is a whole number, or empty for a new question"}
                )
            return None  # a row without id is a new question
        return self.existing.get(pk)  # None: a new question with this id

    # Checking a row ---------------------------------------------------------------------------

    def before_import_row(self, row, **kwargs):
        for name in ("text", "kind", "status"):
            if row.get(name) is not None:
                row[name] = str(row[name]).strip()
        if not row.get("status"):
            row["status"] = QuestionStatus.ACTIVE
        if not str(row.get("estimated_minutes") or "").strip():
            row["estimated_minutes"] = DEFAULT_MINUTES.get(row.get("kind"), 5)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        errors = {}
        for name in ("levels", "topics"):
            widget = self.fields[name].widget
            slugs = widget.split(row.get(name))
            if not slugs:
                errors[name] = f"a question needs at least one of its {name}"
            elif error := widget.unknown(slugs):
                errors[name] = error
        errors.update(self.check_row(instance))
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance: Question) -> dict[str, str | list[str]]:
        """What the model's validation and constraints would refuse, without a query."""
        errors: dict[str, str | list[str]] = {}
        try:
            instance.clean_fields()
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if instance.kind not in Kind.values:
            errors["kind"] = f"must be one of {', '.join(Kind.values)}"
        if instance.status not in QuestionStatus.values:
            errors["status"] = f"must be one of {', '.join(QuestionStatus.values)}"
        for name, (low, high, message) in RANGES.items():
            value = getattr(instance, name)
            if name not in errors and isinstance(value, int) and not low <= value <= high:
                errors[name] = message
        key = normalize_text(instance.text or "")
        if key and "text" not in errors:
            clash = self.texts.get(key)
            if clash is not None and clash != instance.pk:
                errors["text"] = f"{DUPLICATE_MESSAGE} (question #{clash})"
            elif key in self.texts_in_file:
                errors["text"] = (
                    f"The same text is on an earlier row of this file ({DUPLICATE_MESSAGE})"
                )
            else:
                self.texts_in_file[key] = instance.pk or 0
        return errors

    # Writing ----------------------------------------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return  # the preview writes nothing: the rows were checked above
        self.do_instance_save(instance, is_create)

    def save_m2m(self, instance, row, **kwargs):
        """Levels and topics in one statement each (two more to remove any a file drops)."""
        if self._is_dry_run(kwargs):
            return
        for name in ("levels", "topics"):
            if self.fields[name].column_name not in row:
                continue
            chosen = self.fields[name].clean(row)
            wanted = {obj.pk for obj in chosen}
            manager = getattr(instance, name)
            have = set() if instance.pk not in self.existing else {o.pk for o in manager.all()}
            through = manager.through
            column = f"{manager.target_field_name}_id"
            if have - wanted:
                through.objects.filter(
                    question_id=instance.pk, **{f"{column}__in": have - wanted}
                ).delete()
            through.objects.bulk_create(
                through(question_id=instance.pk, **{column: pk}) for pk in wanted - have
            )
            _remember(instance, name, chosen)

    def get_diff_class(self):
        return StrictDiff

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("levels", "topics")
