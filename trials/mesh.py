"""The MeSH term of each condition: the names registered for one disease grouped under the term the registry found.

Registries let each trial name its conditions freely ("Lumbar Disc Herniation", "Disk, Herniated", "Herniated
Disc", …); ClinicalTrials.gov maps each record's condition text to MeSH terms in the record's
`derivedSection.conditionBrowseModule`: `browseLeaves` ({name: the MeSH term, asFound: the text it was found in,
relevance: HIGH or LOW}) and `meshes` (the trial's terms). Trial.source_record keeps it; nothing else models it.

The rule, in two steps:

1. Each trial gives each condition it names at most one term (TrialCondition.mesh_term, its *vote*): the
   HIGH-relevance browse leaf whose `asFound` is the condition's name, or else is contained in it, compared
   word by word in any case and order, punctuation aside, "disk" read as "disc" (the registry's `asFound` is
   the MeSH entry it matched, so "Disk, Herniated" is found as "Herniated Disc"; "Disc Herniation" is in "Lumbar
   Disc Herniation"; "Hernia" is not in "Herniated Disc"). Of several, the exact one, then the one of most words,
   then the term first by name. No leaf matches: when the trial names exactly one condition and has exactly one
   term in `meshes`, that term. Else no vote.
2. A condition's term (Condition.mesh_term) is the term most of the trials naming it vote for. A tie goes to the
   term with more votes over all conditions (the larger group: "Disk Herniated Lumbar", one vote for "Hernia"
   and one for "Intervertebral Disc Displacement", joins the latter), then to the term first by name. No vote,
   no term: the condition is listed as itself. Every trial counts, published or not (a condition only unpublished
   trials name is not shown anywhere).

It is kept up to date on the one change path: trials.changes.trials_changed() calls trials_changed() here for
the trials changed (their votes read again from their records, then the terms of every condition they name),
and a change that may stop trials naming a condition (the importer's and the admin's rewrite of a trial's
conditions, a deletion) runs inside unlinking(), which works out again the terms of the conditions they no
longer name. rebuild() does every trial and condition in one pass: migration 0014 fills stored trials with it,
and `python manage.py rebuild_condition_terms` repairs by hand.
"""

import re
from collections import Counter, defaultdict
from contextlib import contextmanager

from django.db.models import Count

BROWSE = "source_record__derivedSection__conditionBrowseModule"  # where a trial's record keeps its MeSH mapping
MAX_TERM = 300  # the columns' length: a longer "term" is not one
CHUNK = 500  # trials or conditions read at a time (ids per query stay bounded)
WORDS_RE = re.compile(r"[^\W_]+")
SPELLINGS = {"disk": "disc", "disks": "discs"}  # read as MeSH spells them


def words(text):
    """A name's words as the rule compares them: in lower case, punctuation dropped, MeSH's spelling."""
    return tuple(SPELLINGS.get(word, word) for word in WORDS_RE.findall(text.casefold()))


def _text(value):
    return value if isinstance(value, str) and value.strip() and len(value) <= MAX_TERM else None


def trial_terms(names, browse):
    """{condition name: MeSH term} for one trial's condition names, from its conditionBrowseModule (step 1 of the
    rule); names without a vote are left out. `browse` may be anything a record holds there (None, odd types)."""
    if not isinstance(browse, dict):
        return {}
    leaves = []
    for leaf in browse.get("browseLeaves") or []:
        if isinstance(leaf, dict) and leaf.get("relevance") == "HIGH":
            found, term = _text(leaf.get("asFound")), _text(leaf.get("name"))
            if found and term and words(found):
                leaves.append((words(found), term))
    meshes = browse.get("meshes") or []
    terms = {term for mesh in meshes if isinstance(mesh, dict) and (term := _text(mesh.get("term")))}
    names = list(dict.fromkeys(names))
    votes = {}
    for name in names:
        wanted = words(name)
        held = set(wanted)
        matches = [(found != wanted, -len(found), term) for found, term in leaves if held.issuperset(found)]
        if matches:
            votes[name] = min(matches)[2]
        elif len(terms) == 1 and len(names) == 1:
            votes[name] = next(iter(terms))
    return votes


def record_terms(names, record):
    """trial_terms() of a whole API v2 study (as Trial.source_record keeps it)."""
    derived = record.get("derivedSection") if isinstance(record, dict) else None
    return trial_terms(names, derived.get("conditionBrowseModule") if isinstance(derived, dict) else None)


def winner(counts, totals):
    """The term most votes name (a Counter), on a tie the one with most votes in `totals` (every condition's), then
    the first by name (step 2 of the rule); None for no vote."""
    return min(counts.items(), key=lambda item: (-item[1], -totals.get(item[0], 0), item[0]))[0] if counts else None


def _tied(counts):
    """The terms some condition's votes tie on (their totals decide)."""
    tied = set()
    for votes in counts.values():
        most = max(votes.values(), default=0)
        top = [term for term, n in votes.items() if n == most]
        if len(top) > 1:
            tied.update(top)
    return tied


