from django import forms
from django.contrib.auth import get_user_model

from .roles import ROLE_HELP, Role


def role_field(**kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Roles",
        choices=[(r.value, f"{r.label}: {ROLE_HELP[r]}") for r in Role],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="A user with no role can log in but sees nothing.",
        **kwargs,
    )


class UserAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(help_text="They get an e-mail here with a link to set their password.")
    roles = role_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "add-%s")
        super().__init__(*args, **kwargs)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Someone already has this username.")
        return username


class RolesForm(forms.Form):
    roles = role_field()

    def __init__(self, *args, prefix_id: str, **kwargs):
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
