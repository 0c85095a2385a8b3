from django.core.management.base import BaseCommand

from trials.related import refresh_related


class Command(BaseCommand):
    help = "Rebuild every trial's related-trials list (each import's finish does it; after a restore or an upgrade)."

    def handle(self, *args, **options):
        count = refresh_related()
        self.stdout.write(f"{count} related-trial links written.")