def _totals(terms, TrialCondition):
    """{term: votes over every condition}, for a few terms (an index lookup each)."""
    totals = {}
    for batch in _batches(sorted(terms)):
        rows = TrialCondition.objects.filter(mesh_term__in=batch).order_by().values_list("mesh_term")
        totals.update(rows.annotate(n=Count("pk")))
    return totals


# Keeping the terms up to date


def _models():
    from trials.models import Condition, Trial, TrialCondition

    return Trial, TrialCondition, Condition


def _batches(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _vote(trial_ids, Trial, TrialCondition):
    """Rewrite the votes of these trials' conditions from their records; returns (the conditions they name, how many
    votes changed)."""
    browse = dict(Trial.objects.filter(pk__in=trial_ids).values_list("pk", BROWSE))
    links = defaultdict(list)
    rows = (
        TrialCondition.objects.filter(trial_id__in=trial_ids)
        .order_by("trial_id", "position", "pk")
        .values_list("pk", "trial_id", "condition_id", "condition__name", "mesh_term")
    )
    for row in rows:
        links[row[1]].append(row)
    changed, named = [], set()
    for trial_id, rows in links.items():
        votes = trial_terms([row[3] for row in rows], browse.get(trial_id))
        for pk, _, condition_id, name, stored in rows:
            named.add(condition_id)
            if votes.get(name) != stored:
                changed.append((pk, votes.get(name)))
    _write(TrialCondition, changed)
    return named, len(changed)


def _write(model, changed):
    """Set mesh_term on rows [(pk, term)]: one UPDATE per term (an IN list on the primary key; much faster than a
    CASE over every row, which grows with the square of the rows)."""
    by_term = defaultdict(list)
    for pk, term in changed:
        by_term[term].append(pk)
    for term, pks in by_term.items():
        for batch in _batches(pks):
            model.objects.filter(pk__in=batch).update(mesh_term=term)


def _elect(condition_ids, TrialCondition, Condition):
    """Set the term of these conditions from their trials' votes (step 2)."""
    for batch in _batches(sorted(condition_ids)):
        counts = defaultdict(Counter)
        votes = (
            TrialCondition.objects.filter(condition_id__in=batch, mesh_term__isnull=False)
            .order_by()
            .values_list("condition_id", "mesh_term")
            .annotate(n=Count("pk"))
        )
        for condition_id, term, n in votes:
            counts[condition_id][term] = n
        totals = _totals(_tied(counts), TrialCondition)
        stored = Condition.objects.filter(pk__in=batch).values_list("pk", "mesh_term")
        _write(Condition, [(pk, term) for pk, was in stored if (term := winner(counts[pk], totals)) != was])


def trials_changed(trial_ids):
    """After these trials' rows were written: their votes read again, and the terms of the conditions they name."""
    Trial, TrialCondition, Condition = _models()
    for batch in _batches(trial_ids):
        _elect(_vote(batch, Trial, TrialCondition)[0], TrialCondition, Condition)


def _named_by(trial_ids, TrialCondition):
    named = set()
    for batch in _batches(trial_ids):
        named |= set(TrialCondition.objects.filter(trial_id__in=batch).values_list("condition_id", flat=True))
    return named


@contextmanager
def unlinking(trial_ids):
    """Around a change that may stop these trials naming some of their conditions (rows replaced or deleted): the
    terms of the conditions they no longer name are worked out again afterwards (they lost a vote)."""
    _, TrialCondition, Condition = _models()
    trial_ids = [pk for pk in trial_ids if pk is not None]
    before = _named_by(trial_ids, TrialCondition) if trial_ids else set()
    yield
    if before:
        _elect(before - _named_by(trial_ids, TrialCondition), TrialCondition, Condition)


def rebuild(Trial=None, TrialCondition=None, Condition=None):
    """Every vote and every condition's term, in one pass over the trials (then one grouped count of the votes).
    Takes the models (a migration passes its own); returns (votes changed, conditions changed)."""
    if Trial is None:
        Trial, TrialCondition, Condition = _models()
    votes_changed = 0
    trial_ids = list(Trial.objects.order_by("pk").values_list("pk", flat=True))
    for batch in _batches(trial_ids):
        votes_changed += _vote(batch, Trial, TrialCondition)[1]
    counts, totals = defaultdict(Counter), Counter()
    rows = TrialCondition.objects.filter(mesh_term__isnull=False).order_by().values_list("condition_id", "mesh_term")
    for condition_id, term, n in rows.annotate(n=Count("pk")):
        counts[condition_id][term] = n
        totals[term] += n
    changed = [
        (pk, term)
        for pk, was in Condition.objects.values_list("pk", "mesh_term")
        if (term := winner(counts[pk], totals)) != was
    ]
    _write(Condition, changed)
    return votes_changed, len(changed)
