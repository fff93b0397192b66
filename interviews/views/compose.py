"""Placeholder until the compose views land (interview_new, compose, kits)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


interview_new = compose = add_question = remove_question = move_question = reorder = _todo
autocompose = save_kit = kit_list = kit_detail = _todo
