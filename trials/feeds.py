"""RSS of a search's newest and last-updated trials: /trials/feed/?<the search's parameters>."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone

from .models import Trial
from .views.search import trial_filter

FEED_SIZE = 50


class SearchFeed(Feed):
    description_template = "trials/feed_item.html"

    def get_object(self, request):
        self.query_string = request.GET.urlencode()
        return trial_filter(request)

    def title(self, filterset):
        words = filterset.cleaned("q")
        return f"Trials matching “{words}”" if words else "New and updated clinical trials"

    def link(self, filterset):
        return reverse("trials:list") + (f"?{self.query_string}" if self.query_string else "")

    def description(self, filterset):
        return "The most recently posted or updated trials for this search, newest first."

    def items(self, filterset):
        ids = list(filterset.filtered().order_by("-last_update", "-pk").values_list("pk", flat=True)[:FEED_SIZE])
        trials = Trial.objects.for_list().in_bulk(ids)
        return [trials[pk] for pk in ids if pk in trials]

    def item_title(self, trial):
        return f"{trial.brief_title} ({trial.get_overall_status_display()})"

    def item_guid(self, trial):
        return f"{trial.nct_id}@{trial.last_update_posted_date}"  # a new item for each update

    def item_guid_is_permalink(self, trial):
        return False

    def item_pubdate(self, trial):
        day = trial.last_update_posted_date or trial.first_posted_date
        return timezone.make_aware(datetime.combine(day, time())) if day else None
