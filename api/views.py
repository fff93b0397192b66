"""The API's pages: its interactive documentation, and each user's API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from people.rules import require

from . import services
from .forms import TokenForm
from .models import ApiToken
from .problems import problem


@require_GET
@login_not_required
def docs(request):
    """Swagger UI over /api/v1/openapi.json, from static files only (the CSP holds: the
    initialiser is static/js/api-docs.js, reading the schema's address from the page)."""
    return render(request, "api/docs.html", {"schema_url": reverse("api:openapi-json")})


@csrf_exempt  # no session is used: a problem for every method, not the CSRF page
@login_not_required
def not_found(request, rest: str = ""):
    """Any other address under /api/v1/: a problem, not the pages' HTML 404."""
    return problem(404, "No such resource, or not one you may read.")


def _tokens_page(request, *, form=None, created=None, status=200):
    context = {
        "tokens": list(ApiToken.objects.of(request.user)),
        "form": form or TokenForm(),
        "created": created,
        "nav": "tokens",
    }
    return render(request, "api/tokens.html", context, status=status)


@require_http_methods(["GET", "POST"])
@require("people.has_role")
def tokens(request):
    """The user's API tokens; a new one is shown once, on the page that creates it."""
    if request.method == "GET":
        return _tokens_page(request)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            new = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            response = _tokens_page(request, created=new)
            response["Cache-Control"] = "no-store"
            return response
    return _tokens_page(request, form=form, status=422)


@require_POST
@require("people.has_role")
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.of(request.user), pk=pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return HttpResponseRedirect(reverse("tokens:list"), status=303)
