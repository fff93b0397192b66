from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", accounts_views.logout, name="logout"),
    path("oidc/authenticate/", accounts_views.sso_start, name="sso_start"),
    path("oidc/callback/", accounts_views.sso_callback, name="sso_callback"),
    path("bank/", include("questionbank.urls")),
    path("", include("interviews.urls")),
]
