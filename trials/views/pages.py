"""Site pages: home, the glossary and the health check."""

from django.db import DatabaseError, connections
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render

from trials import choices
from trials.filters import OPEN, TrialFilter
from trials.glossary import TOPICS
from trials.models import SearchEntry, Trial
from trials.search.cached import cached

from .directory import top_condition_groups

TOP_CONDITIONS = 12
RECENT = 6


def home_figures():
    """Totals, the most studied conditions and the recently updated: cached until the index changes."""

    def compute():
        figures = SearchEntry.objects.aggregate(
            trials=Count("pk"), recruiting=Count("pk", filter=Q(status=choices.Status.RECRUITING))
        )
        figures["conditions"] = top_condition_groups(TOP_CONDITIONS)  # variants counted under their MeSH term
        figures["recent_ids"] = list(
            SearchEntry.objects.order_by("-last_update", "-pk").values_list("pk", flat=True)[:RECENT]
        )
        return figures

    return cached("home-groups", compute)  # renamed when conditions became groups: old entries are another shape


def home(request):
    figures = home_figures()
    context = {
        "figures": figures,
        "form": TrialFilter(queryset=SearchEntry.objects.none()).form,
        "open_status": OPEN,
        "recent": Trial.objects.for_list()
        .filter(pk__in=figures["recent_ids"])
        .order_by("-last_update_posted_date", "-pk"),
    }
    return render(request, "trials/home.html", context)


def glossary(request):
    return render(request, "trials/glossary.html", {"topics": TOPICS})


def healthz(request):
    """For load balancers: 200 when every configured database answers, else 503 naming the one that did not."""
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return HttpResponse(f"database {alias} unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")
