"""One search, run: the page of trials in order, facet counts, snippets, and what to try when nothing matched."""

import difflib
import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.utils.html import escape
from django.utils.safestring import mark_safe

from trials import nearby
from trials.eligibility import unescape_markdown
from trials.models import Condition, Intervention, Location, Trial

from .backends import MARK_END, MARK_START, RANK_LIMIT, backend
from .cached import cached
from .facets import facet_counts
from .sample import Sample, sample_for

PAGE_SIZE = 20
MAX_RESULTS = 10_000  # pages go this deep; past it, people narrow the search
SPELLING_WORD_RE = re.compile(r"[^\W\d_]{4,}")
MARKUP_RE = re.compile(r"\*\*|__|^[#>]+ ?", re.MULTILINE)


class CountedPaginator(Paginator):
    """A paginator told the count (the facet query already has it) instead of asking the database again."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.count = count


@dataclass
class Results:
    total: int
    page: object
    facets: object
    listed: int = 0  # how many of the matches can be paged through: all, or the first MAX_RESULTS / ranked ones
    ranked_sample: bool = False  # best match was looked for in a sample of the matches (a very broad search)
    respelt: str = ""  # the query with misspelt words replaced by known ones, when nothing matched
    loosen: list = field(default_factory=list)  # (parameter, its label, trials without it) when nothing matched

    @property
    def capped(self):
        return self.total > self.listed


def search(criteria):
    """Run a search (a Criteria) and return its page (forgiving: 1 or the last for a page number that is not one)."""
    with backend().planned_with_values():
        return _run(criteria)


def _run(criteria):
    facets = cached("facets", lambda: facet_counts(criteria), criteria.facet_key)
    listed, ranked, candidates = min(facets.total, MAX_RESULTS), Sample(), None
    if criteria.sort == "relevance":
        # Too many to rank: best match ranks a sample of them that holds about RANK_LIMIT (half of it to all of
        # it; past 64 times RANK_LIMIT, one bucket, whose most recently updated RANK_LIMIT are ranked). A sample
        # of about EXACT_LIMIT read the status and phase of twice as many rows, to rank the same number:
        # words + status + phase at 500,000 trials, its ranking query 56 -> 40 ms (bench/RESULTS.md).
        if facets.total_estimated:
            ranked = sample_for(facets.total, RANK_LIMIT)
        candidates = facets.candidates(ranked, RANK_LIMIT)
        if candidates is not None:
            listed = min(listed, len(candidates))
        else:
            listed = min(listed, ranked.share(facets.total), RANK_LIMIT)
    ids_in_order = criteria.ordered(ranked, candidates).values_list("pk", flat=True)
    page = CountedPaginator(ids_in_order, PAGE_SIZE, listed).get_page(criteria.page)
    ids = list(page.object_list)
    trials = Trial.objects.for_list().in_bulk(ids)
    page.object_list = [trials[pk] for pk in ids if pk in trials]
    query = criteria.query
    _add_countries_and_snippets(page.object_list, query)
    # every trial has one, if only None: a template's lookup of a missing attribute lists the model's every name
    nearest = nearby.nearest_sites(ids, place, criteria.distance) if (place := criteria.place) else {}
    for trial in page.object_list:
        trial.nearest_site = nearest.get(trial.pk)
    results = Results(total=facets.total, page=page, facets=facets, listed=listed)
    results.ranked_sample = criteria.sort == "relevance" and not ranked.whole
    if not facets.total:
        results.respelt = respelt(criteria.words, query.words()) if query else ""
        results.loosen = loosen(criteria)
    return results


def loosen(criteria):
    """For each parameter in use, how many trials match without it (those that would give some)."""
    options = []
    for name in criteria.active:
        count = criteria.filtered(without={name}).count()
        if count:
            options.append((name, str(criteria.labels[name]), count))
    return options


def _add_countries_and_snippets(trials, query):
    """Set trial.countries (sorted) and trial.snippet (safe HTML, or "") on a page of trials, in two queries."""
    countries = {}
    rows = Location.objects.filter(trial__in=trials).exclude(country="").order_by().values_list("trial_id", "country")
    for trial_id, country in rows.distinct():  # not by Location's ordering, whose columns DISTINCT would compare too
        countries.setdefault(trial_id, set()).add(country)
    snippets = backend().snippets([trial.pk for trial in trials], query) if query and trials else {}
    for trial in trials:
        trial.countries = sorted(countries.get(trial.pk, ()))
        trial.snippet = highlight(snippets[trial.pk]) if snippets.get(trial.pk) else ""


def highlight(snippet):
    """A snippet as safe HTML: registry text escaped, its markdown marks dropped, matches in <mark>."""
    text = escape(MARKUP_RE.sub("", unescape_markdown(snippet)))
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def vocabulary():
    """Words of condition and intervention names (cached): what a misspelt query is compared with."""

    def compute():
        names = list(Condition.objects.values_list("name", flat=True))
        names += Intervention.objects.order_by().values_list("name", flat=True).distinct()
        return sorted({word.lower() for name in names for word in SPELLING_WORD_RE.findall(name)})

    return cached("vocabulary", compute)


def respelt(text, words):
    """`text` with each word that is no known name word replaced by the closest one; "" if none is close."""
    known = vocabulary()
    known_set = set(known)
    changed = text
    for word in words:
        if word in known_set or not SPELLING_WORD_RE.fullmatch(word):
            continue
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
        if close:
            changed = re.sub(rf"\b{re.escape(word)}\b", close[0], changed, flags=re.IGNORECASE)
    return changed if changed != text else ""
