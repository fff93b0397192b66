"""/api/v1/: the API (token-authenticated, so outside the login the pages need) and its docs;
/account/api-tokens/: the user's tokens (config/urls.py mounts both)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path

from . import views
from .api import api


def _without_login(patterns):
    """The API authenticates each request by its token: LoginRequiredMiddleware stays away."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _without_login(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns


api_patterns, _app, _namespace = api.urls
api_urls = (
    [
        path("docs", views.docs, name="docs"),
        *_without_login(api_patterns),
        path("<path:rest>", views.not_found),
    ],
    "api",
)

app_name = "tokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
