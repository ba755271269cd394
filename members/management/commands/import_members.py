from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.importing import ImportFailed, members_import


class Command(BaseCommand):
    help = "Loads members from a payroll CSV export (README, 'Importing members'). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path)
        parser.add_argument("--encoding", default="utf-8-sig")

    def handle(self, *args, csv: Path, encoding: str, **options) -> None:
        try:
            text = csv.read_text(encoding=encoding)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {csv}: {error}") from error
        try:
            report = members_import(lines=text, source=f"payroll import {csv.name}")
        except ImportFailed as failure:
            for problem in failure.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(failure.errors)} bad row(s) in {csv}: nothing was imported.") from None
        self.stdout.write(self.style.SUCCESS(
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged."))
