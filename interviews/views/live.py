"""Placeholder until the live views land (start, live, score, notes, time, submit)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


start = live = add_unplanned = score = notes = record_time = submit = _todo
