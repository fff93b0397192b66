"""System checks of the deployment: static files collected when DEBUG is off."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def static_files_collected(app_configs, **kwargs):
    if settings.DEBUG or settings.STATIC_FILES_COLLECTED:
        return []
    return [
        Warning(
            "Static files are not collected: pages are served with uncompressed, unhashed "
            "files found in the apps (slower, and browsers cannot cache them for long).",
            hint="Run `python manage.py collectstatic --noinput` (make serve does).",
            id="interview_kit.W001",
        )
    ]
