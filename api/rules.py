"""Asking people/rules.py from the API: the same named rules as the pages."""

from django.core.exceptions import PermissionDenied


def require(request, perm: str, obj=None) -> None:
    """403 (problem details) unless the token's user holds the rule."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
