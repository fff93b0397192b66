"""The queue's one task: attempt a delivery (django-tasks; the backend is chosen in settings)."""

from django_tasks import task


@task()
def delivery_attempt_task(delivery_id: int) -> str:
    from .services import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id)
