"""Single sign-on against a real OpenID Connect provider on loopback (no mocked response).

The provider is a second Django process (django-oauth-toolkit, tests/oidc_provider/) with its own
SQLite file and an RS256 key made here; the app is pytest-django's live_server. A requests
session follows the authorization-code flow (with PKCE) like a browser: the app sends it to the
provider, it logs in there (consent skipped), and the provider sends it back with a code.
"""

import html
import json
import os
import re
import socket
import subprocess
import sys
import time
from io import StringIO

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse

from config.settings import parse_group_roles
from tests.factories import UserFactory

CLIENT_ID = "interview-kit"
CLIENT_SECRET = "interview-kit-client-secret-for-tests"
PASSWORD = "provider-password-1"
ROLES = "idp-hm:Hiring managers,idp-int:Interviewers,idp-cur:Curators,idp-admins:Admins"
PROVIDER_USERS = [
    {"username": "nora", "email": "nora@example.com", "groups": ["idp-hm", "idp-admins"]},
    {"username": "ivy.sso", "email": "ivy@example.com", "groups": ["idp-int", "idp-other"]},
    {"username": "zed", "email": "zed@example.com", "groups": []},
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The provider's base URL; the process is stopped after the module's tests."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": pem,
        "PYTHONPATH": str(django_settings.BASE_DIR),
    }
    run = {"cwd": django_settings.BASE_DIR, "env": env, "check": True, "timeout": 120}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], **run)
    spec = {
        "client": {
            "id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "redirect_uri": live_server.url + "/oidc/callback/",
            "post_logout_redirect_uri": live_server.url + "/login/",
        },
        "users": [{**person, "password": PASSWORD} for person in PROVIDER_USERS],
    }
    subprocess.run([sys.executable, "-m", "tests.oidc_provider.bootstrap", json.dumps(spec)], **run)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/o/.well-known/jwks.json", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the OpenID Connect provider did not start")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def sso(settings, provider):
    """Single sign-on switched on in the app, as the environment would (see config/settings.py)."""
    settings.SSO_ENABLED = True
    settings.SSO_PROVIDER_NAME = "Example ID"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider + "/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = provider + "/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = provider + "/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = provider + "/o/.well-known/jwks.json"
    settings.OIDC_OP_LOGOUT_ENDPOINT = provider + "/o/logout/"
    settings.OIDC_GROUP_ROLES = parse_group_roles(ROLES)
    settings.OIDC_CREATE_USER = True
    # Appended to the project's backends, as config/settings.py does (the rules answer who may
    # do what, the admin site included).
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accounts.sso.Backend"]
    return settings


# The live server answers from another thread: the flows need committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def form_field(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def sso_login(app: str, provider: str, username: str) -> tuple[requests.Session, requests.Response]:
    """Click "Log in with ..." on the app's login page and sign in at the provider."""
    browser = requests.Session()
    page = browser.get(app + "/login/", timeout=10)
    start = re.search(r'<a href="([^"]+)" class="button" id="sso-login"', page.text).group(1)
    at_provider = browser.get(app + html.unescape(start), timeout=10)
    assert at_provider.url.startswith(provider + "/accounts/login/")
    landed = browser.post(
        at_provider.url,
        data={
            "csrfmiddlewaretoken": form_field(at_provider.text, "csrfmiddlewaretoken"),
            "username": username,
            "password": PASSWORD,
            "next": form_field(at_provider.text, "next"),
        },
        timeout=10,
    )
    return browser, landed


def group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_first_login_creates_the_user_with_mapped_roles_and_logout_ends_both_sessions(
    live_server, provider, sso
):
    browser, landed = sso_login(live_server.url, provider, "nora")
    assert landed.status_code == 200 and landed.url == live_server.url + "/"
    assert "Log out" in landed.text and "(nora)" in landed.text
    nora = User.objects.get(email="nora@example.com")
    assert nora.username == "nora" and not nora.has_usable_password()
    assert group_names(nora) == {"Hiring managers", "Admins"}
    assert Group.objects.filter(name="Admins").exists()
    assert nora.is_staff and not nora.is_superuser  # an admin: the admin site opens
    assert browser.get(live_server.url + "/admin/", timeout=10).url == live_server.url + "/admin/"

    logged_out = browser.post(
        live_server.url + "/logout/",
        data={"csrfmiddlewaretoken": form_field(landed.text, "csrfmiddlewaretoken")},
        timeout=10,
    )
    # Through the provider's end-session endpoint and back to the app's login page.
    assert [r.url.split("?")[0] for r in logged_out.history] == [
        live_server.url + "/logout/",
        provider + "/o/logout/",
    ]
    assert logged_out.url == live_server.url + "/login/"
    assert browser.get(live_server.url + "/", timeout=10).url.startswith(
        live_server.url + "/login/"
    )
    # Logged out at the provider too: signing on again asks for the password there.
    again = browser.get(live_server.url + "/oidc/authenticate/", timeout=10)
    assert again.url.startswith(provider + "/accounts/login/")


