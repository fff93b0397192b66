from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.auth import AdminLoginForm, LoginForm

# Four models need no sidebar of apps beside every admin page, and the question list needs its
# 300 pixels: with it, the Status and Times used columns were cut off at 1280 px.
admin.site.enable_nav_sidebar = False
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("bank/", include("questionbank.urls")),
    path("", include("interviews.urls")),
]

handler500 = "config.views.server_error"
