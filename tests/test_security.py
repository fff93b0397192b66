"""Hardening that holds across the app: login throttling, passwords, CSP on every page,
sessions, cookies, NUL bytes, the error pages, the deployment check."""

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.regex_helper import normalize

from config import limits
from config.middleware import SESSION_SEEN, SESSION_STARTED
from tests.factories import UserFactory

LOGIN = "/login/"
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's
BASE = Path(settings.BASE_DIR)


@pytest.fixture
def person(db):
    return UserFactory(username="pat")


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# Login throttling -----------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_out_even_for_the_right_one(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "pat", "wrong")
        assert response.status_code == 200  # the login form again, with its error
        assert "Please enter a correct username and password" in response.content.decode()
    assert login(client, "pat", "wrong").status_code == 429  # the fifth failure locks
    response = login(client, "pat", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed logins" in html
    assert "Try again in 15 minutes." in html
    assert "_auth_user_id" not in client.session
    # From another address too: the username is locked, not only the address.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert login(other, "pat", PASSWORD).status_code == 429


def test_one_address_trying_many_usernames_is_locked_out(client, person):
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"nobody{i}", "wrong")
    response = login(client, "pat", PASSWORD)
    assert response.status_code == 429
    # Another address can still log in as pat.
    assert login(Client(REMOTE_ADDR="10.0.0.7"), "pat", PASSWORD).status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "pat", "wrong")
    assert login(client, "pat", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "pat", "wrong")
    assert login(client, "pat", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "pat", "wrong")
    assert login(client, "pat", PASSWORD).status_code == 429
    later = AccessAttempt.objects.all()
    later.update(attempt_time=later[0].attempt_time - settings.AXES_COOLOFF_TIME)
    assert login(client, "pat", PASSWORD).status_code == 302


