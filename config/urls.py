from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views
from api.urls import api_urls
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
    # Everyone changes their own password; a forgotten one is reset by e-mail.
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("api/v1/", include(api_urls)),
    path("account/api-tokens/", include("api.urls")),
    path("people/", include("people.urls")),
    path("bank/", include("questionbank.urls")),
    path("", include("interviews.urls")),
]

handler500 = "config.views.server_error"
