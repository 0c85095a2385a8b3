"""Related trials, precomputed: for each trial, up to five others that share the most with it, open ones first.

Shared conditions weigh most, then shared interventions, then distinctive words of the
title; a trial must score MIN_SCORE to be related at all. Among the related, trials still enrolling
(recruiting, not yet recruiting or enrolling by invitation: choices.OPEN) come first, as the first key,
then the score, then the NCT ID: a person reading a record, often of a trial long closed, looks for one
they can still join, and a closed trial only keeps its place when fewer than five open ones are related.
An import's end (trials.changes.import_finished) brings up to date the lists of the trials
marked related_stale, the whole set at once when they are many (refresh_related); any other change
(trials.changes) calls refresh(), which reads only the trials concerned. Both clear the mark.
A record page reads its list with the trial instead of scanning all trials on each request.

A trial's candidates for a feature are the first POSTINGS_CAP trials (by id) sharing it,
so very common conditions stay cheap. refresh() rebuilds the changed trials' lists and the
lists that named them exactly, and puts a changed trial into the other lists it now enters,
by the scores stored with each link; only what the cap pushes out of a very common feature's
candidates waits for the next import's full rebuild.

Both work the lists out from what is committed, then write them in one short transaction: on
SQLite a transaction holds the one write lock from its start, and a full rebuild's reading and
ranking takes seconds (17 s at 10,000 trials) that staff saves would otherwise wait through.
"""

import heapq
import re
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models.functions import Lower

from . import choices
from .models import Condition, Intervention, RelatedTrial, Trial, TrialCondition

LIMIT = 5
KINDS = {"condition": 6, "intervention": 4, "word": 1}  # each kind of feature and its weight, in reason order
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


def _features(trials, conditions=None, interventions=None):
    """Per trial of `trials` (a Trial queryset): its condition names, intervention names and title words.

    conditions and interventions, when given, are querysets of the rows to read (narrower than all of theirs).
    """
    features = defaultdict(lambda: {kind: set() for kind in KINDS})
    if conditions is None:
        conditions = TrialCondition.objects.filter(trial__in=trials)
    for trial_id, name in conditions.values_list("trial_id", "condition__name"):
        features[trial_id]["condition"].add(name)
    if interventions is None:
        interventions = Intervention.objects.filter(trial__in=trials)
    for trial_id, name in interventions.exclude(name__iexact="placebo").values_list("trial_id", "name"):
        features[trial_id]["intervention"].add(name)
    for trial_id, title in trials.values_list("id", "brief_title"):
        features[trial_id]["word"] = _title_words(title)
    return features


def _postings(features, only=None):
    """The inverted index: (kind, lower-cased value) -> ids of the trials having it, in id order."""
    postings = defaultdict(list)
    for trial_id in sorted(features):
        for kind, values in features[trial_id].items():
            for value in values:
                if only is None or (kind, value.lower()) in only:
                    postings[kind, value.lower()].append(trial_id)
    return postings


def _postings_of(keys):
    """The postings of these (kind, lower-cased value) keys over every published trial, read for them alone."""
    published = Trial.objects.published()
    wanted = {kind: {value for k, value in keys if k == kind} for kind in KINDS}
    names = Lower("name")
    conditions = Condition.objects.annotate(key=names).filter(key__in=wanted["condition"])
    interventions = Intervention.objects.annotate(key=names).filter(key__in=wanted["intervention"])
    titles = Trial.objects.none()
    for word in wanted["word"]:  # a substring first, in the database; _title_words() then says if it is a word
        titles |= published.filter(brief_title__icontains=word)
    features = _features(
        published.filter(pk__in=titles.values("pk")),
        conditions=TrialCondition.objects.filter(condition__in=conditions, trial__in=published),
        interventions=interventions.filter(trial__in=published),
    )
    return _postings(features, only=keys)


