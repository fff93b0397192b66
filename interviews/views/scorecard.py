"""Placeholder until the scorecard views land (scorecard, amend, export, candidate)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


scorecard = amend = export = candidate = _todo
