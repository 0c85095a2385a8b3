import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from trials.importer import Importer, read_studies


class Command(BaseCommand):
    help = (
        "Import ClinicalTrials.gov API v2 study JSON: study files, API pages, directories, "
        ".ndjson/.jsonl files or .zip archives. Upserts by NCT ID; exits 1 if any study failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths, **options):
        started = time.perf_counter()
        importer = Importer()
        with tqdm(unit=" studies", disable=not sys.stderr.isatty(), file=sys.stderr) as progress:
            for path in paths:
                for item in read_studies(path):
                    importer.add(item)
                    progress.update()
        result = importer.finish()
        if connection.vendor == "sqlite" and result.imported:
            # Table statistics, so SQLite picks the NCT ID index over the publication one (PostgreSQL's
            # autovacuum gathers its own).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for failure in result.failures:
            self.stderr.write(failure)
        seconds = time.perf_counter() - started
        rate = result.total / seconds if seconds else 0.0
        self.stdout.write(
            f"{result.imported} imported, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.failed} failed in {seconds:.2f} s ({rate:.0f} studies/s)"
        )
        if result.failed:
            raise CommandError(f"{result.failed} of {result.total} studies failed", returncode=1)
