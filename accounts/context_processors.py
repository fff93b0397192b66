from django.conf import settings


def sso(request):
    """Whether the login page offers single sign-on, and under which name."""
    return {"sso_enabled": settings.SSO_ENABLED, "sso_name": settings.SSO_PROVIDER_NAME}
