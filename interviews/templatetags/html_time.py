"""Machine-readable times for <time datetime="...">."""

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value) -> str:
    """A valid HTML global date and time string: to the second, with the offset of the current
    time zone (``2026-12-02T07:36:49+00:00``). Django's ``date:'c'`` adds microseconds, six
    fractional digits where HTML allows at most three. A date stays a date."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return ""
