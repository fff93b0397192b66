"""Problem details (RFC 9457) for every error the API answers: ``application/problem+json``
with ``type``, ``title``, ``status``, ``detail`` and, for bad input, ``errors`` (one entry per
field: where it is and what is wrong). Nothing in them names another user's objects."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid input",
    429: "Too many requests",
    500: "Server error",
}
SLUGS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    422: "invalid",
    429: "rate-limited",
    500: "server-error",
}


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


def problem(status: int, detail: str, *, errors: list[dict] | None = None, headers=None):
    body = {
        "type": TYPE_BASE + SLUGS.get(status, "error"),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _location(loc) -> str:
    """pydantic's ("body", "payload", "text") -> "text"; ("query", "limit") -> "limit"."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "filters")]
    return ".".join(parts) or "(request)"


def validation_errors(exc: NinjaValidationError) -> list[dict]:
    return [{"field": _location(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]


def service_errors(exc: ValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "(request)" if name == "__all__" else name, "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "(request)", "message": m} for m in exc.messages]


def install(api) -> None:
    """Register the handlers on a NinjaAPI."""

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc):
        return problem(422, "The request is not valid: see errors.", errors=validation_errors(exc))

    @api.exception_handler(ValidationError)
    def refused(request, exc):
        return problem(422, "The request was refused: see errors.", errors=service_errors(exc))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return problem(
            401,
            "Send a valid, unexpired API token: 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(403, "Your roles do not allow this.")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(404, "No such resource, or not one you may read.")

    @api.exception_handler(RateLimited)
    def rate_limited(request, exc):
        return problem(
            429,
            f"This token made too many requests; try again in {exc.retry_after} seconds.",
            headers={"Retry-After": str(exc.retry_after)},
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return problem(exc.status_code, str(exc))
