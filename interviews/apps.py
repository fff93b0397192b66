from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from config import checks  # noqa: F401  (registers the project's system checks)
        from config.middleware import stamp_login
        from questionbank.models import Question

        from .measuring import scores_changed

        user_logged_in.connect(stamp_login, dispatch_uid="interview_kit_session_stamp")
        # A question's tagged difficulty (and its text) are part of what the measures show.
        post_save.connect(scores_changed, sender=Question, dispatch_uid="measures-question-save")
        post_delete.connect(scores_changed, sender=Question, dispatch_uid="measures-question-del")
