"""Related trials, precomputed: for each trial, up to five others that share the most with it.

Shared conditions weigh most, then shared interventions, then distinctive words of the
title. Every list is rebuilt when an import finishes (Importer.finish); any other change
(trials.changes) refreshes the lists of the trials it changed and of their neighbours. A
record page reads its list with the trial instead of scanning all trials on each request.
"""

import re
from collections import Counter, defaultdict

from django.db import transaction

from .models import Intervention, RelatedTrial, Trial, TrialCondition

LIMIT = 5
CONDITION_WEIGHT, INTERVENTION_WEIGHT, WORD_WEIGHT = 6, 4, 1
MIN_SCORE = 3  # below this, two trials only share a word or two of their titles: not shown as related
POSTINGS_CAP = 500  # trials per shared feature considered as candidates: keeps very common conditions cheap
WORD_RE = re.compile(r"[^\W\d_]{4,}")
STOP_WORDS = frozenset(
    "with from that this study trial patients participants effect effects versus after during among "
    "between their phase randomized randomised controlled clinical evaluation treatment efficacy safety "
    "pilot open label single double blind group groups using based assess assessing compare comparing".split()
)


def _title_words(title):
    return {word for word in (w.lower() for w in WORD_RE.findall(title)) if word not in STOP_WORDS}


def _features():
    """Per trial: its condition names, intervention names and title words; and the inverted index of each."""
    features = defaultdict(lambda: {"condition": set(), "intervention": set(), "word": set()})
    published = {"trial__in": Trial.objects.published()}
    for trial_id, name in TrialCondition.objects.filter(**published).values_list("trial_id", "condition__name"):
        features[trial_id]["condition"].add(name)
    interventions = Intervention.objects.filter(**published).exclude(name__iexact="placebo")
    for trial_id, name in interventions.values_list("trial_id", "name"):
        features[trial_id]["intervention"].add(name)
    for trial_id, title in Trial.objects.published().values_list("id", "brief_title"):
        features[trial_id]["word"] = _title_words(title)
    postings = defaultdict(list)
    for trial_id, kinds in features.items():
        for kind, values in kinds.items():
            for value in values:
                postings[kind, value.lower()].append(trial_id)
    return features, postings


def related_for(trial_id, features, postings, nct_ids):
    """The (related trial id, (reason kind, value)) pairs for one trial, best first (kinds are RelatedReason's)."""
    scores, reasons = Counter(), {}
    weights = {"condition": CONDITION_WEIGHT, "intervention": INTERVENTION_WEIGHT, "word": WORD_WEIGHT}
    for kind in ("condition", "intervention", "word"):
        for value in sorted(features[trial_id][kind]):
            for other in postings[kind, value.lower()][:POSTINGS_CAP]:
                if other != trial_id:
                    scores[other] += weights[kind]
                    reasons.setdefault(other, (kind, value))
    best = sorted((other for other in scores if scores[other] >= MIN_SCORE), key=lambda o: (-scores[o], nct_ids[o]))
    return [(other, reasons[other]) for other in best[:LIMIT]]


def _links(trial_ids, features, postings, nct_ids):
    return [
        RelatedTrial(trial_id=trial_id, related_id=other, reason_kind=kind, reason_value=value[:300], position=i)
        for trial_id in trial_ids
        if trial_id in nct_ids
        for i, (other, (kind, value)) in enumerate(related_for(trial_id, features, postings, nct_ids))
    ]


@transaction.atomic
def refresh_related():
    """Rebuild every trial's related list; returns how many links were written."""
    features, postings = _features()
    nct_ids = dict(Trial.objects.published().values_list("id", "nct_id"))
    RelatedTrial.objects.all().delete()
    return len(RelatedTrial.objects.bulk_create(_links(nct_ids, features, postings, nct_ids), batch_size=1000))


@transaction.atomic
def refresh(trial_ids):
    """Rebuild the lists of these trials (published or not) and of the trials whose lists they may enter or leave.

    Those are the trials listing them now, and the trials sharing a feature with them within the candidates
    related_for() considers (POSTINGS_CAP a feature), so each list rebuilt is the one refresh_related() gives.
    """
    changed = set(trial_ids)
    features, postings = _features()
    nct_ids = dict(Trial.objects.published().values_list("id", "nct_id"))
    neighbours = set(RelatedTrial.objects.filter(related_id__in=changed).values_list("trial_id", flat=True))
    for trial_id in changed & nct_ids.keys():
        for kind, values in features[trial_id].items():
            for value in values:
                if trial_id in (candidates := postings[kind, value.lower()][:POSTINGS_CAP]):
                    neighbours.update(candidates)
    rebuilt = changed | neighbours
    RelatedTrial.objects.filter(trial_id__in=rebuilt).delete()
    RelatedTrial.objects.bulk_create(_links(sorted(rebuilt), features, postings, nct_ids), batch_size=1000)
