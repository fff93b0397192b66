from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """E-mail, names and the user's groups (the ``groups`` claim) in the ID token and userinfo."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": True,
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }

    def get_userinfo_claims(self, request):
        """Nora's groups come in her ID token only (some providers do that); others' in both."""
        claims = super().get_userinfo_claims(request)
        if request.user.username == "nora":
            claims.pop("groups", None)
        return claims
