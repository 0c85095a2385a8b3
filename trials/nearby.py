"""Recruiting sites near a place: which trials have one within a distance, and the nearest one of each.

A place is a city (a point: sites within the distance, nearest first) or a country (its sites, whatever
the distance). Points are city-level (trials/geo.py), so distances are "about".
"""

from django.db.models import OuterRef, Q, Subquery

from . import choices, geo
from .models import Location

RECRUITING_SITE = Q(status=choices.Status.RECRUITING) | Q(status="", trial__overall_status=choices.Status.RECRUITING)


def _stored_country_names(place):
    """The country names sites use (registry spelling) that mean the place's country."""
    stored = Location.objects.order_by().values_list("country", flat=True).distinct()
    places = geo.gazetteer()
    return [name for name in stored if places.country_code(name) == place.country_code]


def recruiting_sites(place, km):
    """Recruiting sites in the place's country, or within km of its city annotated with `distance` (km)."""
    sites = Location.objects.filter(RECRUITING_SITE)
    if place.is_country:
        return sites.filter(country__in=_stored_country_names(place))
    within = sites.filter(**geo.bounding_box(place, km)).annotate(distance=geo.distance_expression(place))
    return within.filter(distance__lte=km)


def trial_ids_near(place, km):
    return recruiting_sites(place, km).values("trial_id")


def nearest_distance(place, km):
    """A subquery for search rows (trial_id): the distance to the trial's nearest recruiting site in range."""
    sites = recruiting_sites(place, km).filter(trial_id=OuterRef("trial_id"))
    return Subquery(sites.order_by("distance").values("distance")[:1])


def nearest_sites(trial_ids, place, km):
    """{trial id: its nearest recruiting site in range (with .distance for a city)}, in one query."""
    sites = recruiting_sites(place, km).filter(trial_id__in=trial_ids)
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
