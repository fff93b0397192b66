"""Forms of the composer, the new-interview page and kits."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from config import limits
from interviews import services
from interviews.forms.errors import add_service_errors
from interviews.forms.manage import ScheduleFields
from interviews.models import Candidate, Interview, Kit, LoopStatus
from questionbank.models import Kind, Level, Question

MINUTES_MIN, MINUTES_MAX = 5, 480
SEED_MAX = 2**31 - 1
WEIGHT_MAX = 100


class InterviewNewForm(ScheduleFields):
    """A new interview for a new or an existing candidate, optionally from a kit.

    A new candidate whose e-mail is already a candidate's (any case) is not created: the form
    names the existing ones, each with a button to use them (``use_existing``), unless the
    interviewer ticks ``allow_duplicate`` (another person with the same e-mail)."""

    WHO_CHOICES = [("new", "A new candidate"), ("existing", "An existing candidate")]

    who = forms.ChoiceField(
        label="Candidate", choices=WHO_CHOICES, initial="new", widget=forms.RadioSelect
    )
    # A new candidate.
    name = forms.CharField(label="Name", max_length=limits.NAME, required=False)
    email = forms.EmailField(label="Email (optional)", max_length=limits.EMAIL, required=False)
    target_level = forms.ModelChoiceField(
        Level.objects.all(), label="Target level", required=False, empty_label="Choose a level"
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=limits.CANDIDATE_NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    allow_duplicate = forms.BooleanField(
        label="This is another person with the same e-mail: create a new candidate anyway",
        required=False,
    )
    use_existing = forms.ModelChoiceField(Candidate.objects.all(), required=False)
    # An existing candidate.
    candidate = forms.ModelChoiceField(
        Candidate.objects.none(),
        label="Candidate",
        required=False,
        empty_label="Choose a candidate",
    )
    # The interview.
    level = forms.ModelChoiceField(
        Level.objects.all(),
        label="Interview level",
        required=False,
        empty_label="The candidate's target level",
    )
    title = forms.CharField(
        label="Title (optional)",
        max_length=limits.NAME,
        required=False,
        help_text="Default: “<level> interview with <candidate>”.",
    )
    planned_minutes = forms.IntegerField(
        label="Planned minutes",
        min_value=MINUTES_MIN,
        max_value=MINUTES_MAX,
        initial=45,
        help_text=f"From {MINUTES_MIN} to {MINUTES_MAX}.",
    )
    kit = forms.ModelChoiceField(
        Kit.objects.none(),
        label="Start from a kit (optional)",
        required=False,
        empty_label="No kit: start with no questions",
        help_text="The kit's questions are copied in order; you can change them afterwards.",
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("auto_id", "new-%s")
        super().__init__(*args, **kwargs)
        self.user = user
        # The candidates this user may interview: an open loop assigns them a stage without
        # an interview yet, or they manage the loop (people/rules.py says the same).
        open_loops = Q(loops__status=LoopStatus.OPEN)
        self.fields["candidate"].queryset = (
            Candidate.objects.active()
            .for_dashboard()
            .filter(
                open_loops
                & (
                    Q(loops__stages__interviewer=user, loops__stages__interview__isnull=True)
                    | Q(loops__hiring_manager=user)
                )
            )
            .distinct()
        )
        self.may_add_candidates = user.has_perm("interviews.open_loop")
        if not self.may_add_candidates:
            self.fields["who"].initial = "existing"
        self.duplicates: list[Candidate] = []
        self.reusing = False
        # "Use <name>" on the duplicate warning: only someone who adds candidates gets it.
        self.fields["use_existing"].queryset = (
            Candidate.objects.visible_to(user).active()
            if self.may_add_candidates
            else Candidate.objects.none()
        )
        self.fields["kit"].queryset = Kit.objects.visible_to(user).with_counts()
        self.fields["kit"].label_from_instance = lambda kit: (
            f"{kit.name} · {kit.level.name} · {kit.question_count} question"
            f"{'' if kit.question_count == 1 else 's'}"
            + ("" if kit.owner_id == user.pk else f" · by {kit.owner.get_username()}")
        )
        self.fields["candidate"].label_from_instance = lambda c: f"{c.name} · {c.level.name}"

    def clean(self):
        data = super().clean()
        if data.get("who") == "new" and data.get("use_existing"):
            # "Use <name>" on the duplicate warning: the existing candidate instead of a new one.
            data["who"], data["candidate"] = "existing", data["use_existing"]
            self.reusing = True
        if data.get("who") == "existing":
            if not data.get("candidate") and "candidate" not in self.errors:
                self.add_error("candidate", "Choose the candidate.")
        elif data.get("who") == "new":
            if not self.may_add_candidates:
                self.add_error(
                    "who",
                    "Only a hiring manager adds candidates: ask one to open a loop for the "
                    "candidate and assign you a stage.",
                )
            if not (data.get("name") or "").strip() and "name" not in self.errors:
                self.add_error("name", "Enter the candidate's name.")
            if not data.get("target_level") and "target_level" not in self.errors:
                self.add_error("target_level", "Choose the candidate's target level.")
            if data.get("email") and not data.get("allow_duplicate"):
                self.duplicates = list(
                    Candidate.objects.with_email(data["email"])
                    .select_related("level")
                    .order_by("name", "id")
                )
                if self.duplicates:
                    self.add_error(
                        "email",
                        "A candidate with this e-mail already exists. Use them (below), or tick "
                        "“create a new candidate anyway” if this is another person.",
                    )
        return data

    def save(self) -> Interview:
        """Create the candidate (if new) and the interview in one transaction.

        A ValidationError from the services is put on the form and re-raised: nothing is kept.
        """
        data = self.cleaned_data
        try:
            with transaction.atomic():
                if data["who"] == "new":
                    candidate = services.candidate_create(
                        name=data["name"],
                        email=data["email"],
                        level=data["target_level"],
                        notes=data["notes"],
                        created_by=self.user,
                        allow_duplicate_email=data["allow_duplicate"],
                    )
                    services.loop_open(candidate=candidate, hiring_manager=self.user)
                else:
                    candidate = data["candidate"]
                    if self.reusing and not candidate.loops.filter(status=LoopStatus.OPEN).exists():
                        # Instead of adding them again: their loop opens as a new one's would.
                        services.loop_open(candidate=candidate, hiring_manager=self.user)
                stage = services.stage_for_new_interview(candidate=candidate, interviewer=self.user)
                return services.interview_create(
                    interviewer=self.user,
                    candidate=candidate,
                    level=data["level"] or candidate.level,
                    planned_minutes=data["planned_minutes"],
                    title=data["title"],
                    kit=data["kit"],
                    stage=stage,
                    scheduled_at=data["scheduled_at"],
                    duration_minutes=data["duration_minutes"],
                )
        except ValidationError as error:
            add_service_errors(self, error)
            raise


class AddQuestionForm(forms.Form):
    question = forms.IntegerField(min_value=1)
    confirm_repeat = forms.BooleanField(required=False)

    def clean_question(self):
        pk = self.cleaned_data["question"]
        question = Question.objects.filter(pk=pk).first()
        if question is None:
            raise ValidationError(f"There is no question with id {pk} in the bank.")
        return question


class ItemForm(forms.Form):
    """One item of the interview (or kit), and for a move the direction."""

    item = forms.IntegerField(min_value=1)
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")], required=False)

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data.get("direction") == "up" else 1


class AutoComposeForm(forms.Form):
    """Topics to cover (each with an optional weight), a seed, and consent to replace."""

    topics = forms.MultipleChoiceField(
        label="Topics to cover",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one topic."},
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        max_value=SEED_MAX,
        help_text="The same topics, plan and seed always give the same questions.",
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds of question to include",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=Kind.values,
        help_text="A 45-minute or longer Engineer or Scientist interview includes a coding or "
        "system-design question when one fits; leave both out to have none.",
    )
    replace = forms.BooleanField(label="Replace the current questions", required=False)

    def __init__(
        self,
        *args,
        topics,
        default_slugs,
        seed,
        item_count: int,
        mixes_technical: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("auto_id", "ac-%s")
        super().__init__(*args, **kwargs)
        self.topic_list = list(topics)
        self.item_count = item_count
        self.mixes_technical = mixes_technical
        topics_field = self.fields["topics"]
        assert isinstance(topics_field, forms.MultipleChoiceField)
        topics_field.choices = [(t.slug, t.name) for t in self.topic_list]
        topics_field.initial = list(default_slugs)
        self.fields["seed"].initial = seed
        for topic in self.topic_list:
            self.fields[self.weight_name(topic.slug)] = forms.FloatField(
                label=f"Weight of {topic.name}",
                required=False,
                min_value=0,
                max_value=WEIGHT_MAX,
                widget=forms.NumberInput(
                    attrs={
                        "step": "any",
                        "min": 0,
                        "max": WEIGHT_MAX,
                        "placeholder": "1",
                        "inputmode": "decimal",
                    }
                ),
            )

    @staticmethod
    def weight_name(slug: str) -> str:
        return f"weight-{slug}"

    def rows(self):
        """(topic, checked, weight bound field) per topic, for the table of topics."""
        chosen = set(self["topics"].value() or [])
        return [(t, t.slug in chosen, self[self.weight_name(t.slug)]) for t in self.topic_list]

    def clean_kinds(self):
        """The kinds ticked. A post without the kinds at all (no ``kinds_shown``: an older
        page, a script) means every kind; the form with none ticked is an error."""
        kinds = self.cleaned_data["kinds"]
        if not kinds:
            if self.data.get("kinds_shown"):
                raise ValidationError("Choose at least one kind of question to include.")
            return list(Kind.values)
        return kinds

    def clean(self):
        data = super().clean()
        if self.item_count and not data.get("replace"):
            self.add_error(
                "replace",
                f"This interview already has {self.item_count} question"
                f"{'' if self.item_count == 1 else 's'}: tick “Replace the current questions” "
                "to replace them.",
            )
        return data

    @property
    def topic_slugs(self) -> list[str]:
        return list(self.cleaned_data["topics"])

    @property
    def weights(self) -> dict[str, float] | None:
        """Weights given for the chosen topics (others default to 1); None when none given."""
        weights = {}
        for slug in self.topic_slugs:
            value = self.cleaned_data.get(self.weight_name(slug))
            if value is not None:
                weights[slug] = value
        if not weights:
            return None
        return {slug: weights.get(slug, 1.0) for slug in self.topic_slugs}


class SaveKitForm(forms.Form):
    name = forms.CharField(label="Kit name", max_length=limits.NAME)
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=limits.KIT_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    shared = forms.BooleanField(
        label="Share with everyone",
        required=False,
        help_text="Every interviewer can see a shared kit and start interviews from it.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "kit-%s")
        super().__init__(*args, **kwargs)


class KitForm(forms.ModelForm):
    """The owner's edit of a kit's name, description and sharing."""

    class Meta:
        model = Kit
        fields = ["name", "description", "shared"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"shared": "Share with everyone"}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter a name.")
        clash = Kit.objects.filter(owner=self.instance.owner_id, name=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise ValidationError("You already have a kit with this name.")
        return name


class KitDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, delete this kit",
        error_messages={"required": "Tick “Yes, delete this kit” to delete it."},
    )


class KitFilterForm(forms.Form):
    q = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "id": "kits-q",
                "placeholder": "Search kit names",
            }
        ),
    )
    level = forms.ModelChoiceField(
        Level.objects.all(),
        required=False,
        empty_label="Any level",
        to_field_name="slug",
        widget=forms.Select(attrs={"id": "kits-level"}),
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        if q := self.cleaned_data["q"].strip():
            queryset = queryset.filter(name__icontains=q)
        if level := self.cleaned_data["level"]:
            queryset = queryset.filter(level=level)
        return queryset
