"""Single sign-on with OpenID Connect (mozilla-django-oidc), on when ``OIDC_RP_CLIENT_ID`` is set.

Users are matched by e-mail, whatever its case; one is created on first login only when
``OIDC_CREATE_USER`` (env ``OIDC_CREATE_USERS``) allows it; with ``OIDC_GROUP_ROLES`` the app
groups it names follow the provider's group claim on every login.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

# App groups whose members get staff status (the admin) when the provider decides the groups.
STAFF_GROUPS = {"Curators", "Admins"}


class Backend(OIDCAuthenticationBackend):
    """Authenticates only. Who may do what is answered by the rules and
    people.backends.ModelPermissionBackend; this backend inherits ModelBackend's has_perm,
    which would grant the names the rules own from group permissions alone."""

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo endpoint's claims over the verified ID token's: providers put the group
        claim in one or the other."""
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims):
        """An e-mail is required, and must not be one the provider says is unverified."""
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def create_user(self, claims):
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                self._free_username(claims),
                email=claims["email"],
                first_name=(claims.get("given_name") or "")[:150],
                last_name=(claims.get("family_name") or "")[:150],
            )
            return self.update_user(user, claims)

    def update_user(self, user, claims):
        if not user.is_active:
            return None
        groups_follow_provider(user, claims.get(settings.OIDC_GROUPS_CLAIM))
        return user

    def _free_username(self, claims) -> str:
        User = get_user_model()
        base = (claims.get("preferred_username") or claims["email"])[:140]
        username, n = base, 1
        while User.objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{base}-{n}"
        return username


@transaction.atomic
def groups_follow_provider(user, provider_groups) -> None:
    """Set the mapped app groups from the provider's group claim; other groups stay as they are.

    Nothing changes without a mapping (``OIDC_GROUP_ROLES``). A mapped group missing from the
    database (e.g. "Admins") is created. Staff status follows the curators' and admins' groups.
    """
    mapping: dict[str, list[str]] = settings.OIDC_GROUP_ROLES
    if not mapping:
        return
    if isinstance(provider_groups, str):
        provider_groups = [provider_groups]
    provider_groups = set(provider_groups or [])
    managed = {name for names in mapping.values() for name in names}
    wanted = {name for idp, names in mapping.items() if idp in provider_groups for name in names}
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in managed}
    user.groups.remove(*(groups[name] for name in managed - wanted))
    user.groups.add(*(groups[name] for name in wanted))
    staff = user.is_superuser or bool(
        wanted & STAFF_GROUPS or user.groups.filter(name__in=STAFF_GROUPS - managed).exists()
    )
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def provider_logout_url(request) -> str | None:
    """The provider's end-session URL (RP-initiated logout) for a user who signed in with it."""
    endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
    id_token = request.session.get("oidc_id_token")
    if not (settings.SSO_ENABLED and endpoint and id_token):
        return None
    query = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(settings.SSO_LOGOUT_REDIRECT_URL),
    }
    return f"{endpoint}?{urlencode(query)}"
