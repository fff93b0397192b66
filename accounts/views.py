from functools import wraps

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.views.decorators.http import require_POST
from mozilla_django_oidc import views as oidc_views

from .sso import provider_logout_url


@login_not_required
@require_POST
def logout(request):
    """Log out here and, after single sign-on, at the provider too (RP-initiated logout).
    Open to anonymous requests, like Django's LogoutView: a second tab's logout, or one after
    the idle timeout, lands on the login page rather than on a login that returns here."""
    url = provider_logout_url(request)
    auth.logout(request)
    return redirect(url or resolve_url(settings.LOGOUT_REDIRECT_URL))


def sso_only(view):
    """The single sign-on URLs answer 404 while SSO is off."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.SSO_ENABLED:
            raise Http404("Single sign-on is not configured.")
        return view(request, *args, **kwargs)

    return wrapped


# Both are reached before any login (LoginRequiredMiddleware lets them through).
sso_start = login_not_required(sso_only(oidc_views.OIDCAuthenticationRequestView.as_view()))
sso_callback = login_not_required(sso_only(oidc_views.OIDCAuthenticationCallbackView.as_view()))
