from django.core.management.base import BaseCommand

from trials.search import index


class Command(BaseCommand):
    help = "Index every trial for search again (after restoring a database, or changing how text is indexed)."

    def handle(self, *args, **options):
        count = index.rebuild()
        self.stdout.write(f"{count} trials indexed.")
