"""Open sites near a place: which trials have one within a distance, and the nearest one of each.

An open site is recruiting or not yet recruiting (choices.JOINING): its own status, or the trial's when the
site has none. That one rule decides which trials a near search finds, their order, the nearest site each
shows and the facet counts. A place is a city (a point: sites within the distance, nearest first) or a
country (its sites, whatever the distance). Points are city-level (trials/geo.py), so distances are "about".
"""

from django.db.models import OuterRef, Q, Subquery

from . import choices, geo
from .models import Location

OPEN_SITE = Q(status__in=choices.JOINING) | Q(status="", trial__overall_status__in=choices.JOINING)


def _stored_country_names(place):
    """The country names sites use (registry spelling) that mean the place's country."""
    stored = Location.objects.order_by().values_list("country", flat=True).distinct()
    places = geo.gazetteer()
    return [name for name in stored if places.country_code(name) == place.country_code]


def open_sites(place, km):
    """Open sites in the place's country, or within km of its city annotated with `distance` (km)."""
    sites = Location.objects.filter(OPEN_SITE)
    if place.is_country:
        return sites.filter(country__in=_stored_country_names(place))
    within = sites.filter(**geo.bounding_box(place, km)).annotate(distance=geo.distance_expression(place))
    return within.filter(distance__lte=km)


def trial_ids_near(place, km):
    return open_sites(place, km).values("trial_id")


def nearest_distance(place, km):
    """A subquery for search rows (trial_id): the distance to the trial's nearest open site in range."""
    sites = open_sites(place, km).filter(trial_id=OuterRef("trial_id"))
    return Subquery(sites.order_by("distance").values("distance")[:1])


def nearest_sites(trial_ids, place, km):
    """{trial id: its nearest open site in range (with .distance for a city)}, in one query."""
    sites = open_sites(place, km).filter(trial_id__in=trial_ids)
    sites = sites.order_by("trial_id", "city", "position") if place.is_country else sites.order_by("distance")
    nearest = {}
    for site in sites:
        nearest.setdefault(site.trial_id, site)
    return nearest


def by_distance(locations, place):
    """A trial's sites nearest first from a city (sites with no point last, in registry order), with .distance."""
    for location in locations:
        placed = location.latitude is not None and location.longitude is not None
        location.distance = (
            geo.distance_km(place.latitude, place.longitude, location.latitude, location.longitude) if placed else None
        )
    return sorted(locations, key=lambda location: (location.distance is None, location.distance or 0))