def _standings(trials):
    """Each trial's id -> (closed, NCT ID): what ranks trials beside their score (_rank)."""
    rows = trials.values_list("id", "nct_id", "overall_status")
    return {trial_id: (status not in choices.OPEN, nct_id) for trial_id, nct_id, status in rows}


def _rank(other, score, standing):
    """A related list's order: open trials first, then the higher score, then the NCT ID."""
    closed, nct_id = standing[other]
    return closed, -score, nct_id


def related_for(trial_id, features, postings, standing):
    """The (related trial id, score, (reason kind, value)) of one trial, in list order (kinds are RelatedReason's).

    The reason is the first feature, in KINDS order and then A-Z, that the two share.
    """
    scores = Counter()
    for kind, weight in KINDS.items():
        for value in features[trial_id][kind]:
            candidates = postings[kind, value.lower()][:POSTINGS_CAP]
            # weight-fold Counter.update counts in C: 2.3x faster at 20,000 trials (guarded by tests/test_related.py)
            for _ in range(weight):
                scores.update(candidates)
    scores.pop(trial_id, None)
    eligible = (other for other, score in scores.items() if score >= MIN_SCORE)
    best = heapq.nsmallest(LIMIT, eligible, key=lambda other: _rank(other, scores[other], standing))
    return [(other, scores[other], _reason(trial_id, other, features, postings)) for other in best]


def _reason(trial_id, other, features, postings):
    for kind in KINDS:
        for value in sorted(features[trial_id][kind]):
            if other in postings[kind, value.lower()][:POSTINGS_CAP]:
                return kind, value


def _links(trial_id, ranked):
    return [
        RelatedTrial(
            trial_id=trial_id, related_id=other, score=score, reason_kind=kind, reason_value=value[:300], position=i
        )
        for i, (other, score, (kind, value)) in enumerate(ranked)
    ]


class Rewrite:
    """Related lists worked out, not yet written: write() replaces them in one short transaction, so SQLite's write
    lock is held only while they are written, never while they are worked out (tests/test_busy_database.py); a
    caller inside its own transaction dates the pages showing them with them."""

    def __init__(self, lists, replaced=None):
        self.lists = lists  # trial id -> its ranked list
        self.replaced = replaced  # the ids whose lists go (with their related_stale marks); None: every list

    def write(self):
        """Writes the lists; returns the ids of the trials whose lists it wrote."""
        links = [link for trial_id, ranked in self.lists.items() for link in _links(trial_id, ranked)]
        with transaction.atomic():
            if self.replaced is None:
                RelatedTrial.objects.all().delete()
                Trial.objects.filter(related_stale=True).update(related_stale=False)
            else:
                RelatedTrial.objects.filter(trial_id__in=self.replaced | self.lists.keys()).delete()
                Trial.objects.filter(pk__in=self.replaced, related_stale=True).update(related_stale=False)
            RelatedTrial.objects.bulk_create(links, batch_size=1000)
        return set(self.lists)


def rebuild():
    """Every published trial's related list, worked out afresh."""
    published = Trial.objects.published()
    features = _features(published)
    postings = _postings(features)
    standing = _standings(published)
    return Rewrite({trial_id: related_for(trial_id, features, postings, standing) for trial_id in standing})


def refresh_related():
    """Rebuild every trial's related list; returns how many links were written."""
    rewrite = rebuild()
    rewrite.write()
    return sum(len(ranked) for ranked in rewrite.lists.values())


def refresh(trial_ids):
    """After these trials changed: their own lists, and every list they enter, move in or leave, written at once.
    Returns the ids of the trials whose lists it wrote."""
    return rework(trial_ids).write()


