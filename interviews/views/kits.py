"""Kits: saving a draft's questions as one, the list, a kit's page and its owner's changes.

The writes are services in ``interviews/kits.py``; the views read the forms, call them, and
answer htmx with the changed fragment and anything else with a 303 (or the page, 422, when
refused).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from interviews import kits
from interviews.forms.compose import ItemForm, KitDeleteForm, KitFilterForm, KitForm, SaveKitForm
from interviews.forms.errors import add_service_errors, error_text, first_error
from interviews.models import Interview, Kit, KitQuestion
from people.rules import require

from .compose_page import compose_page
from .preconditions import composer_write, see_other

NOT_SAVED = "The kit was not saved: see the messages below."
# The fragment each action of the kit's page answers htmx with.
KIT_ACTIONS = {
    "update": "kit-settings",
    "move": "kit-questions",
    "remove": "kit-questions",
    "delete": "kit-delete",
}


@require_POST
@login_required
@require("people.has_role")  # + can_run: runnable_or_404
@composer_write
def save_kit(request, interview: Interview, next_url: str):
    """The draft's questions as a new kit of the user's (the composer's "Save as a kit")."""
    form = SaveKitForm(request.POST)
    kit = None
    if form.is_valid():
        try:
            kit = kits.kit_save_from_interview(
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
            return see_other(next_url)
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
        return compose_page(request, interview, next_url=next_url, status=422, kit_form=form)
    context = {"interview": interview, "kit_form": form, "next_url": next_url}
    return render(request, "interviews/compose.html#save-kit", context, status=422)


@require_GET
@login_required
@require("interviews.read_kits")
@vary_on_headers("HX-Request")
def kit_list(request):
    form = KitFilterForm(request.GET or None)
    kit_rows = Kit.objects.visible_to(request.user).with_counts().order_by("name", "pk")
    if form.is_bound:
        kit_rows = form.filter(kit_rows)
    template = "interviews/kit_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#kits"
    return render(request, template, {"form": form, "kits": list(kit_rows), "nav": "kits"})


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
    kit_form, delete_form, error, announce = KitForm(instance=kit), KitDeleteForm(), "", ""
    try:
        if action == "update":
            kit_form = KitForm(request.POST, instance=kit)
            announce = _kit_update(kit_form, kit)
        elif action == "delete":
            delete_form = KitDeleteForm(request.POST)
            return _kit_delete(request, delete_form, kit)
        elif action in ("move", "remove"):
            announce = _kit_reorder(request, kit, action)
        else:
            raise ValidationError("Unknown action: nothing was changed.")
    except ValidationError as refusal:
        error = error_text(refusal)
    if not error and not request.htmx:
        messages.success(request, announce)
        return see_other(reverse("interviews:kit", args=[kit.pk]))
    context = _kit_context(
        request, kit, kit_form=kit_form, delete_form=delete_form, error=error, announce=announce
    )
    template = "interviews/kit_detail.html"
    if request.htmx:
        template += f"#{KIT_ACTIONS.get(action, 'kit-questions')}"
    return render(request, template, context, status=422 if error else 200)


def _kit_update(form: KitForm, kit: Kit) -> str:
    if form.is_valid():
        try:
            kits.kit_update(kit=kit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return "Kit saved."
    raise ValidationError(NOT_SAVED)


def _kit_delete(request, form: KitDeleteForm, kit: Kit):
    if not form.is_valid():
        raise ValidationError(first_error(form))
    name = kit.name
    kits.kit_delete(kit=kit)
    messages.success(request, f"Deleted the kit “{name}”.")
    url = reverse("interviews:kit_list")
    return HttpResponseClientRedirect(url) if request.htmx else see_other(url)


def _kit_reorder(request, kit: Kit, action: str) -> str:
    """Move (up/down) or remove one question of a kit, named by its bank question id;
    returns the announcement."""
    form = ItemForm(request.POST)
    if not form.is_valid():
        raise ValidationError(first_error(form))
    question_id = form.cleaned_data["item"]
    if action == "remove":
        kits.kit_remove_question(kit=kit, question_id=question_id)
        return "Question removed from the kit."
    if not form.cleaned_data["direction"]:
        raise ValidationError("Say whether to move it up or down.")
    position, total = kits.kit_move_question(kit=kit, question_id=question_id, offset=form.offset)
    return f"Moved to position {position} of {total}."
