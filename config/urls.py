from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views
from config.auth import AdminLoginForm, LoginForm

# Four models need no sidebar of apps beside every admin page, and the question list needs its
# 300 pixels: with it, the Status and Times used columns were cut off at 1280 px.
admin.site.enable_nav_sidebar = False
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", accounts_views.logout, name="logout"),
    path("oidc/authenticate/", accounts_views.sso_start, name="sso_start"),
    path("oidc/callback/", accounts_views.sso_callback, name="sso_callback"),
    path("bank/", include("questionbank.urls")),
    path("", include("interviews.urls")),
]

handler500 = "config.views.server_error"
