"""Site pages: home, the glossary and the health check."""

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render

from trials import choices
from trials.filters import TrialFilter
from trials.glossary import TOPICS
from trials.models import Condition, SearchEntry, Trial
from trials.search.index import HOME_CACHE_KEY

HOME_CACHE_SECONDS = 300
PUBLISHED = choices.Publication.PUBLISHED
TOP_CONDITIONS = 12
RECENT = 6


def home_figures():
    """Totals and the most studied conditions: whole-table counts, cached (the index clears the cache)."""
    figures = cache.get(HOME_CACHE_KEY)
    if figures is None:
        figures = SearchEntry.objects.aggregate(
            trials=Count("pk"), recruiting=Count("pk", filter=Q(status=choices.Status.RECRUITING))
        )
        figures["conditions"] = list(
            Condition.objects.annotate(
                trial_count=Count("trial_conditions", filter=Q(trial_conditions__trial__publication=PUBLISHED))
            ).order_by("-trial_count", "name")[:TOP_CONDITIONS]
        )
        cache.set(HOME_CACHE_KEY, figures, HOME_CACHE_SECONDS)
    return figures


def home(request):
    recent_ids = SearchEntry.objects.order_by("-last_update", "-pk").values_list("pk", flat=True)[:RECENT]
    context = {
        "figures": home_figures(),
        "form": TrialFilter(queryset=SearchEntry.objects.none()).form,
        "recent": Trial.objects.for_list().filter(pk__in=list(recent_ids)).order_by("-last_update_posted_date", "-pk"),
    }
    return render(request, "trials/home.html", context)


def glossary(request):
    return render(request, "trials/glossary.html", {"topics": TOPICS})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
