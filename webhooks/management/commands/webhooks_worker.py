import logging
import threading
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from webhooks.services import deliveries_sweep

logger = logging.getLogger(__name__)

# The periodic sweep leaves alone what the queue should run by itself any moment now.
SWEEP_OVERDUE_BY = timedelta(minutes=2)


def sweep_forever(every: float) -> None:
    while True:
        time.sleep(every)
        try:
            close_old_connections()
            deliveries_sweep(overdue_by=SWEEP_OVERDUE_BY)
        except Exception:
            logger.exception("The periodic webhook sweep failed; trying again later")
        finally:
            connection.close()


class Command(BaseCommand):
    help = (
        "Run the task worker (django-tasks-db's db_worker) after enqueueing every due webhook "
        "delivery, and sweep again every minute: nothing a killed worker left behind is lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sweep-every", type=float, default=60.0, help="seconds (60)")
        parser.add_argument("--interval", type=float, default=1.0, help="poll seconds (1)")

    def handle(self, *args, sweep_every, interval, verbosity, **options):
        count = deliveries_sweep()
        connection.close()
        self.stdout.write(f"{count} due webhook deliveries enqueued at start.")
        threading.Thread(
            target=sweep_forever, args=(sweep_every,), daemon=True, name="webhooks-sweep"
        ).start()
        call_command(
            "db_worker", interval=interval, reload=False, startup_delay=False, verbosity=verbosity
        )
