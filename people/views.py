"""People, for admins: users with their roles, adding one, changing roles, deactivating."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import RolesForm, UserAddForm
from .roles import ROLE_GROUPS, Role
from .rules import require


def _see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def _users():
    return (
        get_user_model()
        .objects.prefetch_related(
            Prefetch("groups", queryset=Group.objects.filter(name__in=ROLE_GROUPS).order_by("name"))
        )
        .order_by("-is_active", "username")
    )


def _rows(users) -> list[dict]:
    labels = dict(Role.choices)
    rows = []
    for user in users:
        names = [g.name for g in user.groups.all()]
        rows.append(
            {
                "user": user,
                "roles": [labels[n] for n in Role.values if n in names],
                "form": RolesForm(initial={"roles": names}, prefix_id=f"roles-{user.pk}"),
            }
        )
    return rows


def _page(request, *, add_form=None, status=200, errors=None):
    context = {
        "rows": _rows(_users()),
        "add_form": add_form or UserAddForm(),
        "errors": errors or {},
        "nav": "people",
    }
    return render(request, "people/people.html", context, status=status)


def _send_set_password_mail(request, user) -> None:
    form = PasswordResetForm({"email": user.email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="registration/welcome_subject.txt",
            email_template_name="registration/welcome_email.txt",
        )


@require_http_methods(["GET", "POST"])
@require("people.manage_people")
def people(request):
    """The list, and (POST) a new user with their roles."""
    if request.method == "GET":
        return _page(request)
    form = UserAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=data["roles"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            _send_set_password_mail(request, user)
            messages.success(
                request,
                f"Added {user.get_username()}: an e-mail to {user.email} has a link to set "
                "their password.",
            )
            return _see_other(reverse("people:list"))
    return _page(request, add_form=form, status=422)


@require_POST
@require("people.manage_people")
def roles(request, pk: int):
    user = get_object_or_404(get_user_model(), pk=pk)
    form = RolesForm(request.POST, prefix_id=f"roles-{user.pk}")
    if form.is_valid():
        try:
            changed = services.user_set_roles(
                user=user, roles=form.cleaned_data["roles"], actor=request.user
            )
        except ValidationError as error:
            return _page(request, status=422, errors={user.pk: " ".join(error.messages)})
        if changed:
            messages.success(request, f"Roles of {user.get_username()} saved.")
        else:
            messages.info(request, f"The roles of {user.get_username()} were already these.")
        return _see_other(reverse("people:list"))
    return _page(request, status=422, errors={user.pk: "Choose roles from the list."})


@require_POST
@require("people.manage_people")
def deactivate(request, pk: int):
    user = get_object_or_404(get_user_model(), pk=pk)
    try:
        services.user_deactivate(user=user, actor=request.user)
    except ValidationError as error:
        return _page(request, status=422, errors={user.pk: " ".join(error.messages)})
    messages.success(request, f"Deactivated {user.get_username()}: they can no longer log in.")
    return _see_other(reverse("people:list"))