def rework(trial_ids):
    """The lists to write after these trials changed: their own, and every list they enter, move in or leave.

    A list that named a changed trial is rebuilt whole only when that trial may rank lower in it: its score
    fell, or it is closed now (it may have been open, ahead of closed trials the list did not hold); otherwise
    the list is re-ranked from its stored scores, as are the lists a changed trial now enters.
    """
    changed = set(trial_ids)
    if not changed:
        return Rewrite({}, replaced=set())
    published = Trial.objects.published()
    live = set(published.filter(pk__in=changed).values_list("pk", flat=True))
    features = _features(published.filter(pk__in=live))
    postings = _postings_of(_keys(features, live))
    hits, scores = _scores(live, features, postings)
    standing = _standings(published)
    fallen = set()
    for other, trial_id, score in RelatedTrial.objects.filter(related_id__in=changed).values_list(
        "trial_id", "related_id", "score"
    ):
        now = scores[other][trial_id]
        if now < score or now < MIN_SCORE or standing[trial_id][0]:  # (an unpublished trial scores 0 now)
            fallen.add(other)
    rebuilt = live | set(published.filter(pk__in=fallen - changed).values_list("pk", flat=True))
    features.update(_features(published.filter(pk__in=rebuilt - live)))
    postings.update(_postings_of(_keys(features, rebuilt - live) - postings.keys()))
    lists = {trial_id: related_for(trial_id, features, postings, standing) for trial_id in rebuilt}
    lists.update(_entered(live, hits, scores, standing, exclude=rebuilt | changed))
    return Rewrite(lists, replaced=changed)


def _keys(features, trial_ids):
    return {
        (kind, value.lower())
        for trial_id in trial_ids
        for kind, values in features[trial_id].items()
        for value in values
    }


def _scores(changed, features, postings):
    """What related_for() would count for each changed trial in any other trial's list, read off the postings:
    (feature -> {changed trial: times among its candidates}, trial -> Counter of the changed trials' scores)."""
    hits = {}
    for trial_id in changed:
        for kind, values in features[trial_id].items():
            for value in values:
                key = (kind, value.lower())
                if found := postings[key][:POSTINGS_CAP].count(trial_id):
                    hits.setdefault(key, {})[trial_id] = found
    scores = defaultdict(Counter)
    for key, found in hits.items():
        for neighbour in postings[key]:
            for trial_id, times in found.items():
                if neighbour != trial_id:
                    scores[neighbour][trial_id] += KINDS[key[0]] * times
    return hits, scores


def _entered(changed, hits, scores, standing, exclude):
    """The lists (other than `exclude`) that hold a changed trial now, re-ranked from their stored scores."""
    entering = {
        neighbour: {other: score for other, score in their.items() if score >= MIN_SCORE}
        for neighbour, their in scores.items()
        if neighbour not in exclude
    }
    entering = {neighbour: found for neighbour, found in entering.items() if found}
    ranked = {}
    for batch in _batches(sorted(entering)):
        stored = defaultdict(list)
        links = RelatedTrial.objects.filter(trial_id__in=batch).exclude(related_id__in=changed)
        for trial_id, *entry in links.values_list("trial_id", "related_id", "score", "reason_kind", "reason_value"):
            stored[trial_id].append(entry)
        for neighbour in batch:
            found = [[other, score, None, None] for other, score in entering[neighbour].items()]
            best = sorted(stored[neighbour] + found, key=lambda entry: _rank(*entry[:2], standing))[:LIMIT]
            if any(entry[2] is None for entry in best):  # a list the changed trials do not enter stays as it is
                ranked[neighbour] = best
    theirs = {}
    for batch in _batches(sorted(ranked)):
        theirs.update(_features(Trial.objects.filter(pk__in=batch)))
    lists = {}
    for neighbour, best in ranked.items():
        reasons = {}
        for kind in KINDS:  # the reason related_for() gives: the neighbour's first shared feature, in its order
            for value in sorted(theirs[neighbour][kind]):
                for other in hits.get((kind, value.lower()), {}):
                    reasons.setdefault(other, (kind, value))
        lists[neighbour] = [
            (other, score, (kind, value) if kind else reasons[other]) for other, score, kind, value in best
        ]
    return lists


def _batches(ids, size=1000):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
