from django.core.management.base import BaseCommand

from webhooks.services import deliveries_sweep


class Command(BaseCommand):
    help = (
        "Enqueue every webhook delivery that is due. With the immediate backend (SQLite, no "
        "worker) this attempts them here and now: run it from cron to retry failed deliveries."
    )

    def handle(self, *args, **options):
        count = deliveries_sweep()
        self.stdout.write(f"{count} due webhook deliveries enqueued.")
