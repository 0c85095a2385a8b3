import json
from pathlib import Path

from django.core.management.base import BaseCommand

from trials.models import Trial
from trials.registry import study_json


class Command(BaseCommand):
    help = "Write the published trials as API v2 study JSON: a directory of NCT….json files, or one .ndjson file."

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="a directory, or a file ending in .ndjson")

    def handle(self, *args, out, **options):
        out = Path(out)
        trials = Trial.objects.published().for_export().order_by("nct_id")
        count = 0
        if out.suffix.lower() in {".ndjson", ".jsonl"}:
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w", encoding="utf-8") as stream:
                for trial in trials.iterator(chunk_size=200):
                    stream.write(json.dumps(study_json(trial), ensure_ascii=False) + "\n")
                    count += 1
        else:
            out.mkdir(parents=True, exist_ok=True)
            for trial in trials.iterator(chunk_size=200):
                text = json.dumps(study_json(trial), ensure_ascii=False, indent=2)
                (out / f"{trial.nct_id}.json").write_text(text + "\n", encoding="utf-8")
                count += 1
        self.stdout.write(f"{count} studies written to {out}")