def test_an_admin_unlocks_in_the_admin_or_with_axes_reset(client, person, superuser):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "pat", "wrong")
    assert login(client, "pat", PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(superuser)
    changelist = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "pat" in changelist.content.decode()
    attempt = AccessAttempt.objects.get(username="pat")
    response = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert login(client, "pat", PASSWORD).status_code == 302
    # The command line does the same.
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "pat", "wrong")
    assert login(client, "pat", PASSWORD).status_code == 429
    call_command("axes_reset", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert login(client, "pat", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, superuser):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "root", "password": "wrong"})
    response = client.post(url, {"username": "root", "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.parametrize("url", [LOGIN, "/admin/login/"])
def test_an_overlong_password_is_a_form_error_and_no_attempt(client, person, url):
    with mock.patch("django.contrib.auth.hashers.MD5PasswordHasher.verify") as verify:
        response = client.post(url, {"username": "pat", "password": "x" * 1_000_000})
    assert response.status_code == 200
    assert f"A password has at most {limits.PASSWORD} characters." in response.content.decode()
    verify.assert_not_called()
    assert f'maxlength="{limits.PASSWORD}"' in client.get(LOGIN).content.decode()


def test_all_four_password_validators(person):
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    for bad in ("short-1", "password1234", "493820193847", "pat@example.com"):
        with pytest.raises(ValidationError):
            validate_password(bad, user=person)
    validate_password("violet staple orbit 47", user=person)


# Content-Security-Policy on every page ------------------------------------------------------


def every_url() -> list[str]:
    """One concrete URL per URL pattern of the project (the admin's included): each parameter
    is filled with 1, so some answer 404 or 302; every answer must carry the policy."""
    urls = []

    def walk(patterns, prefix: str):
        for pattern in patterns:
            for template, params in normalize(pattern.pattern.regex.pattern):
                text = template % dict.fromkeys(params, "1")
                if isinstance(pattern, URLResolver):
                    walk(pattern.url_patterns, prefix + text)
                elif isinstance(pattern, URLPattern):
                    urls.append("/" + prefix + text)
                break

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_of(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value
    return directives


def test_the_policy_is_strict(client, db):
    policy = policy_of(client.get(LOGIN))
    for name, value in POLICY.items():
        assert policy.get(name) == value, name
    header = client.get(LOGIN).headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


def test_every_page_carries_the_policy(client, superuser, guide_bank):
    urls = every_url()
    assert len(urls) > 60  # the app's pages and the admin's
    assert "/candidates/1/erase/" in urls and "/admin/questionbank/question/import/" in urls
    client.force_login(superuser)
    missing = []
    for url in urls:
        response = client.get(url)
        if policy_of(response) != policy_of(client.get(LOGIN)) or not policy_of(response):
            missing.append(f"{url} ({response.status_code})")
    assert missing == []
    anonymous = Client()
    assert policy_of(anonymous.get("/")) == policy_of(client.get(LOGIN))  # a redirect to login


def test_htmx_is_told_not_to_inject_styles_or_eval(client_user):
    html = client_user.get("/").content.decode()
    assert '"includeIndicatorStyles":false' in html and '"allowEval":false' in html
    css = (BASE / "static" / "css" / "app.css").read_text()
    assert ".htmx-indicator" in css


def test_no_template_has_inline_script_style_or_handlers():
    """What a strict CSP would block, in any template of ours."""
    import re

    offenders = []
    for path in (BASE / "templates").rglob("*.html"):
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"<style\b",
            r"\sstyle=",
            r"\son[a-z]+=",
            r"hx-on",
        ):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(BASE)}: {pattern}")
    assert offenders == []


# Sessions and cookies -----------------------------------------------------------------------


def test_sessions_last_a_working_day_and_end_with_the_browser(client, person):
    assert settings.SESSION_COOKIE_AGE == 9 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = login(client, "pat", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"] is True


def test_the_csrf_cookie_is_http_only(client, db):
    response = client.get(LOGIN)
    assert response.cookies[settings.CSRF_COOKIE_NAME]["httponly"] is True
    for script in (BASE / "static" / "js").glob("*.js"):
        assert "document.cookie" not in script.read_text(), script.name


def _shift(client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_ends(client_user):
    assert client_user.get("/").status_code == 200
    _shift(client_user, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT + 5)
    response = client_user.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_active_session_ends_after_the_working_day(client_user):
    _shift(client_user, SESSION_STARTED, settings.SESSION_COOKIE_AGE + 5)
    _shift(client_user, SESSION_SEEN, 10)
    response = client_user.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_used_session_stays(client_user):
    _shift(client_user, SESSION_STARTED, 3600)
    _shift(client_user, SESSION_SEEN, settings.SESSION_IDLE_TIMEOUT - 60)
    assert client_user.get("/").status_code == 200
    assert client_user.session[SESSION_SEEN] >= int(time.time()) - 5  # the clock restarted


# The error pages ----------------------------------------------------------------------------


def test_a_database_outage_is_a_styled_503_and_the_app_recovers(client_user):
    client_user.raise_request_exception = False
    assert client_user.get("/").status_code == 200
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused"),
    ):
        response = client_user.get("/candidates/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Back in a moment" in html and "cannot reach its database" in html
    assert "/static/css/app.css" in html  # styled
    assert "Content-Security-Policy" in response.headers
    # The database is back: the next request is answered as usual.
    assert client_user.get("/candidates/").status_code == 200


def test_another_error_is_a_styled_500(client_user):
    client_user.raise_request_exception = False
    with mock.patch("interviews.views.home.render", side_effect=RuntimeError("boom")):
        response = client_user.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# Production settings ------------------------------------------------------------------------

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "interviews.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "BEHIND_HTTPS_PROXY": "true",
}


def _run(args, env, **kwargs):
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # browser
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    """The README's production settings, after `collectstatic` (as `make serve` runs it).
    One warning is accepted: HSTS preloading (security.W021) is the domain owner's decision,
    opt-in with SECURE_HSTS_PRELOAD=true."""
    env = {
        **PRODUCTION,
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    collected = _run(["collectstatic", "--noinput", "-v0"], env)
    assert collected.returncode == 0, collected.stderr
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    issues = [line for line in output.splitlines() if line.startswith("?: (")]
    assert [line.split(")")[0] + ")" for line in issues] == ["?: (security.W021)"], output
    preload = _run(
        ["check", "--deploy", "--fail-level", "WARNING"], {**env, "SECURE_HSTS_PRELOAD": "true"}
    )
    assert preload.returncode == 0, preload.stdout + preload.stderr
    assert "no issues" in preload.stdout


def test_without_collectstatic_pages_work_and_the_check_says_so(tmp_path):
    """DEBUG off and no `collectstatic`: pages and their static files are served (not a 500),
    and `check --deploy` warns."""
    env = {
        **PRODUCTION,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "nothing-collected"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    script = (
        "from django.test import Client; c = Client();"
        "r = c.get('/login/'); print('login', r.status_code);"
        'import re; css = re.findall(r\'href="(/static/[^"]+)"\', r.content.decode());'
        "print('css', len(css), *sorted({Client().get(u).status_code for u in css}))"
    )
    result = _run(["shell", "-c", script], env)
    assert result.returncode == 0, result.stderr
    assert "login 200" in result.stdout
    # Every stylesheet the page links (Pico, app, print, no-script) answers 200, and only 200.
    assert re.search(r"^css 4 200$", result.stdout, re.M), result.stdout
    check = _run(["check", "--deploy"], env)
    assert "interview_kit.W001" in check.stdout + check.stderr
