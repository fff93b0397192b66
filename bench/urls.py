"""The app's URLs plus the bench's floor: a one-query template page served the same way."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as app_urls
from questionbank.models import Level

FLOOR = engines["django"].from_string(
    "<!doctype html><html lang=en><title>Floor</title>"
    "<ul>{% for level in levels %}<li>{{ level.name }}</li>{% endfor %}</ul></html>"
)


def floor(request):
    return HttpResponse(FLOOR.render({"levels": list(Level.objects.all())}, request))


urlpatterns = [path("bench/floor/", floor), *app_urls]
