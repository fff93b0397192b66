from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from questionbank.models import Question

FIXTURE = "fixtures/questionbank.json"


class Command(BaseCommand):
    help = (
        "Load the question bank fixture into an empty bank. Idempotent: a bank that already "
        "holds questions is left as it is, so curators' edits are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=FIXTURE)

    def handle(self, *args, fixture: str, **options):
        count = Question.objects.count()
        if count:
            self.stdout.write(f"Question bank already loaded ({count} questions): nothing to do.")
            return
        with transaction.atomic():
            call_command("loaddata", fixture, verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded the question bank: {Question.objects.count()} questions.")
        )