def test_an_existing_user_is_matched_by_email_whatever_its_case_and_roles_follow_the_provider(
    live_server, provider, sso
):
    ivy = UserFactory(username="ivy", email="Ivy@Example.COM")
    ivy.groups.add(
        Group.objects.get_or_create(name="Hiring managers")[0],
        Group.objects.get_or_create(name="Curators")[0],
    )
    ivy.is_staff = True
    ivy.save()
    users_before = User.objects.count()

    _browser, landed = sso_login(live_server.url, provider, "ivy.sso")
    assert landed.url == live_server.url + "/" and "(ivy)" in landed.text
    assert User.objects.count() == users_before
    ivy.refresh_from_db()
    # idp-int maps to Interviewers; no idp-hm or idp-cur any more; idp-other maps to nothing.
    assert group_names(ivy) == {"Interviewers"}
    assert not ivy.is_staff
    assert ivy.check_password("pw-for-tests-1")  # her password login still works


def test_no_account_is_created_unless_allowed(live_server, provider, sso):
    sso.OIDC_CREATE_USER = False
    _browser, landed = sso_login(live_server.url, provider, "zed")
    assert landed.url == live_server.url + "/login/?sso=failed"
    assert "Single sign-on did not log you in" in landed.text
    assert not User.objects.filter(email__iexact="zed@example.com").exists()


def test_password_login_stays_when_sso_is_on(client, sso):
    UserFactory(username="admin0")
    response = client.post(reverse("login"), {"username": "admin0", "password": "pw-for-tests-1"})
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.django_db  # no live server: no need to flush
def test_sso_off_shows_no_button_and_no_sso_urls(client, settings):
    settings.SSO_ENABLED = False
    page = client.get(reverse("login")).content.decode()
    assert "sso-login" not in page and "Log in with" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


@pytest.mark.django_db  # no live server: no need to flush
def test_the_group_mapping_is_read_from_settings_and_refuses_unknown_app_groups():
    assert parse_group_roles("idp-hm:Hiring managers, idp-hm:Curators,x:y:Admins,") == {
        "idp-hm": ["Hiring managers", "Curators"],
        "x:y": ["Admins"],
    }
    assert parse_group_roles("") == {}
    with pytest.raises(ImproperlyConfigured, match="'idp-hm:Hiring manager'"):
        parse_group_roles("idp-hm:Hiring manager")
    with pytest.raises(ImproperlyConfigured, match="'Curators'"):
        parse_group_roles("Curators")


def test_oidc_discover_prints_the_providers_endpoints(provider):
    out = StringIO()
    call_command("oidc_discover", provider + "/o", stdout=out)
    assert out.getvalue().splitlines() == [
        f"OIDC_OP_AUTHORIZATION_ENDPOINT={provider}/o/authorize/",
        f"OIDC_OP_TOKEN_ENDPOINT={provider}/o/token/",
        f"OIDC_OP_USER_ENDPOINT={provider}/o/userinfo/",
        f"OIDC_OP_JWKS_ENDPOINT={provider}/o/.well-known/jwks.json",
        f"OIDC_OP_LOGOUT_ENDPOINT={provider}/o/logout/",
    ]
    with pytest.raises(CommandError, match="Could not read"):
        call_command("oidc_discover", provider + "/nothing-here")


@pytest.fixture
def backend(settings):
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"
    settings.OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:9/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_GROUP_ROLES = parse_group_roles(ROLES)
    from accounts.sso import Backend

    return Backend()


@pytest.mark.django_db  # no live server: no need to flush
def test_claims_without_an_email_or_with_an_unverified_one_are_refused(backend):
    assert backend.verify_claims({"email": "a@example.com"})
    assert backend.verify_claims({"email": "a@example.com", "email_verified": True})
    assert not backend.verify_claims({"email": "a@example.com", "email_verified": False})
    assert not backend.verify_claims({"email": ""})
    assert not backend.verify_claims({"sub": "123"})


@pytest.mark.django_db  # no live server: no need to flush
def test_an_inactive_user_is_refused_and_keeps_their_groups(backend):
    user = UserFactory(username="gone", groups=["Interviewers"])
    user.is_active = False
    user.save()
    assert backend.update_user(user, {"email": user.email, "groups": ["idp-hm"]}) is None
    assert group_names(user) == {"Interviewers"}


@pytest.mark.django_db  # no live server: no need to flush
def test_a_new_users_name_does_not_take_an_existing_one(backend, settings):
    settings.OIDC_GROUP_ROLES = {}
    UserFactory(username="Nora")
    user = backend.create_user({"email": "nora@example.org", "preferred_username": "nora"})
    assert user.username == "nora-2" and user.email == "nora@example.org"
    assert group_names(user) == set()  # without a mapping, no group is touched
