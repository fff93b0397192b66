"""The REST API, version 1, mounted at /api/v1/ (config/urls.py).

Each resource family is a ninja Router in ``api/routes/``; ``ROUTERS`` lists them with their
prefix, so a new family (the interview measures, for instance) is one module and one line here.
"""

from importlib import import_module

from ninja import NinjaAPI

from . import problems
from .auth import TokenAuth

ROUTERS = [
    # (prefix, module in api/routes/ with a ``router``)
    ("/", "bank"),
    ("/", "hiring"),
    ("/measures/", "measures"),
]

DESCRIPTION = """\
Interview Kit's REST API. Every call sends an API token (`Authorization: Bearer <token>`),
created on the *API tokens* page of the app; it acts with its user's roles, under exactly the
same rules as the pages. Lists are pages in id order (`limit`, `offset`, `next_offset`);
`updated_since` gives what changed since a previous sync. Errors are problem details
(RFC 9457, `application/problem+json`). Each token may make a limited number of requests a
minute (429 with `Retry-After` past it)."""

api = NinjaAPI(
    title="Interview Kit API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,  # the docs page is ours (api/views.py): static files only, under the CSP
    openapi_url="/openapi.json",
)
problems.install(api)

for prefix, name in ROUTERS:
    api.add_router(prefix, import_module(f"api.routes.{name}").router)
