from django import forms

from .services import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “ATS sync”", strip=True
    )
    days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
