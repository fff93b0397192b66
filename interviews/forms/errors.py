"""A refusal shown to the user: the one helper every view and form uses for it.

Services refuse a change by raising ``ValidationError``; forms refuse a request with their
errors. A page shows either as one sentence (``error_text``, ``first_error``), or on the form
that was posted, each message beside the field it names (``add_service_errors``).
"""

from django import forms
from django.core.exceptions import ValidationError

NOT_VALID = "Something in the request is not valid."


def error_text(error: ValidationError) -> str:
    """Every message of a service's refusal, as one sentence."""
    return " ".join(error.messages)


def first_error(form: forms.BaseForm) -> str:
    """The first message of an invalid form."""
    for errors in form.errors.values():
        return str(errors[0])
    return NOT_VALID


def all_errors(form: forms.BaseForm) -> str:
    """Every message of an invalid form, as one sentence (a plain-text 422 answer)."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form (field errors where it names a field)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
