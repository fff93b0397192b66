"""Error pages that hold up when the database is down."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

RETRY_AFTER_SECONDS = 30


def server_error(request, template_name: str = "500.html"):
    """handler500: a database outage is a 503 "try again shortly" with Retry-After; anything
    else the styled 500 page. Both render without a request context, so without a query."""
    error = sys.exception()
    if isinstance(error, OperationalError | InterfaceError):
        body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template(template_name).render({}))
