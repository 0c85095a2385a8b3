"""Condition and sponsor names as people type them: the search's `condition` and `sponsor` filters, the names
suggested as one types (/conditions/suggest, /sponsors/suggest) and the "Did you mean" links.

A typed text is *exact* when it is a name (any case), the slug of a condition or sponsor page, or, for
conditions, a MeSH term (trials.mesh), which stands for every condition of its group. A text that is none of
these is read as a *partial* name: the rows whose name (or MeSH term) holds each of its words, in any case and
order. Every query here is bounded: an IN list of at most the filter's 50 texts, or a LIMIT.
"""

import re

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Length, Lower

from .models import Collaboration, Condition, Trial, TrialCondition
from .models.publication import published

MIN_TYPED = 2  # characters before anything is suggested
MAX_TYPED = 100  # characters of a typed text that are read
MAX_WORDS = 6  # words of a partial name that must all be found
SUGGESTIONS = 10  # names a suggestion list holds
CANDIDATES = 200  # rows a suggestion list is chosen from
CLOSEST = 5  # names a "Did you mean" offers for one text
WORD_RE = re.compile(r"\w+")


def _fields(model):
    """The text fields a typed name is compared with: a condition's name and MeSH term, a sponsor's name."""
    return ("name", "mesh_term") if model is Condition else ("name",)


def _exact(model, texts):
    lowered = [text.lower() for text in texts]
    q = Q(slug__in=texts)
    for name in _fields(model):
        q |= Q(**{f"{name}_lowered__in": lowered})
    return q


def _lowered(model):
    return {f"{name}_lowered": Lower(name) for name in _fields(model)}


def words(text):
    """The words of a typed text that a partial name must hold (at most MAX_WORDS)."""
    return WORD_RE.findall(text[:MAX_TYPED])[:MAX_WORDS]


def _holding(model, text):
    """Rows whose name (or MeSH term) holds every word of the text; nothing for a text without words."""
    found = words(text)
    if not found:
        return Q(pk__in=[])
    q = Q()
    for name in _fields(model):
        q |= Q(*(Q(**{f"{name}__icontains": word}) for word in found))
    return q


def named(model, texts):
    """The rows the texts name: for each text, the rows it names exactly, or, when it names none, the rows it names
    in part. One query (as a subquery): whether a text names any row exactly is asked inside it, once."""
    rows = model.objects.alias(**_lowered(model))
    q = _exact(model, texts)
    for text in texts:
        exists = Exists(model.objects.alias(**_lowered(model)).filter(_exact(model, [text])))
        q |= _holding(model, text) & ~exists
    return rows.filter(q)


def not_exact(model, texts):
    """The texts that name no row exactly (one query over at most the filter's 50 texts)."""
    if not texts:
        return []
    rows = model.objects.annotate(**_lowered(model)).filter(_exact(model, texts))
    slugs, lowered = set(), set()
    for slug, *names in rows.values_list("slug", *_lowered(model)):
        slugs.add(slug)
        lowered.update(names)
    return [text for text in texts if text not in slugs and text.lower() not in lowered]


def typed(text):
    """A text from an address as the names are searched with it: at most MAX_TYPED characters, no control
    characters (PostgreSQL refuses NUL), spaces trimmed."""
    return "".join(char for char in text[:MAX_TYPED] if char.isprintable()).strip()


def shown(model):
    """The condition for a row that a published trial names (a row only unpublished trials name is never shown)."""
    if model is Condition:
        return Exists(TrialCondition.objects.filter(published("trial__"), condition=OuterRef("pk")))
    return Exists(Trial.objects.filter(published(), lead_sponsor=OuterRef("pk"))) | Exists(
        Collaboration.objects.filter(published("trial__"), sponsor=OuterRef("pk"))
    )


def _candidates(model, text, limit):
    """Shown rows holding the text's words: the name starting with the text first, then the shortest, A–Z."""
    starts = Q(name__istartswith=text)
    if model is Condition:
        starts |= Q(mesh_term__istartswith=text)
    fields = _fields(model)
    return (
        model.objects.filter(_holding(model, text))
        .filter(shown(model))
        .annotate(starts=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("starts", Length("name"), "name")
        .values_list(*fields)[:limit]
    )


def suggest(model, text, limit=SUGGESTIONS):
    """(up to `limit` names for a text being typed, {MeSH term among them: a name of its group that holds the
    text, when the term itself does not}). MeSH groups come first (conditions), then names; nothing for a text
    shorter than MIN_TYPED. One query, of at most CANDIDATES rows."""
    text = typed(text)
    if len(text) < MIN_TYPED or not words(text):
        return [], {}
    rows = list(_candidates(model, text, CANDIDATES))
    lowered = text.lower()
    groups, through = [], {}
    if model is Condition:
        for name, term in rows:  # best first: a group's first name is its example
            if term and term not in through:
                through[term] = None if all(word.lower() in term.lower() for word in words(text)) else name
        # a term starting with the text, then one holding it, then one reached through its names; A–Z
        groups = sorted(
            through, key=lambda term: (not term.lower().startswith(lowered), through[term] is not None, term)
        )
    chosen, seen = [], set()
    for name in [*groups, *(row[0] for row in rows)]:
        if name.lower() not in seen:
            seen.add(name.lower())
            chosen.append(name)
    chosen = chosen[:limit]
    return chosen, {term: through[term] for term in groups if term in chosen and through[term]}


def closest(model, text, limit=CLOSEST):
    """The names to offer for a text that names no row exactly ("Did you mean"): suggest()'s, fewer."""
    return suggest(model, text, limit)[0]


def names_of(model, texts):
    """Each text that names a row exactly by slug or name -> the row's name (a filter chip's label, which marks it
    as the registry's English); a text naming no row is left out."""
    found = {}
    rows = model.objects.alias(**_lowered(model)).filter(_exact(model, texts))
    for slug, name in rows.values_list("slug", "name"):
        found[slug] = found[name.lower()] = name
    return {text: found.get(text, found.get(text.lower())) for text in texts if text in found or text.lower() in found}
