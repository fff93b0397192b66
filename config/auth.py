"""Logging in: login forms with a capped password, and the client address django-axes
throttles by."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

from config import limits


class CappedPasswordMixin:
    """A megabyte "password" is a form error, before any query or hashing."""

    max_password = limits.PASSWORD

    def clean(self):
        if len(self.data.get("password", "")) > self.max_password:
            raise forms.ValidationError(
                f"A password has at most {self.max_password} characters.", code="max_length"
            )
        return super().clean()


class LoginForm(CappedPasswordMixin, AuthenticationForm):
    pass


class AdminLoginForm(CappedPasswordMixin, AdminAuthenticationForm):
    pass


def client_ip(request) -> str | None:
    """The address to throttle logins by: the connection's, or behind the HTTPS proxy
    (BEHIND_HTTPS_PROXY), the last address the proxy appended to X-Forwarded-For."""
    if settings.BEHIND_PROXY:
        forwarded = request.headers.get("x-forwarded-for", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the login page's look, the wait, and how to
    get unlocked sooner; 429 Too Many Requests."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)
