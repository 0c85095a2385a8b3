"""A trial's record: one page per section under the same header, the full printable record, and its JSON."""

from urllib.parse import urlencode

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trials import history, nearby, quickcheck
from trials.forms import NearestSiteForm, NearForm, QuickCheckForm
from trials.identifiers import canonical_nct_id
from trials.models import Trial
from trials.registry import study_json
from trials.registry.results import read_results
from trials.search.criteria import DEFAULT_DISTANCE_KM

from . import conditional

TABS = [
    # (section, its address below the overview's, as docs/contract.md fixes them: one reverse() for all, label)
    ("overview", "", gettext_lazy("Overview")),
    ("design", "design/", gettext_lazy("Design")),
    ("groups", "groups/", gettext_lazy("Groups")),
    ("eligibility", "eligibility/", gettext_lazy("Eligibility")),
    ("contacts", "contacts/", gettext_lazy("Contacts & sites")),
    ("history", "history/", gettext_lazy("History")),
    ("results", "results/", gettext_lazy("Results")),  # only for a trial with posted results
]


def _redirect_to_canonical(request, nct_id):
    """A 301 to the same page under the canonical NCT ID, None when nct_id is canonical; 404 if no NCT ID."""
    canonical = canonical_nct_id(nct_id)
    if canonical is None:
        raise Http404("Not an NCT ID")
    if canonical != nct_id:
        return redirect(request.resolver_match.view_name, nct_id=canonical, permanent=True)
    return None


def _get_trial(request, trials, nct_id):
    """The published trial; for staff, the record whatever its state, or with ?preview its pending revision."""
    trials = trials.filter(nct_id=nct_id)
    if not request.user.has_perm("trials.view_trial"):
        return get_object_or_404(trials.published())
    found = sorted(trials, key=lambda trial: trial.revision_of_id is not None)  # the record, then its revision
    if not found:
        raise Http404("No trial with this NCT ID")
    return found[-1] if "preview" in request.GET else found[0]


def trial_section(request, nct_id, section):
    """One section of a record (the URL passes `section`), or "full": every section on one printable page."""
    if response := _redirect_to_canonical(request, nct_id):
        return response
    return conditional.respond(
        request,
        nct_id,
        load=lambda: _get_trial(request, Trial.objects.for_section(section), nct_id),
        render=lambda trial: _section_page(request, trial, section),
    )


def _section_page(request, trial, section):
    if section == "results" and not trial.has_results:
        raise Http404("No posted results")
    overview = trial.get_absolute_url()
    tabs = [(name, overview + path, label) for name, path, label in TABS if name != "results" or trial.has_results]
    context = {"trial": trial, "section": section, "tabs": tabs, "tab_urls": {name: url for name, url, _ in tabs}}
    if section == "overview":
        context.update(at_a_glance(request, trial))
    if section == "history":
        context.update(version_history(request, trial))
    if section in ("eligibility", "checklist"):
        context.update(quick_check(request, trial))
    if section == "contacts":
        context.update(sites_near(request, trial))
    if section in ("results", "full") and trial.has_results:
        context["results"] = read_results(trial.source_record)  # None: the results are not in the stored record
    return render(request, f"trials/trial_{section}.html", context)


def at_a_glance(request, trial):
    """The overview's "at a glance" box beyond the trial's own fields and lists: its sites and countries (counted
    within the trial's query), and for a search near a place (?near=, ?distance=, as on the search page) the
    trial's nearest recruiting site there, as the search results show it: one query more (trials/nearby.py)."""
    per_country = trial.sites_per_country
    context = {
        "site_count": sum(sites for _, sites in per_country),
        "countries": [country for country, _ in per_country if country],
    }
    if not request.GET.get("near", "").strip():
        return context
    form = NearestSiteForm(request.GET)
    form.is_valid()
    place = form.cleaned_data.get("near")
    if place is None:
        return context | {"near_problem": form.errors["near"][0]}
    distance = form.cleaned_data.get("distance") or DEFAULT_DISTANCE_KM
    context |= {"place": place, "distance": distance}
    context["nearest_site"] = nearby.nearest_sites([trial.pk], place, distance).get(trial.pk)
    if not place.is_country:  # the contacts page sorts every site by distance from a city
        context["sites_by_distance_query"] = urlencode({"near": request.GET["near"]})
    return context


def version_history(request, trial):
    """The published versions, and the difference between two of them (?from=N&to=M, the last two by default)."""
    versions = history.published_versions(trial)
    numbers = {version.number: version for version in versions}
    older, newer = (versions[-2], versions[-1]) if len(versions) > 1 else (None, None)
    problem = ""
    if {"from", "to"} & request.GET.keys():
        try:
            chosen = numbers[int(request.GET.get("from"))], numbers[int(request.GET.get("to"))]
        except (KeyError, TypeError, ValueError):
            problem = _("Choose two versions from the list.")
        else:
            if chosen[0].number < chosen[1].number:
                older, newer = chosen
            else:
                problem = _("Choose an earlier version first, then a later one.")
    changes = history.changes(older.version.record, newer.version.record) if older else []
    return {"versions": versions, "older": older, "newer": newer, "changes": changes, "version_problem": problem}


def quick_check(request, trial):
    """The person's answers (GET, nothing stored) checked against the trial's age, sex and volunteer rules."""
    form = QuickCheckForm.from_query(request.GET)
    if not form.is_valid():
        return {"quickcheck": form}
    answers = quickcheck.check(trial, **form.cleaned_data)
    return {
        "quickcheck": form,
        "answers": answers,
        "fits": all(answer.met is not False for answer in answers),
        "similar_search": urlencode(quickcheck.search_parameters(form.cleaned_data, trial.ordered_conditions)),
    }


def sites_near(request, trial):
    """?near=<a city>: the trial's sites nearest first, each with its distance."""
    form = NearForm(request.GET)
    place = form.cleaned_data["near"] if form.is_valid() else None
    if place is None:
        return {"near_form": form}
    return {
        "near_form": form,
        "place": place,
        "sites_by_distance": nearby.by_distance(list(trial.locations.all()), place),
    }


def trial_json(request, nct_id):
    if response := _redirect_to_canonical(request, nct_id):
        return response
    return conditional.respond(
        request,
        nct_id,
        load=lambda: _get_trial(request, Trial.objects.for_export(), nct_id),
        render=lambda trial: JsonResponse(study_json(trial), json_dumps_params={"ensure_ascii": False, "indent": 2}),
    )
