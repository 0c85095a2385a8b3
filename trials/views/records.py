"""A trial's record: one page per section under the same header, the full printable record, and its JSON."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from trials.identifiers import canonical_nct_id
from trials.models import Trial
from trials.registry import study_json

TABS = [
    # (section, URL name, label)
    ("overview", "trials:detail", "Overview"),
    ("design", "trials:design", "Design"),
    ("groups", "trials:groups", "Groups"),
    ("eligibility", "trials:eligibility", "Eligibility"),
    ("contacts", "trials:contacts", "Contacts & sites"),
    ("history", "trials:history", "History"),
]


def _redirect_to_canonical(request, nct_id):
    """A 301 to the same page under the canonical NCT ID, None when nct_id is canonical; 404 if no NCT ID."""
    canonical = canonical_nct_id(nct_id)
    if canonical is None:
        raise Http404("Not an NCT ID")
    if canonical != nct_id:
        return redirect(request.resolver_match.view_name, nct_id=canonical, permanent=True)
    return None


def trial_section(request, nct_id, section):
    """One section of a record (the URL passes `section`), or "full": every section on one printable page."""
    if response := _redirect_to_canonical(request, nct_id):
        return response
    trial = get_object_or_404(Trial.objects.for_section(section), nct_id=nct_id)
    context = {"trial": trial, "section": section, "tabs": TABS}
    return render(request, f"trials/trial_{section}.html", context)


def trial_json(request, nct_id):
    if response := _redirect_to_canonical(request, nct_id):
        return response
    trial = get_object_or_404(Trial.objects.for_export(), nct_id=nct_id)
    return JsonResponse(study_json(trial), json_dumps_params={"ensure_ascii": False, "indent": 2})
