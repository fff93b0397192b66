from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config import checks  # noqa: F401  (registers the project's system checks)
        from config.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="interview_kit_session_stamp")
