"""Composing a draft interview (by hand or automatically), and kits.

The composer is one page, ``compose.html``, with inline fragments named after the element
they replace: ``bank`` (search results), ``interview`` (the ordered questions and totals),
``autocompose`` and ``save-kit`` (their forms). Every write is a POST that answers htmx with
the fragment (plus the ``interviewChanged`` event the bank listens to) and anything else with
a 303 back to the composer, keeping the bank's query string (the ``next`` field).
"""

import copy
from collections import Counter
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Value
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import (
    HttpResponseClientRedirect,
    reswap,
    retarget,
    trigger_client_event,
)

from interviews import charts, services
from interviews.autocompose import technical_wanted
from interviews.forms.compose import (
    AddQuestionForm,
    AutoComposeForm,
    InterviewNewForm,
    ItemForm,
    KitDeleteForm,
    KitFilterForm,
    KitForm,
    SaveKitForm,
    add_service_errors,
)
from interviews.models import (
    Candidate,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Kit,
    KitQuestion,
    LoopStage,
)
from people.rules import require, runnable_or_404
from questionbank.counts import topic_counts
from questionbank.models import Kind, Question, Topic
from questionbank.views import bank_page

BANK_FILTERS = ("q", "level", "topic", "difficulty", "kind")
BEHAVIORAL = "behavio"  # behavioral, behavioural: as auto-compose reads topic slugs
CHANGED = "interviewChanged"
# The bank panel's two ways of listing questions, the default first; the choice is kept in
# the session under BANK_VIEW_KEY.
BANK_VIEWS = ("compact", "detailed")
BANK_VIEW_KEY = "compose_bank_view"


# Helpers ------------------------------------------------------------------------------------


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _composer_url(interview: Interview) -> str:
    """The composer with the bank filtered to the interview's level: the starting state."""
    return (
        reverse("interviews:compose", args=[interview.pk])
        + "?"
        + urlencode({"level": interview.level.slug})
    )


def _next_url(request, interview: Interview) -> str:
    """Where a composer write returns: the posted ``next`` if it is this composer, else its
    default state."""
    default = reverse("interviews:compose", args=[interview.pk])
    wanted = request.POST.get("next", "")
    if (
        wanted
        and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and urlsplit(wanted).path == default
    ):
        return wanted
    return _composer_url(interview)


def _short(text: str, chars: int = 60) -> str:
    return Truncator(" ".join(text.split())).chars(chars)


