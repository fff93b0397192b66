"""Set up the provider's data: `python -m tests.oidc_provider.bootstrap SPEC_JSON` after migrate.

SPEC: {"client": {...}, "users": [{"username", "password", "email", "groups": [...]}]}
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

spec = json.loads(sys.argv[1])
for person in spec["users"]:
    user = User.objects.create_user(
        person["username"], email=person["email"], password=person["password"]
    )
    for name in person.get("groups", []):
        user.groups.add(Group.objects.get_or_create(name=name)[0])
client = spec["client"]
Application.objects.create(
    name="Interview Kit",
    client_id=client["id"],
    client_secret=client["secret"],
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=client["redirect_uri"],
    post_logout_redirect_uris=client["post_logout_redirect_uri"],
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,
)
