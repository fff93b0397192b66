from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.people, name="list"),
    path("<int:pk>/roles/", views.roles, name="roles"),
    path("<int:pk>/deactivate/", views.deactivate, name="deactivate"),
]
