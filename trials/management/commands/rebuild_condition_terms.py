from django.core.management.base import BaseCommand
from django.db import transaction

from trials import mesh
from trials.search.cached import bump_index_version


class Command(BaseCommand):
    help = (
        "Work out every condition's MeSH term again from the stored records, in one pass (every change to a trial "
        "keeps them up to date and migration 0014 fills them: this is for a rollout, a restore or a new rule)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            votes, conditions = mesh.rebuild()
            if votes or conditions:
                bump_index_version()  # counts cached under the index's version group conditions by their terms
        self.stdout.write(f"{votes} trial votes and {conditions} condition terms changed.")
