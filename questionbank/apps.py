from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class QuestionbankConfig(AppConfig):
    name = "questionbank"
    verbose_name = "Question bank"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .counts import bank_changed
        from .models import Level, Question, Topic

        for model in (Question, Topic, Level):
            post_save.connect(bank_changed, sender=model, dispatch_uid=f"counts-save-{model}")
            post_delete.connect(bank_changed, sender=model, dispatch_uid=f"counts-del-{model}")
        for through in (Question.levels.through, Question.topics.through):
            m2m_changed.connect(bank_changed, sender=through, dispatch_uid=f"counts-{through}")
