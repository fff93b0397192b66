from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportModelAdmin

from config import widgets
from interviews.measuring import scores_changed

from .counts import bank_changed
from .models import KindRubric, Level, Question, QuestionStatus, Topic
from .resources import FORMATS, QuestionResource
from .similarity import similar_questions


class QuestionAdminForm(forms.ModelForm):
    # Hidden (its row too: the admin hides a line with no visible field) until clean() finds
    # likely duplicates to list: "Save anyway" means nothing without them.
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="Save anyway",
        help_text="Tick after checking the likely duplicates listed above.",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Question
        widgets = {
            "levels": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
        }
        fields = (
            "text",
            "kind",
            "difficulty",
            "status",
            "estimated_minutes",
            "levels",
            "topics",
            "guidance",
            "follow_ups",
            "red_flags",
            "reading",
            "anchor_poor",
            "anchor_mixed",
            "anchor_good",
            "anchor_excellent",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("levels", "topics"):
            if name in self.fields:
                self.fields[name].required = True
        self.likely_duplicates = []

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("text") or ""
        text_changed = "text" in self.changed_data or self.instance.pk is None
        if text and text_changed:
            self.likely_duplicates = similar_questions(text, exclude_pk=self.instance.pk)
            if self.likely_duplicates:
                self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()
            if self.likely_duplicates and not cleaned.get("confirm_not_duplicate"):
                items = format_html_join(
                    "",
                    "<li>{} <small>(#{}, similarity {})</small></li>",
                    ((q.text, q.pk, f"{score:.0%}") for q, score in self.likely_duplicates),
                )
                raise forms.ValidationError(
                    format_html(
                        "Likely duplicates already in the bank:<ul>{}</ul>Change the text, or "
                        "tick “Save anyway” if it is really a new question.",
                        items,
                    ),
                    code="likely_duplicate",
                )
        return cleaned


class QuestionListForm(forms.ModelForm):
    """A row of the question list: its editable fields named after their question (a table
    cell gives them no label of their own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} of “{self.instance}”"


class QuestionListFormSet(forms.BaseModelFormSet):
    """The list's editable rows, their hidden ids drawn in Python as their fields are."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[self.model._meta.pk.name].widget = widgets.HiddenInput()


class DifficultyFilter(admin.SimpleListFilter):
    """Difficulty 1 to 5, known in advance: not the distinct values of the whole bank (a scan
    of 100,000 rows on every page of the list)."""

    title = "difficulty"
    parameter_name = "difficulty"

    def lookups(self, request, model_admin):
        return [(str(d), str(d)) for d in range(1, 6)]

    def queryset(self, request, queryset):
        if self.value() in {str(d) for d in range(1, 6)}:
            return queryset.filter(difficulty=int(self.value()))
        return queryset


class QuestionChangeList(ChangeList):
    """The list shows none of a question's long texts: its 50 rows are read without them."""

    def get_queryset(self, request, exclude_parameters=None):
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .defer(
                "guidance",
                "follow_ups",
                "red_flags",
                "reading",
                "anchor_poor",
                "anchor_mixed",
                "anchor_good",
                "anchor_excellent",
            )
        )


class QuestionActionForm(ActionForm):
    # Drawn in Python (config/widgets.py), as the list's rows: its menus hold 40 options.
    action = forms.ChoiceField(label="Action:", widget=widgets.Select)
    difficulty = forms.TypedChoiceField(
        choices=[("", "difficulty…")] + [(d, d) for d in range(1, 6)],
        required=False,
        coerce=int,
        empty_value=None,
        widget=widgets.Select,
    )
    topic = forms.ModelChoiceField(
        Topic.objects.all(), required=False, empty_label="topic…", widget=widgets.Select
    )
    level = forms.ModelChoiceField(
        Level.objects.all(), required=False, empty_label="level…", widget=widgets.Select
    )


def action_param(request, name: str):
    """One parameter of a bulk action, from the fields beside the action menu (None if bad)."""
    try:
        return QuestionActionForm.base_fields[name].clean(request.POST.get(name, ""))
    except forms.ValidationError:
        return None


