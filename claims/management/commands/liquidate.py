"""python manage.py liquidate --all [--chunk 2000] [--processes N] [--dispatch] | --claim ID"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims.services import liquidation, liquidation_bulk


class Command(BaseCommand):
    help = "Liquidates received files: one (--claim) or the whole backlog in set-based chunks (--all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every received file, in chunks")
        parser.add_argument("--chunk", type=int, default=liquidation_bulk.DEFAULT_CHUNK,
                            help="files per chunk (default %(default)s)")
        parser.add_argument("--dispatch", action="store_true",
                            help="queue the chunks for the Celery workers instead of running them here")
        parser.add_argument("--processes", type=int, default=1,
                            help="run the chunks in this many processes on this host (default %(default)s)")
        parser.add_argument("--claim", type=int, help="liquidate one file by id")

    def handle(self, *args, **options):
        if options["claim"]:
            status = liquidation.claim_liquidate(claim_id=options["claim"])
            self.stdout.write(f"file {options['claim']}: {status or 'nothing to do'}")
            return
        if not options["all"]:
            raise CommandError("give --all or --claim ID")
        if options["chunk"] < 1:
            raise CommandError("--chunk must be at least 1")
        if options["dispatch"]:
            from claims.tasks import bulk_liquidate_all

            bulk_liquidate_all.delay(chunk=options["chunk"])
            self.stdout.write("queued: the workers of the liquidation queue take the chunks")
            return
        total = liquidation_bulk.pending_count()
        with tqdm(total=total, unit="files", unit_scale=True, dynamic_ncols=True, file=self.stderr._out,
                  disable=options["verbosity"] == 0) as bar:
            files, lines = liquidation_bulk.liquidate_all_parallel(
                chunk=options["chunk"], processes=options["processes"], on_chunk=lambda report: bar.update(report.files)
            )
        if options["verbosity"]:
            self.stdout.write(f"liquidated {files} files ({lines} lines)")
