"""Background work of the interviews app (django-tasks; the backend is chosen in settings)."""

from django_tasks import task


@task()
def measures_refresh_task(token: int) -> None:
    """Compute the measures of scores generation ``token`` and keep them (measuring.py)."""
    from .measuring import refresh

    refresh(token)
