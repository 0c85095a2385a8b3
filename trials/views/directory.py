"""Sponsors, investigators and conditions, each with their trials."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from trials import names
from trials.choices import Status
from trials.models import Condition, Investigator, Sponsor, Trial, TrialCondition
from trials.models.publication import published
from trials.models.shared import initial
from trials.search.cached import cached

# Only published trials count and are listed (drafts and revisions are staff-only); a sponsor, investigator
# or condition that only drafts name has no public page.
PAGE_SIZE = 20
COLLABORATIONS_SHOWN = 100
SIBLINGS_SHOWN = 100  # other names of a condition's MeSH group its page lists
SUGGEST_MAX_AGE = 3600  # seconds browsers and caches may keep a suggestion list


def _page(request, trials):
    return Paginator(trials.for_list().order_by("-last_update_posted_date", "nct_id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )


def sponsor_list(request):
    sponsors = (
        Sponsor.objects.with_published_counts()
        .filter(Q(lead_count__gt=0) | Q(collaborator_count__gt=0))
        .order_by("name")
    )
    page = Paginator(sponsors, 100).get_page(request.GET.get("page"))
    return render(request, "trials/sponsor_list.html", {"page": page})


def sponsor_detail(request, slug):
    sponsor = get_object_or_404(Sponsor.objects.shown(), slug=slug)
    led = Trial.objects.published().filter(lead_sponsor=sponsor)
    status_counts = [
        (Status(row["overall_status"]).label, row["count"])
        for row in led.values("overall_status").annotate(count=Count("id")).order_by("-count", "overall_status")
    ]
    collaborated = Trial.objects.published().filter(collaborations__sponsor=sponsor)
    context = {
        "sponsor": sponsor,
        "led_page": _page(request, led),
        "status_counts": status_counts,
        "collaboration_count": collaborated.count(),
        "collaborations": collaborated.for_list().order_by("-last_update_posted_date", "nct_id")[:COLLABORATIONS_SHOWN],
    }
    return render(request, "trials/sponsor_detail.html", context)


def investigator_detail(request, pk):
    investigator = get_object_or_404(Investigator.objects.shown(), pk=pk)
    officials = (
        investigator.officials.filter(trial__in=Trial.objects.published())
        .select_related("trial__lead_sponsor")
        .defer("trial__source_record")
    )
    return render(request, "trials/investigator_detail.html", {"investigator": investigator, "officials": officials})


def _trials_per_group():
    """Published trials per condition group (MeSH term, or the name of a condition without one), as a grouped query."""
    key = Coalesce("condition__mesh_term", "condition__name")
    return (
        TrialCondition.objects.filter(published("trial__"))
        .order_by()
        .values_list(key)
        .annotate(n=Count("trial_id", distinct=True))
    )


def top_condition_groups(limit):
    """[(group, trials)] of the `limit` condition groups most published trials study, most first, then A–Z."""
    return list(_trials_per_group().order_by("-n", Coalesce("condition__mesh_term", "condition__name"))[:limit])


def condition_groups():
    """[(letter, [entry])] for /conditions/, cached until the index changes: two grouped queries, however many.

    An entry is a MeSH group, {"term", "trials": published trials of any of its conditions, "conditions": its
    conditions}, or a condition without a term (whose name no term has), {"term": None, "conditions": [it]}. A
    condition is {"name", "url", "trials"}. Entries are A–Z by term or name within their letter.
    """

    def compute():
        conditions = Condition.objects.with_published_counts().filter(trial_count__gt=0).order_by("name")
        group_trials = dict(_trials_per_group())
        entries = {}
        for condition in conditions:
            label = condition.mesh_term or condition.name
            entry = entries.setdefault(label, {"term": label, "trials": group_trials.get(label, 0), "conditions": []})
            entry["conditions"].append(
                {"name": condition.name, "url": condition.get_absolute_url(), "trials": condition.trial_count}
            )
        letters = {}
        for label, entry in sorted(entries.items(), key=lambda item: (item[0].casefold(), item[0])):
            if len(entry["conditions"]) == 1 and entry["conditions"][0]["name"] == label:
                entry["term"] = None  # a group of one condition of the same name: listed as itself
            letters.setdefault(initial(label), []).append(entry)
        return sorted(letters.items())

    return cached("condition-groups", compute)


def condition_group(term):
    """The entry of condition_groups() for the MeSH group `term` (the conditions with that term, and one so named
    without one), or None (no published trial has it)."""
    for entry in dict(condition_groups()).get(initial(term), []):
        if (entry["term"] or entry["conditions"][0]["name"]) == term:
            return entry
    return None


def condition_list(request):
    return render(request, "trials/condition_list.html", {"letters": condition_groups()})


def condition_detail(request, slug):
    condition = get_object_or_404(Condition.objects.shown(), slug=slug)
    term = condition.mesh_term
    if term is None and Condition.objects.filter(mesh_term=condition.name).exists():
        term = condition.name  # named as a MeSH group is: listed in it
    context = {"condition": condition, "term": term, "siblings": [], "group_trials": 0}
    if term and (group := condition_group(term)):  # its figures from /conditions/ (cached): ~400 ms at 100,000 trials
        url = condition.get_absolute_url()
        siblings = [sibling for sibling in group["conditions"] if sibling["url"] != url]
        context["siblings"] = siblings[:SIBLINGS_SHOWN]
        context["more_siblings"] = len(siblings) > SIBLINGS_SHOWN
        context["group_trials"] = group["trials"]
    context["page"] = _page(request, Trial.objects.published().filter(conditions=condition))
    return render(request, "trials/condition_detail.html", context)


def _suggestions(model, request):
    """Names for a filter box as one types: JSON {"q": the text, "names": [up to 10, MeSH groups first], "groups":
    {a MeSH term among them: the name of its group that holds the text}}, cached until the index changes (and for
    an hour in browsers and caches between); every answer is one bounded query (trials.names)."""
    text = names.typed(request.GET.get("q", ""))
    found, groups = cached(f"suggest-{model._meta.model_name}", lambda: names.suggest(model, text), text.lower())
    response = JsonResponse({"q": text, "names": found, "groups": groups})
    patch_cache_control(response, public=True, max_age=SUGGEST_MAX_AGE)
    return response


def condition_suggest(request):
    return _suggestions(Condition, request)


def sponsor_suggest(request):
    return _suggestions(Sponsor, request)
