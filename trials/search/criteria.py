"""One search as asked: which entries match, in what order, which page, and what its facet counts depend on.

The view layer builds it from the page's cleaned parameters (trials/views/search.py). The filters
themselves (trials/filters.py) come in as one function, `filtered(without=())`, so nothing here
knows how a filter reads its parameter, and nothing here imports a filter, form or view.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from trials import geo, nearby

from .backends import backend
from .query import TextQuery, parse

SORTS = {  # sort parameter -> (label, SearchEntry ordering); relevance comes from the text backend
    "relevance": (_("Best match"), None),
    "updated": (_("Last updated"), ["-last_update", "-pk"]),
    "start": (_("Start date, newest first"), ["-start_date", "-pk"]),
    "enrollment": (_("Enrollment, largest first"), ["-enrollment", "-pk"]),
    "title": (_("Title A–Z"), ["title", "pk"]),
    "distance": (_("Distance"), None),  # nearest site first; needs a city in "near"
}
DEFAULT_DISTANCE_KM = 100


@dataclass(frozen=True)
class Criteria:
    """A search: its filters (as one function), the words, the sort asked for, the place, distance and page."""

    filtered: Callable  # filtered(without=()): SearchEntry rows every filter in use allows, but those named
    active: dict = field(default_factory=dict)  # each filter with a valid value -> that value, in the form's order
    labels: dict = field(default_factory=dict)  # each active filter -> its label (for "try without")
    words: str = ""  # the search box as accepted ("" when empty or refused)
    asked_sort: str = ""  # the sort parameter as accepted ("" when not given or refused)
    place: geo.Place | None = None  # where the person searches near
    distance: int = DEFAULT_DISTANCE_KM
    page: str | None = None  # the page parameter as given: the paginator forgives any value

    @cached_property
    def query(self) -> TextQuery:
        """The parsed search words (empty when there are none)."""
        return parse(self.words)

    @cached_property
    def default_sort(self):
        """The sort when none is asked: nearest site near a city, best match with words, else last updated."""
        if self.place is not None and not self.place.is_country:
            return "distance"
        return "relevance" if self.query else "updated"

    @cached_property
    def sort(self):
        """The sort in effect: as asked, but best match and nearest site give way to the default (nearest site
        near a city, best match only with words)."""
        return self.default_sort if self.asked_sort in ("relevance", "distance", "") else self.asked_sort

    def ordered(self, sample=None, candidates=None):
        """The matching entries in the sort's order; best match ranks those in the sample given, or the candidates'
        ids (matches already found: trials/search/facets.py), when given."""
        entries = self.filtered()
        if self.sort == "relevance":
            entries = sample.of(entries) if sample else entries
            return backend().by_relevance(entries, self.query, candidates)
        if self.sort == "distance":
            nearest = nearby.nearest_distance(self.place, self.distance)
            return entries.annotate(distance=nearest).order_by("distance", "pk")
        return entries.order_by(*SORTS[self.sort][1])

    def by_update(self):
        """The matching entries, most recently updated first."""
        return self.filtered().order_by(*SORTS["updated"][1])

    @property
    def facet_key(self):
        """What the matches (and so the facet counts) depend on: each active filter's value, for the cache."""
        return [(name, repr(value)) for name, value in self.active.items()], self.distance
