"""Composing a draft interview, by hand or automatically.

The page and its fragments are drawn in ``compose_page.py``. Every write here is a POST that
answers htmx with a fragment (plus the ``interviewChanged`` event the bank listens to) and
anything else with a 303 back to the composer, keeping the bank's query string (the ``next``
field). The writes share one path (``preconditions.composer_write``): the owned draft, the
return address, and a refusal's response; whether an interview may be composed is the
services' rule (``services.check_composable``).
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
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

from interviews import services
from interviews.autocompose_services import autocompose_interview
from interviews.forms.compose import AddQuestionForm, InterviewNewForm, ItemForm, SaveKitForm
from interviews.forms.errors import first_error
from interviews.models import Candidate, Interview, InterviewQuestion, InterviewStatus, Kit
from people.rules import require, runnable_or_404
from questionbank.models import Question

from .compose_page import (
    BANK_FILTERS,
    autocompose_form,
    bank_context,
    compose_page,
    composer_url,
    interview_context,
    interview_fragment,
    with_get,
)
from .preconditions import CHANGED, composer_write, see_other, written


def _short(text: str, chars: int = 60) -> str:
    return Truncator(" ".join(text.split())).chars(chars)


# New interview ------------------------------------------------------------------------------


def _new_initial(request) -> dict:
    """Preselection from ?candidate=<pk> and ?kit=<pk> (ignored when not found)."""
    initial: dict[str, object] = {}
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
                url = composer_url(interview)
                if request.htmx:
                    return HttpResponseClientRedirect(url)
                return see_other(url)
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
        request = with_get(request, query)
    if fragment == "autocompose":  # the closed tool, opened
        context = {
            "interview": interview,
            "autocompose_form": autocompose_form(interview, item_count=interview.items.count()),
            "next_url": request.get_full_path(),
        }
        return render(request, "interviews/compose.html#autocompose", context)
    asked = InterviewQuestion.objects.asked_question_ids(interview.candidate, exclude=interview)
    if fragment == "interview":
        context = {**interview_context(interview, asked), "next_url": _next_from_get(request)}
        return render(request, "interviews/compose.html#interview", context)

    context = {
        **interview_context(interview, asked),
        **bank_context(request, interview, asked),
        "next_url": request.get_full_path(),
    }
    if fragment == "bank":  # the bank panel's results, whatever element of it asked
        return render(request, "interviews/compose.html#bank-response", context)
    # Auto-compose's form (a row for every topic, with the level's counts) is drawn when the
    # tool shows open: an empty interview, or asked for (?tool=autocompose, the link that
    # opens it without JavaScript). Closed, it loads when opened (details on demand).
    if not context["items"] or request.GET.get("tool") == "autocompose":
        context["autocompose_form"] = autocompose_form(interview, item_count=len(context["items"]))
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


# Writes: each runs on the user's own draft (composer_write), raising to refuse ---------------


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@composer_write
def add_question(request, interview: Interview, next_url: str):
    form = AddQuestionForm(request.POST)
    if not form.is_valid():
        raise ValidationError(first_error(form))
    question = form.cleaned_data["question"]
    try:
        services.interview_add_question(
            interview=interview,
            question=question,
            confirm_repeat=form.cleaned_data["confirm_repeat"],
        )
    except ValidationError as error:
        if getattr(error, "code", None) != "repeat":
            raise
        return _confirm_repeat(request, interview, question, next_url)
    return written(request, interview, next_url, f"Added “{_short(question.text)}”.")


def _confirm_repeat(request, interview: Interview, question: Question, next_url: str):
    """Ask before adding a question the candidate was already asked (nothing written yet)."""
    confirm = {"question": question, "before": list(_asked_before(interview, question))}
    if not request.htmx:
        return compose_page(request, interview, next_url=next_url, confirm=confirm)
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
@composer_write
def remove_question(request, interview: Interview, next_url: str):
    form = ItemForm(request.POST)
    if not form.is_valid():
        raise ValidationError(first_error(form))
    item = interview.items.filter(pk=form.cleaned_data["item"]).first()
    if item is None:
        raise ValidationError("That question is not in this interview.")
    services.interview_remove_question(interview=interview, item_id=item.pk)
    return written(request, interview, next_url, f"Removed “{_short(item.text)}”.")


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@composer_write
def move_question(request, interview: Interview, next_url: str):
    form = ItemForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["direction"]:
        raise ValidationError(
            first_error(form) if form.errors else "Say whether to move it up or down."
        )
    item_id = form.cleaned_data["item"]
    services.interview_move(interview=interview, item_id=item_id, offset=form.offset)
    item = interview.items.get(pk=item_id)
    total = interview.items.count()
    return written(
        request,
        interview,
        next_url,
        f"Moved “{_short(item.text)}” to position {item.position} of {total}.",
    )


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@composer_write
def reorder(request, interview: Interview, next_url: str):
    services.interview_reorder(interview=interview, item_ids=request.POST.getlist("item"))
    return written(request, interview, next_url, "New order saved.")


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@composer_write
def autocompose(request, interview: Interview, next_url: str):
    """Auto-compose's form: its errors and problems show on it (its own fragment)."""
    form = autocompose_form(interview, item_count=interview.items.count(), data=request.POST)
    if form.is_valid():
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
        return compose_page(
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
        return see_other(next_url)
    fresh = autocompose_form(
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
    response = interview_fragment(
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