def _first_error(form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Something in the request is not valid."


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _summary(items: list[InterviewQuestion], planned_minutes: int) -> dict:
    """Live totals of a composition: count, minutes, ramp, topic coverage, kinds."""
    minutes = sum(item.estimated_minutes for item in items)
    difficulties = [item.difficulty for item in items]
    topic_minutes: dict[str, int] = {}
    topic_counts: Counter = Counter()
    for item in items:
        for _slug, name in item.topics or [["", "No topic"]]:
            topic_minutes[name] = topic_minutes.get(name, 0) + item.estimated_minutes
            topic_counts[name] += 1
    topics = sorted(topic_minutes.items(), key=lambda row: (-row[1], row[0]))
    kind_counts = Counter(item.kind for item in items)
    kinds = [(label, kind_counts[value]) for value, label in Kind.choices if kind_counts[value]]
    return {
        "count": len(items),
        "minutes": minutes,
        "planned": planned_minutes,
        "over": max(minutes - planned_minutes, 0),
        "left": max(planned_minutes - minutes, 0),
        "ramp": charts.difficulty_ramp(difficulties),
        "ramp_shape": charts.ramp_shape(difficulties),
        "topics": charts.horizontal_bars(topics, width=280),
        "topic_rows": [(name, topic_counts[name], value) for name, value in topics],
        "kinds": kinds,
        "has_behavioral": bool(kind_counts[Kind.BEHAVIORAL]),
    }


def _interview_context(interview: Interview, asked: set[int]) -> dict:
    items = list(interview.items.all())
    return {
        "interview": interview,
        "items": items,
        "in_interview": {item.question_id for item in items},
        "asked": asked,
        "summary": _summary(items, interview.planned_minutes),
    }


def _bank_context(request, interview: Interview, asked: set[int]) -> dict:
    show_asked = request.GET.get("show_asked") == "1"
    queryset = Question.objects.for_bank()
    if asked and not show_asked:
        queryset = queryset.exclude(pk__in=asked)
    form, page, query = bank_page(request, queryset, prefix_id="bank")
    compose_url = reverse("interviews:compose", args=[interview.pk])
    page_query = request.GET.urlencode()
    view_urls = {}
    for name in BANK_VIEWS:
        params = request.GET.copy()
        params["view"] = name
        view_urls[name] = f"{compose_url}?{params.urlencode()}"
    return {
        "form": form,
        "page": page,
        "query": query,
        "show_asked": show_asked,
        "compose_url": compose_url,
        "bank_url": f"{compose_url}?{page_query}" if page_query else compose_url,
        "compact": _bank_view(request) == "compact",
        "view_urls": view_urls,
    }


def _bank_view(request) -> str:
    """How the bank panel lists questions: ``?view=`` when given (and remembered in the
    session for next time), else the remembered choice, else the compact list."""
    wanted = request.GET.get("view")
    if wanted in BANK_VIEWS:
        if request.session.get(BANK_VIEW_KEY) != wanted:
            request.session[BANK_VIEW_KEY] = wanted
        return wanted
    remembered = request.session.get(BANK_VIEW_KEY)
    return remembered if remembered in BANK_VIEWS else BANK_VIEWS[0]


def _topics_with_defaults(level, interview=None):
    """All topics, each with its number of active questions at this level (those without any
    last), marked whether it is a default for auto-compose at this level (the level's topics,
    those with active questions, plus behavioral) and whether it is a focus topic of the
    interview's loop stage. The counts are cached (questionbank/counts.py)."""
    counts = topic_counts(level)
    in_focus = LoopStage.focus_topics.through.objects.filter(
        topic=OuterRef("pk"), loopstage__interview=interview
    )
    topics = list(
        Topic.objects.annotate(
            is_focus=Exists(in_focus) if interview is not None else Value(False)
        ).order_by("position", "name")
    )
    for topic in topics:
        topic.question_count = counts.get(topic.pk, 0)
        topic.is_default = topic.question_count > 0 or BEHAVIORAL in topic.slug.casefold()
    # The level's topics first; those without a question there last, still choosable.
    return sorted(topics, key=lambda topic: topic.question_count == 0)


def _autocompose_form(interview: Interview, item_count: int, data=None, initial=None):
    """Topics default to the loop stage's focus topics, else the level's (plus behavioral)."""
    topics = _topics_with_defaults(interview.level, interview)
    focus = [t.slug for t in topics if t.is_focus]
    return AutoComposeForm(
        data,
        initial=initial,
        topics=topics,
        default_slugs=focus or [t.slug for t in topics if t.is_default],
        seed=interview.pk,
        item_count=item_count,
        mixes_technical=technical_wanted(
            level=interview.level.slug, planned_minutes=interview.planned_minutes
        ),
    )


def _with_get(request, params: QueryDict):
    """The request as if its query string were ``params`` (to rebuild the bank after a POST)."""
    shadow = copy.copy(request)
    shadow.GET = params
    return shadow


def _params_of(url: str) -> QueryDict:
    return QueryDict(urlsplit(url).query)


def _compose_page(
    request, interview: Interview, *, next_url: str | None = None, status: int = 200, **extra
):
    """The whole composer page; after a POST, its bank is the one ``next_url`` names."""
    interview = Interview.objects.with_items().get(pk=interview.pk)
    asked = services.asked_question_ids(interview.candidate, exclude=interview)
    bank_request = request if next_url is None else _with_get(request, _params_of(next_url))
    context = {
        **_interview_context(interview, asked),
        **_bank_context(bank_request, interview, asked),
        "next_url": next_url or request.get_full_path(),
        "nav": "compose",
        **extra,
    }
    context.setdefault(
        "autocompose_form", _autocompose_form(interview, item_count=len(context["items"]))
    )
    context.setdefault("kit_form", SaveKitForm())
    return render(request, "interviews/compose.html", context, status=status)


def _interview_fragment(
    request, interview: Interview, next_url: str, *, status=200, partial="interview", **extra
):
    interview = Interview.objects.with_items().get(pk=interview.pk)
    asked = services.asked_question_ids(interview.candidate, exclude=interview)
    context = {**_interview_context(interview, asked), "next_url": next_url, **extra}
    return render(request, f"interviews/compose.html#{partial}", context, status=status)


def _written(request, interview: Interview, next_url: str, announce: str):
    """A composer write succeeded: the new list (htmx) or back to the composer."""
    if not request.htmx:
        return _see_other(next_url)
    response = _interview_fragment(
        request, interview, next_url, partial="write-response", announce=announce
    )
    return trigger_client_event(response, CHANGED)


def _failed(request, interview: Interview, next_url: str, error: str):
    """A composer write was refused: nothing changed; say why."""
    if not request.htmx:
        if not interview.is_draft:
            messages.error(request, error)
            return _see_other(interview.get_absolute_url())
        return _compose_page(request, interview, next_url=next_url, status=422, error=error)
    return _interview_fragment(request, interview, next_url, status=422, error=error)


def _owned(request, pk: int) -> Interview:
    return runnable_or_404(request.user, Interview.objects.select_related("candidate", "level"), pk)


def _not_draft_error(interview: Interview) -> str:
    return (
        f"This interview is {interview.get_status_display().lower()}: "
        "its questions can no longer be composed."
    )


# New interview ------------------------------------------------------------------------------


def _new_initial(request) -> dict:
    """Preselection from ?candidate=<pk> and ?kit=<pk> (ignored when not found)."""
    initial = {}
    candidate_pk = request.GET.get("candidate", "")
    if candidate_pk.isdigit():
        candidate = Candidate.objects.filter(pk=candidate_pk).first()
        if candidate is not None:
            initial.update(who="existing", candidate=candidate.pk)
    kit_pk = request.GET.get("kit", "")
    if kit_pk.isdigit():
        kit = Kit.objects.visible_to(request.user).select_related("level").filter(pk=kit_pk)
        kit = kit.first()
        if kit is not None:
            minutes = sum(kit.items.values_list("question__estimated_minutes", flat=True))
            initial.update(
                kit=kit.pk, level=kit.level.pk, planned_minutes=min(max(minutes, 45), 480)
            )
    return initial


@require_http_methods(["GET", "POST"])
@login_required
@require("interviews.compose")
@vary_on_headers("HX-Request")
def interview_new(request):
    status = 200
    if request.method == "POST":
        form = InterviewNewForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                interview = form.save()
            except ValidationError:
                pass  # the form carries the message
            else:
                url = _composer_url(interview)
                if request.htmx:
                    return HttpResponseClientRedirect(url)
                return _see_other(url)
        status = 422
    else:
        form = InterviewNewForm(initial=_new_initial(request), user=request.user)
    template = "interviews/interview_new.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#new-form"
    return render(request, template, {"form": form, "nav": "interviews"}, status=status)


# The composer -------------------------------------------------------------------------------


@require_GET
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@vary_on_headers("HX-Request", "HX-Target")
def compose(request, pk: int):
    interview = runnable_or_404(request.user, Interview.objects.with_items(), pk)
    if not interview.is_draft:
        if request.htmx:
            return HttpResponseClientRedirect(interview.get_absolute_url())
        return redirect(interview.get_absolute_url())
    fragment = None
    if request.htmx and not request.htmx.history_restore_request:
        target = request.htmx.target
        fragment = target if target in ("interview", "autocompose") else "bank"
    if not any(name in request.GET for name in BANK_FILTERS):
        # No filter chosen yet: the bank starts at the interview's level, at the URL the links
        # use (a redirect to add ?level= cost every visit a round trip).
        query = request.GET.copy()
        query["level"] = interview.level.slug
        request = _with_get(request, query)
    if fragment == "autocompose":  # the closed tool, opened
        context = {
            "interview": interview,
            "autocompose_form": _autocompose_form(interview, item_count=interview.items.count()),
            "next_url": request.get_full_path(),
        }
        return render(request, "interviews/compose.html#autocompose", context)
    asked = services.asked_question_ids(interview.candidate, exclude=interview)
    if fragment == "interview":
        context = {**_interview_context(interview, asked), "next_url": _next_from_get(request)}
        return render(request, "interviews/compose.html#interview", context)

    context = {
        **_interview_context(interview, asked),
        **_bank_context(request, interview, asked),
        "next_url": request.get_full_path(),
    }
    if fragment == "bank":  # the bank panel's results, whatever element of it asked
        return render(request, "interviews/compose.html#bank-response", context)
    # Auto-compose's form (a row for every topic, with the level's counts) is drawn when the
    # tool shows open: an empty interview, or asked for (?tool=autocompose, the link that
    # opens it without JavaScript). Closed, it loads when opened (details on demand).
    if not context["items"] or request.GET.get("tool") == "autocompose":
        context["autocompose_form"] = _autocompose_form(interview, item_count=len(context["items"]))
        context["autocompose_open"] = True
    else:
        params = request.GET.copy()
        params["tool"] = "autocompose"
        context["autocompose_url"] = f"{request.path}?{params.urlencode()}"
    context["kit_form"] = SaveKitForm()
    context["nav"] = "compose"
    return render(request, "interviews/compose.html", context)


def _next_from_get(request) -> str:
    """The interview panel asked for alone keeps the composer's query string (?next=...)."""
    wanted = request.GET.get("next", "")
    if (
        wanted
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
        and urlsplit(wanted).path == request.path
    ):
        return wanted
    return request.path


def _asked_before(interview: Interview, question: Question):
    return (
        InterviewQuestion.objects.filter(
            question=question,
            interview__candidate=interview.candidate,
            interview__status__in=[InterviewStatus.LIVE, InterviewStatus.SUBMITTED],
        )
        .exclude(interview=interview)
        .select_related("interview__interviewer")
        .order_by("interview__started_at", "pk")
    )


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
def add_question(request, pk: int):
    interview = _owned(request, pk)
    next_url = _next_url(request, interview)
    if not interview.is_draft:
        return _failed(request, interview, next_url, _not_draft_error(interview))
    form = AddQuestionForm(request.POST)
    if not form.is_valid():
        return _failed(request, interview, next_url, _first_error(form))
    question = form.cleaned_data["question"]
    try:
        services.interview_add_question(
            interview=interview,
            question=question,
            confirm_repeat=form.cleaned_data["confirm_repeat"],
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "repeat":
            return _confirm_repeat(request, interview, question, next_url)
        return _failed(request, interview, next_url, _message(error))
    return _written(request, interview, next_url, f"Added “{_short(question.text)}”.")


def _confirm_repeat(request, interview: Interview, question: Question, next_url: str):
    """Ask before adding a question the candidate was already asked (nothing written yet)."""
    confirm = {"question": question, "before": list(_asked_before(interview, question))}
    if not request.htmx:
        return _compose_page(request, interview, next_url=next_url, confirm=confirm)
    response = render(
        request,
        "interviews/compose.html#confirm-repeat",
        {"interview": interview, "confirm": confirm, "next_url": next_url, "inline": True},
    )
    retarget(response, f"#bank-q-{question.pk}")
    return reswap(response, "innerHTML")


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
def remove_question(request, pk: int):
    interview = _owned(request, pk)
    next_url = _next_url(request, interview)
    if not interview.is_draft:
        return _failed(request, interview, next_url, _not_draft_error(interview))
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _failed(request, interview, next_url, _first_error(form))
    item = interview.items.filter(pk=form.cleaned_data["item"]).first()
    try:
        if item is None:
            raise ValidationError("That question is not in this interview.")
        services.interview_remove_question(interview=interview, item_id=item.pk)
    except ValidationError as error:
        return _failed(request, interview, next_url, _message(error))
    return _written(request, interview, next_url, f"Removed “{_short(item.text)}”.")


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
def move_question(request, pk: int):
    interview = _owned(request, pk)
    next_url = _next_url(request, interview)
    if not interview.is_draft:
        return _failed(request, interview, next_url, _not_draft_error(interview))
    form = ItemForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["direction"]:
        error = _first_error(form) if form.errors else "Say whether to move it up or down."
        return _failed(request, interview, next_url, error)
    item_id = form.cleaned_data["item"]
    try:
        services.interview_move(interview=interview, item_id=item_id, offset=form.offset)
    except ValidationError as error:
        return _failed(request, interview, next_url, _message(error))
    item = interview.items.get(pk=item_id)
    total = interview.items.count()
    return _written(
        request,
        interview,
        next_url,
        f"Moved “{_short(item.text)}” to position {item.position} of {total}.",
    )


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
def reorder(request, pk: int):
    interview = _owned(request, pk)
    next_url = _next_url(request, interview)
    if not interview.is_draft:
        return _failed(request, interview, next_url, _not_draft_error(interview))
    try:
        services.interview_reorder(interview=interview, item_ids=request.POST.getlist("item"))
    except ValidationError as error:
        return _failed(request, interview, next_url, _message(error))
    return _written(request, interview, next_url, "New order saved.")


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
def autocompose(request, pk: int):
    interview = _owned(request, pk)
    next_url = _next_url(request, interview)
    if not interview.is_draft:
        return _failed(request, interview, next_url, _not_draft_error(interview))
    form = _autocompose_form(interview, item_count=interview.items.count(), data=request.POST)
    if form.is_valid():
        from interviews.autocompose import autocompose_interview

        try:
            result = autocompose_interview(
                interview=interview,
                topic_slugs=form.topic_slugs,
                seed=form.cleaned_data["seed"],
                weights=form.weights,
                kinds=form.cleaned_data["kinds"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            for problem in result.problems:
                form.add_error(None, problem)
            if not result.problems:
                return _composed(request, interview, form, next_url, result)
    if not request.htmx:
        return _compose_page(
            request, interview, next_url=next_url, status=422, autocompose_form=form
        )
    context = {"interview": interview, "autocompose_form": form, "next_url": next_url}
    return render(request, "interviews/compose.html#autocompose", context, status=422)


def _composed(request, interview, form, next_url, result):
    count = len(result.picks)
    done = (
        f"Auto-compose chose {count} question{'' if count == 1 else 's'} "
        f"({result.total_minutes} of {interview.planned_minutes} planned minutes); "
        "each says why it was chosen."
    )
    if not request.htmx:
        messages.success(request, done)
        for note in result.notes:
            messages.info(request, note)
        return _see_other(next_url)
    fresh = _autocompose_form(
        interview,
        item_count=count,
        initial={
            "topics": form.topic_slugs,
            "seed": form.cleaned_data["seed"],
            "kinds": form.cleaned_data["kinds"],
            **{
                form.weight_name(slug): value
                for slug, value in (form.weights or {}).items()
                if value != 1.0
            },
        },
    )
    response = _interview_fragment(
        request,
        interview,
        next_url,
        partial="autocompose-response",
        autocompose_form=fresh,
        autocompose_done=done,
        autocompose_notes=result.notes,
        announce=done,
    )
    return trigger_client_event(response, CHANGED)


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
def save_kit(request, pk: int):
    interview = _owned(request, pk)
    next_url = _next_url(request, interview)
    if not interview.is_draft:
        return _failed(request, interview, next_url, _not_draft_error(interview))
    form = SaveKitForm(request.POST)
    kit = None
    if form.is_valid():
        try:
            kit = services.kit_save_from_interview(
                interview=interview,
                owner=request.user,
                name=form.cleaned_data["name"],
                shared=form.cleaned_data["shared"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    if kit is not None:
        if not request.htmx:
            messages.success(request, f"Saved as the kit “{kit.name}”.")
            return _see_other(next_url)
        response = render(
            request,
            "interviews/compose.html#save-kit",
            {
                "interview": interview,
                "kit_form": SaveKitForm(),
                "saved_kit": kit,
                "next_url": next_url,
            },
        )
        return trigger_client_event(response, "kitSaved", {"id": kit.pk})
    if not request.htmx:
        return _compose_page(request, interview, next_url=next_url, status=422, kit_form=form)
    context = {"interview": interview, "kit_form": form, "next_url": next_url}
    return render(request, "interviews/compose.html#save-kit", context, status=422)


# Kits ---------------------------------------------------------------------------------------


@require_GET
@login_required
@require("interviews.read_kits")
@vary_on_headers("HX-Request")
def kit_list(request):
    form = KitFilterForm(request.GET or None)
    kits = Kit.objects.visible_to(request.user).with_counts().order_by("name", "pk")
    if form.is_bound:
        kits = form.filter(kits)
    template = "interviews/kit_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#kits"
    return render(request, template, {"form": form, "kits": list(kits), "nav": "kits"})


def _kit_items(kit: Kit) -> list[KitQuestion]:
    return list(
        kit.items.select_related("question").prefetch_related(
            "question__levels", "question__topics"
        )
    )


def _kit_context(request, kit: Kit, **extra) -> dict:
    items = _kit_items(kit)
    return {
        "kit": kit,
        "items": items,
        "minutes": sum(item.question.estimated_minutes for item in items),
        "is_owner": kit.owner_id == request.user.pk,
        "nav": "kits",
        **extra,
    }


KIT_ACTIONS = {
    "update": "kit-settings",
    "move": "kit-questions",
    "remove": "kit-questions",
    "delete": "kit-delete",
}


@require_http_methods(["GET", "POST"])
@login_required
@require("interviews.read_kits")
@vary_on_headers("HX-Request")
def kit_detail(request, pk: int):
    if request.method == "POST":
        kit = get_object_or_404(
            Kit.objects.filter(owner=request.user).select_related("owner", "level"), pk=pk
        )
        return _kit_action(request, kit)
    kit = get_object_or_404(
        Kit.objects.visible_to(request.user).select_related("owner", "level"), pk=pk
    )
    context = _kit_context(
        request, kit, kit_form=KitForm(instance=kit), delete_form=KitDeleteForm()
    )
    template = "interviews/kit_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#kit-questions"
    return render(request, template, context)


def _kit_action(request, kit: Kit):
    """The owner's changes to a kit, all posted to the kit's page with an ``action``."""
    action = request.POST.get("action", "")
    fragment = KIT_ACTIONS.get(action, "kit-questions")
    kit_form, delete_form, error, announce = KitForm(instance=kit), KitDeleteForm(), "", ""
    if action == "update":
        kit_form = KitForm(request.POST, instance=kit)
        if kit_form.is_valid():
            kit = kit_form.save()
            announce = "Kit saved."
        else:
            error = "The kit was not saved: see the messages below."
    elif action == "delete":
        delete_form = KitDeleteForm(request.POST)
        if delete_form.is_valid():
            name = kit.name
            kit.delete()
            messages.success(request, f"Deleted the kit “{name}”.")
            url = reverse("interviews:kit_list")
            return HttpResponseClientRedirect(url) if request.htmx else _see_other(url)
        error = _first_error(delete_form)
    elif action in ("move", "remove"):
        error, announce = _kit_reorder(request, kit, action)
    else:
        error = "Unknown action: nothing was changed."
    if not error and not request.htmx:
        messages.success(request, announce)
        return _see_other(reverse("interviews:kit", args=[kit.pk]))
    context = _kit_context(
        request, kit, kit_form=kit_form, delete_form=delete_form, error=error, announce=announce
    )
    template = "interviews/kit_detail.html"
    if request.htmx:
        template += f"#{fragment}"
    return render(request, template, context, status=422 if error else 200)


def _kit_reorder(request, kit: Kit, action: str) -> tuple[str, str]:
    """Move (up/down) or remove one question of a kit, named by its bank question id
    (kit rows are rewritten on every change); returns (error, announcement)."""
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _first_error(form), ""
    question_ids = list(kit.items.order_by("position").values_list("question_id", flat=True))
    question_id = form.cleaned_data["item"]
    if question_id not in question_ids:
        return "That question is not in this kit.", ""
    i = question_ids.index(question_id)
    if action == "remove":
        question_ids.pop(i)
        announce = "Question removed from the kit."
    else:
        if not form.cleaned_data["direction"]:
            return "Say whether to move it up or down.", ""
        j = min(max(i + form.offset, 0), len(question_ids) - 1)
        question_ids.insert(j, question_ids.pop(i))
        announce = f"Moved to position {j + 1} of {len(question_ids)}."
    try:
        services.kit_set_questions(kit=kit, question_ids=question_ids)
    except ValidationError as error:
        return _message(error), ""
    kit.save(update_fields=["updated_at"])
    return "", announce
