"""RSS of a search's newest and last-updated trials: /trials/feed/?<the search's parameters>."""

import re
from dataclasses import dataclass
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

from .models import Trial
from .search.backends import backend
from .search.criteria import Criteria
from .site import absolute_url
from .views.search import search_for

FEED_SIZE = 50
NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(values):
    return {key: NOT_XML_RE.sub("", value) if isinstance(value, str) else value for key, value in values.items()}


class XmlSafeRssFeed(Rss201rev2Feed):
    """RSS that drops the control characters XML 1.0 cannot carry (typed in a search, or in registry text)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **_xml_safe(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **_xml_safe(kwargs))


@dataclass(frozen=True)
class FeedSearch:
    """What one request's feed shows: its search, and the address's parameters for the link back to the page."""

    criteria: Criteria
    query_string: str

    @property
    def query(self):
        return f"?{self.query_string}" if self.query_string else ""


class SearchFeed(Feed):
    """One instance serves every request (and every thread): what a request asked for travels in its FeedSearch,
    which get_object returns and Django hands to title, link, description and items; nothing is kept on self."""

    feed_type = XmlSafeRssFeed
    description_template = "trials/feed_item.html"

    def get_object(self, request):
        _filterset, criteria = search_for(request)
        return FeedSearch(criteria=criteria, query_string=request.GET.urlencode())

    def title(self, search):
        words = search.criteria.words
        return _("Trials matching “%(words)s”") % {"words": words} if words else _("New and updated clinical trials")

    def link(self, search):
        return absolute_url(reverse("trials:list") + search.query)

    def feed_url(self, search):
        return absolute_url(reverse("trials:feed") + search.query)

    def item_link(self, trial):
        return absolute_url(trial.get_absolute_url())

    def description(self, search):
        return _("The most recently posted or updated trials for this search, newest first.")

    def items(self, search):
        with backend().planned_with_values():
            ids = list(search.criteria.by_update().values_list("pk", flat=True)[:FEED_SIZE])
        trials = Trial.objects.for_list().in_bulk(ids)
        return [trials[pk] for pk in ids if pk in trials]

    def item_title(self, trial):
        # Translators: an RSS item's title: the trial's title, then its recruitment status in brackets.
        return _("%(title)s (%(status)s)") % {"title": trial.brief_title, "status": trial.get_overall_status_display()}

    def item_guid(self, trial):
        return f"{trial.nct_id}@{trial.last_update_posted_date}"  # a new item for each update

    def item_guid_is_permalink(self, trial):
        return False

    def item_pubdate(self, trial):
        day = trial.last_update_posted_date or trial.first_posted_date
        return timezone.make_aware(datetime.combine(day, time())) if day else None