@admin.register(Question)
class QuestionAdmin(ImportExportModelAdmin):
    resource_classes = [QuestionResource]
    import_formats = export_formats = FORMATS
    form = QuestionAdminForm
    action_form = QuestionActionForm
    list_display = (
        "short_text",
        "level_list",
        "topic_list",
        "difficulty",
        "kind",
        "status",
        "times_used",
    )
    list_display_links = ("short_text",)
    list_editable = ("difficulty", "status")
    list_filter = ("status", "kind", DifficultyFilter, "levels", "topics")
    search_fields = ("text",)
    list_per_page = 50
    # No "N total" beside a search's count: it would count the whole bank on every search.
    show_full_result_count = False
    readonly_fields = ("source", "source_line", "created_at", "updated_at")
    actions = ["retire", "reactivate", "set_difficulty", "add_topic", "add_level"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "text",
                    "confirm_not_duplicate",
                    "kind",
                    "difficulty",
                    "status",
                    "estimated_minutes",
                    "levels",
                    "topics",
                )
            },
        ),
        ("Answer guidance", {"fields": ("guidance", "follow_ups", "red_flags", "reading")}),
        (
            "Rubric anchors (empty: the kind's default anchors apply)",
            {
                "classes": ("collapse",),
                "fields": ("anchor_poor", "anchor_mixed", "anchor_good", "anchor_excellent"),
            },
        ),
        ("Provenance", {"fields": ("source", "source_line", "created_at", "updated_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "measured_health")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.has_perm("interviews.read_question_health"):
            health = ("Health in interviews (measures)", {"fields": ("measured_health",)})
            fieldsets = (fieldsets[0], health, *fieldsets[1:])
        return fieldsets

    @admin.display(description="Measured")
    def measured_health(self, obj):
        """The question's row of the question health page (the cached measures), its flags
        and a link to the page; shown to whoever may read question health."""
        from interviews.views.measures import question_health

        snapshot, q = question_health(obj.pk)
        url = f"{reverse('interviews:measures_questions')}?sort=question#question-{obj.pk}"
        if q is None:
            return format_html(
                'Not asked in a submitted interview yet. <a href="{}">Question health</a>',
                url,
            )

        def fixed(value, fmt="{:.2f}"):
            return "–" if value is None else fmt.format(value)

        n = sum(m.n for m in q.mean_by_level.values())
        mean = sum(m.n * m.mean for m in q.mean_by_level.values()) / n if n else None
        rows = [
            ("Times asked", f"{q.times_asked} ({q.n_scored} scored)"),
            ("Mean score", fixed(mean)),
            (
                "Difficulty",
                f"tagged {q.tagged_difficulty}; fitted {fixed(q.difficulty, '{:+.2f}')} points, "
                f"its tag predicts {fixed(q.expected_difficulty, '{:+.2f}')}",
            ),
            ("Discrimination", fixed(q.discrimination)),
            ("Skipped", f"{q.skip_rate:.0%}"),
            (
                "Minutes",
                f"median {fixed(q.median_minutes, '{:.1f}')}, estimate {q.estimated_minutes}",
            ),
            (
                "Agreement",
                f"alpha {fixed(q.agreement.value)} on {q.agreement.n_units} co-scored answers",
            ),
            ("Flags", "; ".join(q.flags) or "none"),
        ]
        return format_html(
            '<table class="question-health"><tbody>{}</tbody></table>'
            '<p>As of {} UTC. <a href="{}">Question health of every question</a></p>',
            format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', rows),
            f"{snapshot.computed_at:%Y-%m-%d %H:%M}",
            url,
        )

    def get_changelist(self, request, **kwargs):
        return QuestionChangeList

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=QuestionListForm, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        # 50 rows of editable fields: drawn in Python (config/widgets.py), not by templates.
        return super().get_changelist_formset(
            request,
            formset=QuestionListFormSet,
            widgets={
                "difficulty": widgets.NumberInput(attrs={"class": "vIntegerField"}),
                "status": widgets.Select,
            },
            **kwargs,
        )

    def action_checkbox(self, obj):
        """Django's row checkbox, drawn in Python."""
        checkbox = widgets.CheckboxInput(
            {
                "class": "action-select",
                "aria-label": format_html("Select this object for an action - {}", str(obj)),
            },
            lambda value: False,
        )
        return checkbox.render(helpers.ACTION_CHECKBOX_NAME, str(obj.pk))

    def get_import_resource_kwargs(self, request, **kwargs):
        """The web form imports at most QUESTION_IMPORT_WEB_ROWS rows (a request must finish
        within the server's timeout); `manage.py import_questions` has no limit."""
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        return kwargs | {"row_limit": settings.QUESTION_IMPORT_WEB_ROWS}

    def get_import_data_kwargs(self, **kwargs):
        # A row with an error rolls the whole import back, at the confirm step too.
        return super().get_import_data_kwargs(**kwargs) | {"rollback_on_validation_errors": True}

    def get_queryset(self, request):
        # "Times used" as a correlated subquery, not a GROUP BY over the whole bank: the
        # database counts it for the page's 50 rows only (PostgreSQL evaluates it after the
        # LIMIT), and the paginator's count leaves it out.
        items = Question._meta.get_field("interview_items").related_model
        used = (
            items.objects.filter(question=OuterRef("pk"))
            .order_by()
            .values("question")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(times_used=Coalesce(Subquery(used, output_field=IntegerField()), 0))
            .prefetch_related("levels", "topics")
        )

    @admin.display(description="Question", ordering="text")
    def short_text(self, obj):
        return str(obj)

    @admin.display(description="Levels")
    def level_list(self, obj):
        return ", ".join(level.name for level in obj.levels.all())

    @admin.display(description="Topics")
    def topic_list(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all())

    @admin.display(description="Times used", ordering="times_used")
    def times_used(self, obj):
        return obj.times_used

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(form, "likely_duplicates", None):
            self.message_user(
                request,
                "Saved although it looks like a question already in the bank.",
                messages.WARNING,
            )

    @admin.action(description="Retire selected questions", permissions=["change"])
    def retire(self, request, queryset):
        count = queryset.update(status=QuestionStatus.RETIRED)
        bank_changed()  # bulk writes send no signal
        self.message_user(request, f"Retired {count} question{pluralize(count)}.", messages.SUCCESS)

    @admin.action(description="Reactivate selected questions", permissions=["change"])
    def reactivate(self, request, queryset):
        count = queryset.update(status=QuestionStatus.ACTIVE)
        bank_changed()  # bulk writes send no signal
        self.message_user(
            request, f"Reactivated {count} question{pluralize(count)}.", messages.SUCCESS
        )

    @admin.action(
        description="Set difficulty (choose it beside the action)", permissions=["change"]
    )
    def set_difficulty(self, request, queryset):
        difficulty = action_param(request, "difficulty")
        if difficulty is None:
            self.message_user(
                request, "Choose a difficulty from 1 to 5 next to the action.", messages.ERROR
            )
            return
        count = queryset.update(difficulty=difficulty)
        bank_changed()  # bulk writes send no signal
        scores_changed()  # the tagged difficulty is measured
        self.message_user(
            request,
            f"Set difficulty {difficulty} on {count} question{pluralize(count)}.",
            messages.SUCCESS,
        )

    @admin.action(description="Add a topic (choose it beside the action)", permissions=["change"])
    def add_topic(self, request, queryset):
        self._add_tag(request, queryset, "topic")

    @admin.action(description="Add a level (choose it beside the action)", permissions=["change"])
    def add_level(self, request, queryset):
        self._add_tag(request, queryset, "level")

    def _add_tag(self, request, queryset, name):
        tag = action_param(request, name)
        if tag is None:
            self.message_user(request, f"Choose a {name} next to the action.", messages.ERROR)
            return
        through = getattr(Question, f"{name}s").through
        have = set(
            through.objects.filter(**{f"{name}": tag}, question__in=queryset).values_list(
                "question_id", flat=True
            )
        )
        new = [pk for pk in queryset.values_list("pk", flat=True) if pk not in have]
        through.objects.bulk_create(through(question_id=pk, **{f"{name}_id": tag.pk}) for pk in new)
        bank_changed()  # bulk writes send no signal
        self.message_user(
            request,
            f"Added {name} “{tag}” to {len(new)} question{pluralize(len(new))}.",
            messages.SUCCESS,
        )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "section", "position", "question_count")
    list_editable = ("position",)
    search_fields = ("name", "section")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, obj):
        return obj.question_count


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("name", "rank", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(KindRubric)
class KindRubricAdmin(admin.ModelAdmin):
    list_display = ("kind", "poor", "mixed", "good", "excellent")
