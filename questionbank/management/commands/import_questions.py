"""Import questions from a CSV, TSV or JSON file, as the admin's import page does, with no
size limit: for files longer than the web form takes (QUESTION_IMPORT_WEB_ROWS)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from questionbank.resources import FORMATS, QuestionResource

BY_EXTENSION = {f().get_extension(): f for f in FORMATS}


class Command(BaseCommand):
    help = (
        "Import questions from a CSV, TSV or JSON file (columns as the admin's export). "
        "Any bad row: nothing is written and every error is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=sorted(BY_EXTENSION), help="default: from the file's extension"
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, file: Path, format=None, dry_run=False, **options):
        fmt = BY_EXTENSION.get(format or file.suffix.lstrip(".").lower())
        if fmt is None:
            raise CommandError(f"Say the file's format with --format ({', '.join(BY_EXTENSION)}).")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        try:
            dataset = fmt(encoding="utf-8-sig").create_dataset(data.decode("utf-8-sig"))
        except Exception as exc:
            raise CommandError(f"cannot read {file} as {fmt().get_title()}: {exc}") from exc
        result = QuestionResource().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        problems = [f"error: {error.error}" for error in result.base_errors]
        for number, errors in result.row_errors():
            problems += [f"row {number}: {error.error}" for error in errors]
        for row in result.invalid_rows:
            for field, messages in row.error_dict.items():
                problems += [f"row {row.number}: {field}: {m}" for m in messages]
        if problems:
            raise CommandError(
                "Nothing was imported:\n"
                + "\n".join(problems[:200])
                + (f"\n... and {len(problems) - 200} more" if len(problems) > 200 else "")
            )
        totals = result.totals
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {len(dataset)} rows: {totals['new']} new, {totals['update']} changed, "
            f"{totals['skip']} unchanged."
        )
