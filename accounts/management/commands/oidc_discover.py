import requests
from django.core.management.base import BaseCommand, CommandError

# Discovery document key -> the setting (environment variable) that takes it.
SETTINGS = {
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
    "end_session_endpoint": "OIDC_OP_LOGOUT_ENDPOINT",
}
REQUIRED = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


class Command(BaseCommand):
    help = (
        "Read an OpenID Connect provider's discovery document and print the OIDC_OP_* "
        "environment lines for single sign-on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "issuer", help="the issuer URL, or its /.well-known/openid-configuration URL"
        )

    def handle(self, *args, issuer, **options):
        url = issuer.rstrip("/")
        if not url.endswith("/.well-known/openid-configuration"):
            url += "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=10)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise CommandError(f"Could not read {url}: {error}") from error
        missing = [key for key in REQUIRED if not document.get(key)]
        if missing:
            raise CommandError(f"{url} has no {', '.join(missing)}: is it an OpenID provider?")
        for key, name in SETTINGS.items():
            if document.get(key):
                self.stdout.write(f"{name}={document[key]}")
        algorithms = document.get("id_token_signing_alg_values_supported") or []
        if algorithms and "RS256" not in algorithms:
            self.stdout.write(f"OIDC_RP_SIGN_ALGO={algorithms[0]}")
