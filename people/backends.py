import rules
from django.contrib.auth.backends import ModelBackend


class ModelPermissionBackend(ModelBackend):
    """Django's model permissions (the admin's), except for the names people/rules.py owns:
    those the rules alone answer, so a "no" from a rule costs no permission queries."""

    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj)
