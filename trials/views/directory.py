"""Sponsors, investigators and conditions, each with their trials."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from trials.choices import Status
from trials.models import Condition, Investigator, Sponsor, Trial

# Only published trials count and are listed (drafts and revisions are staff-only); a sponsor, investigator
# or condition that only drafts name has no public page.
PAGE_SIZE = 20
COLLABORATIONS_SHOWN = 100


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


def condition_list(request):
    conditions = Condition.objects.with_published_counts().filter(trial_count__gt=0).order_by("name")
    letters = {}
    for condition in conditions:
        letters.setdefault(condition.initial, []).append(condition)
    return render(request, "trials/condition_list.html", {"letters": sorted(letters.items())})


def condition_detail(request, slug):
    condition = get_object_or_404(Condition.objects.shown(), slug=slug)
    return render(
        request,
        "trials/condition_detail.html",
        {"condition": condition, "page": _page(request, Trial.objects.published().filter(conditions=condition))},
    )
