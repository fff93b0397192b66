"""API tokens: shown once, stored hashed, expiring, revocable by their user and by an admin,
their last use recorded at most once a minute; every refusal the same 401."""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create, token_revoke
from people.models import AuditEvent, Verb

from .conftest import ApiClient

UNAUTHENTICATED = {
    "type": "/api/v1/problems/unauthenticated",
    "title": "Authentication required",
    "status": 401,
    "detail": "Send a valid, unexpired API token: 'Authorization: Bearer <token>'.",
}


def _refused(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == UNAUTHENTICATED


def test_stored_hashed_with_a_lookup_prefix(users):
    new = token_create(user=users["manager"], name="ATS", actor=users["admin"])
    row = ApiToken.objects.get()
    assert new.secret.startswith(f"ik_{row.prefix}_")
    assert len(new.secret) > 50
    assert row.digest == hashlib.sha256(new.secret.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.values().get().values()]
    assert not any(new.secret[len(row.prefix) + 4 :] in v for v in stored)
    assert row.expires_at - row.created_at == timedelta(days=90)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        "Bearer ik_0123456789_" + "x" * 43,
    ],
)
def test_missing_malformed_or_unknown_token(db, header):
    client = Client()
    headers = {"Authorization": header} if header else {}
    _refused(client.get("/api/v1/levels", headers=headers))


def test_right_prefix_wrong_secret(tokens):
    real = tokens["manager"]
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    _refused(ApiClient(forged).get("/api/v1/levels"))


def test_expired_revoked_and_deactivated_are_refused_alike(tokens, users):
    assert ApiClient(tokens["manager"]).get("/api/v1/levels").status_code == 200
    token = ApiToken.objects.get(user=users["manager"])
    past = timezone.now() - timedelta(days=2)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=past, expires_at=past + timedelta(days=1)
    )
    _refused(ApiClient(tokens["manager"]).get("/api/v1/levels"))

    token = ApiToken.objects.get(user=users["curator"])
    token_revoke(token=token, actor=users["curator"])
    _refused(ApiClient(tokens["curator"]).get("/api/v1/levels"))

    users["interviewer"].is_active = False
    users["interviewer"].save()
    _refused(ApiClient(tokens["interviewer"]).get("/api/v1/levels"))


def test_last_used_written_at_most_once_a_minute(tokens, users, django_assert_num_queries):
    client = ApiClient(tokens["manager"])
    token = ApiToken.objects.get(user=users["manager"])
    assert token.last_used_at is None
    client.get("/api/v1/levels")
    token.refresh_from_db()
    first = token.last_used_at
    assert timezone.now() - first < timedelta(seconds=5)
    client.get("/api/v1/levels")
    token.refresh_from_db()
    assert token.last_used_at == first  # not written again within the minute
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    client.get("/api/v1/levels")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_bad_names_and_lifetimes_are_refused(users):
    from django.core.exceptions import ValidationError

    for name, days in (("", 30), ("ok", 0), ("ok", 367)):
        with pytest.raises(ValidationError):
            token_create(user=users["manager"], name=name, days=days, actor=users["manager"])
    assert ApiToken.objects.count() == 0


def test_a_user_creates_sees_once_and_revokes_a_token_in_the_app(users):
    browser = Client()
    browser.force_login(users["manager"])
    response = browser.post("/account/api-tokens/", {"name": "ATS sync", "days": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=users["manager"])
    secret = response.context["created"].secret
    assert secret.encode() in response.content
    assert (token.expires_at - token.created_at) == timedelta(days=30)
    # Shown once: the page never shows it again.
    page = browser.get("/account/api-tokens/")
    assert secret.encode() not in page.content
    assert b"ATS sync" in page.content
    assert ApiClient(secret).get("/api/v1/levels").status_code == 200

    response = browser.post(f"/account/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 303
    _refused(ApiClient(secret).get("/api/v1/levels"))
    verbs = list(
        AuditEvent.objects.filter(target_type="apitoken")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [Verb.CREATE, Verb.REVOKE]


def test_bad_input_on_the_token_page_changes_nothing(users):
    browser = Client()
    browser.force_login(users["manager"])
    response = browser.post("/account/api-tokens/", {"name": "", "days": "999"})
    assert response.status_code == 422
    assert ApiToken.objects.count() == 0


def test_another_users_token_cannot_be_revoked(users):
    mine = token_create(user=users["manager"], name="mine", actor=users["manager"])
    browser = Client()
    browser.force_login(users["interviewer"])
    assert browser.post(f"/account/api-tokens/{mine.token.pk}/revoke/").status_code == 404
    assert ApiClient(mine.secret).get("/api/v1/levels").status_code == 200


def test_a_user_without_a_role_has_no_token_page(users):
    browser = Client()
    browser.force_login(users["none"])
    assert browser.get("/account/api-tokens/").status_code == 403


def test_an_admin_creates_and_revokes_a_token_for_someone(users, superuser):
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(
        "/admin/api/apitoken/add/",
        {"user": users["manager"].pk, "name": "Given by IT", "days": "7"},
    )
    assert response.status_code == 200
    secret = response.context["new"].secret
    assert secret.encode() in response.content
    token = ApiToken.objects.get(name="Given by IT")
    assert token.user == users["manager"] and token.created_by == superuser
    assert ApiClient(secret).get("/api/v1/candidates").status_code == 200
    changelist = admin.get("/admin/api/apitoken/")
    assert changelist.status_code == 200 and secret.encode() not in changelist.content
    admin.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    _refused(ApiClient(secret).get("/api/v1/candidates"))


def test_the_admin_role_manages_tokens_in_the_admin_and_a_curator_does_not(users):
    admin = Client()
    admin.force_login(users["admin"])
    response = admin.post(
        "/admin/api/apitoken/add/",
        {"user": users["interviewer"].pk, "name": "For Ines", "days": "10"},
    )
    assert response.status_code == 200
    assert ApiClient(response.context["new"].secret).get("/api/v1/levels").status_code == 200
    curator = Client()
    curator.force_login(users["curator"])
    assert curator.get("/admin/api/apitoken/").status_code == 403
    assert curator.get("/admin/api/apitoken/add/").status_code == 403
