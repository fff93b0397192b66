from django.urls import path

from . import views

app_name = "questionbank"
urlpatterns = [
    path("", views.bank, name="bank"),
    path("<int:pk>/", views.detail, name="detail"),
]
