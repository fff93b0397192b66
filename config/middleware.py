"""Project-wide request guards: NUL bytes in input, and the session's idle and day limits."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest

from api.problems import problem

NUL = "\x00"
SESSION_STARTED = "_session_started"
SESSION_SEEN = "_session_seen"
# Recording the last request costs a session write: do it at most once a minute.
SEEN_RESOLUTION = 60


def _has_nul(query_dict) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in query_dict.lists())


class RejectNulMiddleware:
    """A NUL byte can be stored by no text column (PostgreSQL refuses it with an error) and is
    typed by no one: a request carrying one in its path, query string or form fields gets a
    400, before any view or query runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            NUL in request.path
            or _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
        ):
            if request.path.startswith("/api/"):
                return problem(400, "The request contains a NUL character, which no field accepts.")
            return HttpResponseBadRequest(
                "The request contains a NUL character (\\x00), which no field accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def stamp_login(sender, request, user, **kwargs):
    """user_logged_in: the session's day starts now (connected in interviews.apps)."""
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now


class SessionTimeoutMiddleware:
    """Log out a session idle for SESSION_IDLE_TIMEOUT seconds, or older than
    SESSION_COOKIE_AGE (a working day) counted from the login, whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get(SESSION_STARTED)
            seen = session.get(SESSION_SEEN, now)
            if started is None:
                stamp_login(None, request, user)
            elif (
                now - seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
            elif now - seen >= SEEN_RESOLUTION:
                session[SESSION_SEEN] = now
        return self.get_response(request)
