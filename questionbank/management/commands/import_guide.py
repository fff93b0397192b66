from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from questionbank.guide import GuideError
from questionbank.services import guide_import_file


class Command(BaseCommand):
    help = "Import an LLM interview guide (and its answer guidance) into the question bank."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The guide, e.g. fixtures/llm_guide.txt")
        parser.add_argument(
            "--guidance",
            type=Path,
            default=None,
            help="Folder of guidance *.toml files (default: guidance/ beside the guide)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; write nothing"
        )

    def handle(self, *args, path: Path, guidance: Path | None, dry_run: bool, **options):
        try:
            report = guide_import_file(path=path, guidance_dir=guidance, dry_run=dry_run)
        except GuideError as exc:
            raise CommandError(f"{exc} (nothing was written)") from exc
        prefix = "would " if dry_run else ""
        if options["verbosity"] >= 1:
            for line in report.lines:
                self.stdout.write(prefix + line)
        self.stdout.write(self.style.SUCCESS(report.summary(dry_run=dry_run)))
