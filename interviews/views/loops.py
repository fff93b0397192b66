"""Interview loops: a hiring manager opens one for a candidate, adds stages (each with an
assigned interviewer, focus topics, planned minutes, a date), reassigns them and closes the
loop; the assigned interviewer starts composing their stage or hands it back."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interviews import coscoring, services
from interviews.forms.coscore import DecisionForm
from interviews.forms.errors import error_text
from interviews.forms.loops import LoopNewForm, ReassignForm, StageForm, interviewers
from interviews.models import Loop, LoopStage
from people.rules import require


def _see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def _loop_page(request, loop_pk: int, *, status: int = 200, **extra):
    loop = get_object_or_404(Loop.objects.for_page(), pk=loop_pk)
    if not request.user.has_perm("interviews.read_loop", loop):
        raise PermissionDenied
    context = {
        "loop": loop,
        "stages": list(loop.stages.all()),
        "manages": request.user.has_perm("interviews.manage_loop", loop),
        "nav": "loops",
        **extra,
    }
    if context["manages"] and loop.is_open:
        context.setdefault("stage_form", StageForm())
        context["interviewer_choices"] = list(interviewers())
    return render(request, "interviews/loop.html", context, status=status)


@require_GET
@require("interviews.open_loop")
def loop_list(request):
    loops = list(Loop.objects.for_list()[:200])
    return render(request, "interviews/loop_list.html", {"loops": loops, "nav": "loops"})


@require_http_methods(["GET", "POST"])
@require("interviews.open_loop")
def loop_new(request):
    if request.method == "GET":
        initial = {}
        if (pk := request.GET.get("candidate", "")).isdigit():
            initial = {"who": "existing", "candidate": pk}
        form = LoopNewForm(initial=initial)
        return render(request, "interviews/loop_new.html", {"form": form, "nav": "loops"})
    form = LoopNewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                candidate = data["candidate"]
                if data["who"] == "new":
                    candidate = services.candidate_create(
                        name=data["name"],
                        email=data["email"],
                        level=data["level"],
                        created_by=request.user,
                    )
                loop = services.loop_open(candidate=candidate, hiring_manager=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Loop opened for {candidate.name}: now add its stages.")
            return _see_other(loop.get_absolute_url())
    return render(request, "interviews/loop_new.html", {"form": form, "nav": "loops"}, status=422)


@require_GET
def loop(request, pk: int):
    return _loop_page(request, pk)


def _managed_loop(request, pk: int) -> Loop:
    loop = get_object_or_404(Loop.objects.select_related("candidate"), pk=pk)
    if not request.user.has_perm("interviews.manage_loop", loop):
        raise PermissionDenied
    return loop


@require_POST
def stage_add(request, pk: int):
    loop = _managed_loop(request, pk)
    form = StageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            stage = services.stage_add(
                loop=loop,
                name=data["name"],
                interviewer=data["interviewer"],
                focus_topics=data["focus_topics"],
                planned_minutes=data["planned_minutes"],
                scheduled_at=data["scheduled_at"],
                actor=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, f"Added “{stage.name}”, assigned to {data['interviewer'].get_username()}."
            )
            return _see_other(loop.get_absolute_url())
    return _loop_page(request, loop.pk, status=422, stage_form=form)


@require_POST
def loop_close(request, pk: int):
    loop = _managed_loop(request, pk)
    try:
        services.loop_close(loop=loop, actor=request.user)
    except ValidationError as error:
        return _loop_page(request, loop.pk, status=422, error=error_text(error))
    messages.success(request, f"Loop of {loop.candidate.name} closed.")
    return _see_other(loop.get_absolute_url())


def _stage(pk: int) -> LoopStage:
    return get_object_or_404(LoopStage.objects.with_loop(), pk=pk)


@require_POST
def stage_reassign(request, pk: int):
    stage = _stage(pk)
    if not request.user.has_perm("interviews.manage_loop", stage.loop):
        raise PermissionDenied
    form = ReassignForm(request.POST, stage_pk=stage.pk)
    if not form.is_valid():
        return _loop_page(
            request, stage.loop_id, status=422, error="Choose someone with the interviewer role."
        )
    try:
        services.stage_reassign(
            stage=stage, interviewer=form.cleaned_data["interviewer"], actor=request.user
        )
    except ValidationError as error:
        return _loop_page(request, stage.loop_id, status=422, error=error_text(error))
    messages.success(
        request,
        f"“{stage.name}” is now assigned to {form.cleaned_data['interviewer'].get_username()}.",
    )
    return _see_other(stage.loop.get_absolute_url())


@require_POST
def stage_hand_back(request, pk: int):
    stage = _stage(pk)
    if not request.user.has_perm("interviews.hand_back_stage", stage):
        raise PermissionDenied
    try:
        services.stage_hand_back(stage=stage, actor=request.user)
    except ValidationError as error:
        return _loop_page(request, stage.loop_id, status=422, error=error_text(error))
    messages.success(request, f"You handed back “{stage.name}”; the hiring manager reassigns it.")
    return _see_other(reverse("interviews:dashboard"))


@require_POST
def stage_interview(request, pk: int):
    """The assigned interviewer starts composing the stage: its draft, composed from its
    focus topics (or the existing draft, if there is one)."""
    stage = _stage(pk)
    if not request.user.has_perm("interviews.start_stage", stage):
        raise PermissionDenied
    interview = stage.interview
    if interview is None:
        try:
            interview = services.stage_create_interview(stage=stage, interviewer=request.user)
        except ValidationError as error:
            return _loop_page(request, stage.loop_id, status=422, error=error_text(error))
    if not interview.is_draft:
        return _see_other(interview.get_absolute_url())
    url = reverse("interviews:compose", args=[interview.pk])
    return _see_other(f"{url}?{urlencode({'level': interview.level.slug})}")


@require_http_methods(["GET", "POST"])
@require("interviews.decide_loop")
def loop_decision(request, pk: int):
    """The hiring manager's decision on the loop (hire / no hire, a date, a note); it is on the
    debrief too, and posts here. A change of decision is recorded like the first."""
    loop = get_object_or_404(Loop.objects.for_decision(), pk=pk)
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                coscoring.loop_decide(loop=loop, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Decision recorded.")
                return _see_other(f"{loop.candidate.get_absolute_url()}#decision")
        status = 422
    else:
        form = DecisionForm(loop=loop)
    context = {"loop": loop, "decision_form": form, "nav": "candidates"}
    return render(request, "interviews/loop_decision.html", context, status=status)
