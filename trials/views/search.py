"""The search page, and the search an address describes (also read by the exports and the RSS feed)."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from trials.chips import active_filters, chosen, link, open_choice, parameters
from trials.filters import OPEN_STATUSES, TrialFilter
from trials.models import SearchEntry, Trial
from trials.search.criteria import DEFAULT_DISTANCE_KM, Criteria
from trials.search.query import nct_id_in
from trials.search.results import search

FACET_TITLES = {
    "status": _("Recruitment status"),
    "phase": _("Phase"),
    "study_type": _("Study type"),
    "sponsor_class": _("Lead sponsor type"),
    "has_results": _("Results posted"),
}
MORE_FILTERS = [
    "condition",
    "intervention_type",
    "sponsor",
    "country",
    "age",
    "sex",
    "healthy_volunteers",
    "start_from",
    "start_to",
    "updated_since",
]


def search_for(request):
    """The address's search: (its filters, whose form the page shows; the Criteria they describe)."""
    filterset = TrialFilter(request.GET, queryset=SearchEntry.objects.all())
    values = filterset.valid_values()
    active = filterset.in_use()
    criteria = Criteria(
        filtered=filterset.filtered,
        active=active,
        labels={name: filterset.form[name].label for name in active},
        words=values.get("q") or "",
        asked_sort=values.get("sort") or "",
        place=values.get("near"),
        distance=values.get("distance") or DEFAULT_DISTANCE_KM,
        page=request.GET.get("page"),
    )
    return filterset, criteria


def _did_you_mean(request, filterset):
    """[(parameter's label, the text typed, [(a close name, this search's address with it instead)] or None)] for
    each condition or sponsor typed that names none exactly (the filter matched names holding its words)."""
    found = []
    for parameter, label, typed, closest in filterset.not_exact():
        links = None if closest is None else []
        for name in closest or ():
            values = [name if value.strip() == typed else value for value in request.GET.getlist(parameter)]
            links.append((name, link({**parameters(request.GET), parameter: values})))
        found.append((label, typed, links))
    return found


def trial_list(request):
    nct_id = nct_id_in(request.GET.get("q", ""))
    if nct_id and Trial.objects.published().filter(nct_id=nct_id).exists():
        return redirect("trials:detail", nct_id)
    filterset, criteria = search_for(request)
    filterset.form.show_in_effect(criteria.sort, criteria.default_sort, criteria.distance)
    results = search(criteria)
    facets = [
        (name, title, results.facets.choices(name, chosen(request.GET, name))) for name, title in FACET_TITLES.items()
    ]
    open_chosen, open_url = open_choice(request.GET)
    in_use = active_filters(filterset)
    context = {
        "filter": filterset,
        "search": criteria,
        "results": results,
        "page": results.page,
        "facets": facets,
        "more_filters": [filterset.form[name] for name in MORE_FILTERS],
        # the chips show the more filters in use: their box opens only to show a mistake
        "more_filters_open": any(name in filterset.form.errors for name in MORE_FILTERS),
        "facet_names": list(FACET_TITLES),
        "facet_values": [(name, value) for name in FACET_TITLES for value in filterset.data.getlist(name)],
        "open_trials": {
            "chosen": open_chosen,
            "url": open_url,
            "count": sum(results.facets.counts["status"][status] for status in OPEN_STATUSES),
        },
        "active": in_use,
        # the phone's "Change search" starts open on the bare page (nothing to sum up) and when the form has errors
        "search_open": not request.GET or bool(filterset.form.errors),
        # near a place: each trial's link carries it, and the trial's page names its nearest site ("at a glance")
        "record_query": (
            urlencode({"near": request.GET["near"], "distance": criteria.distance}) if criteria.place else ""
        ),
        "did_you_mean": _did_you_mean(request, filterset),
    }
    return render(request, "trials/trial_list.html", context)
