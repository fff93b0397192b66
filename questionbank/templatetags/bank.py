from django import template

from questionbank.models import split_lines

register = template.Library()


@register.filter
def lines(value) -> list[str]:
    """A one-point-per-line text field as a list of points."""
    return split_lines(value or "")
