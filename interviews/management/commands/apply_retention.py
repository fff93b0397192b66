"""Erase the candidates the retention rule is over for (Candidate.objects.past_retention)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from interviews import services
from interviews.models import Candidate, ErasureReason


class Command(BaseCommand):
    help = (
        "Erase every candidate with nothing in progress whose loop closed more than "
        "RETENTION_DAYS days ago (settings; default 365), or, without a loop, whose last "
        "interview ended that long ago. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="say how many would be erased, erase nothing"
        )
        parser.add_argument("--days", type=int, help="override RETENTION_DAYS for this run")

    def handle(self, *args, dry_run=False, days=None, **options):
        days = settings.RETENTION_DAYS if days is None else days
        due = list(Candidate.objects.past_retention(days=days).order_by("pk"))
        interviews = sum(c.interviews.count() for c in due) if dry_run else 0
        if dry_run:
            self.stdout.write(
                f"Would erase {len(due)} candidate(s) with {interviews} interview(s): "
                f"no activity for more than {days} days. Nothing was erased (--dry-run)."
            )
            for candidate in due:
                self.stdout.write(
                    f"  candidate #{candidate.pk}, last activity {candidate.last_activity:%Y-%m-%d}"
                )
            return
        erased = 0
        for candidate in due:
            record = services.candidate_erase(candidate=candidate, reason=ErasureReason.RETENTION)
            erased += 1
            interviews += record.interviews
        self.stdout.write(
            f"Erased {erased} candidate(s) with {interviews} interview(s): no activity for more "
            f"than {days} days."
        )
