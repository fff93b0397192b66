"""The roles: each is a group created by a migration. A user may hold several."""

from django.db import models


class Role(models.TextChoices):
    """Value: the group's name; label: what people call the role."""

    INTERVIEWER = "Interviewers", "Interviewer"
    HIRING_MANAGER = "Hiring managers", "Hiring manager"
    CURATOR = "Curators", "Curator"
    ADMIN = "Admins", "Admin"


ROLE_GROUPS = frozenset(Role.values)
# Roles that reach the Django admin (the bank for curators, everything for admins).
STAFF_ROLES = frozenset({Role.CURATOR, Role.ADMIN})

ROLE_HELP = {
    Role.INTERVIEWER: "composes and runs interviews for the loops that assign them",
    Role.HIRING_MANAGER: "opens loops, assigns interviewers, reads every scorecard",
    Role.CURATOR: "keeps the question bank in the admin",
    Role.ADMIN: "manages people and roles, reads the audit trail",
}


def group_names(user) -> set[str]:
    """The user's group names, read once per request (the cache django-rules uses too)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if not hasattr(user, "_group_names_cache"):
        user._group_names_cache = set(user.groups.values_list("name", flat=True))
    return user._group_names_cache
