"""The search page, and the current search's matches as CSV, API v2 JSON and RSS."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from trials.filters import TrialFilter
from trials.models import SearchEntry, Trial
from trials.search.exports import csv_response, json_response, matching_ids
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


def trial_filter(request):
    return TrialFilter(request.GET, queryset=SearchEntry.objects.all())


def trial_list(request):
    nct_id = nct_id_in(request.GET.get("q", ""))
    if nct_id and Trial.objects.published().filter(nct_id=nct_id).exists():
        return redirect("trials:detail", nct_id)
    filterset = trial_filter(request)
    results = search(filterset, request.GET.get("page"))
    facets = [
        (name, title, results.facets.choices(name, request.GET.getlist(name))) for name, title in FACET_TITLES.items()
    ]
    context = {
        "filter": filterset,
        "results": results,
        "page": results.page,
        "facets": facets,
        "more_filters": [filterset.form[name] for name in MORE_FILTERS],
        "more_filters_open": any(filterset.data.get(name) for name in MORE_FILTERS),
        "facet_names": list(FACET_TITLES),
        "facet_values": [(name, value) for name in FACET_TITLES for value in filterset.data.getlist(name)],
    }
    return render(request, "trials/trial_list.html", context)


def export_csv(request):
    ids, capped = matching_ids(trial_filter(request))
    response = csv_response(ids, request.build_absolute_uri)
    if capped:
        # Part of the export, as the JSON export's note: English whatever the page language (headers are latin-1).
        response["X-Export-Note"] = f"Only the first {len(ids)} matches are included"
    return response


def export_json(request):
    filterset = trial_filter(request)
    ids, capped = matching_ids(filterset)
    return json_response(ids, filterset.qs.count() if capped else len(ids), capped)
