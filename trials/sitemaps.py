"""/sitemap.xml: every published trial, and the results page of each with posted results, at the portal's own
address (trials.site), whatever Host asked."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import site
from .models import Trial


class TrialSitemap(Sitemap):
    changefreq = "weekly"
    limit = 10000

    @property
    def protocol(self):
        return site.scheme()

    def get_domain(self, site_of_request=None):
        return site.domain()

    def items(self):
        return Trial.objects.published().only("nct_id", "last_update_posted_date").order_by("nct_id")

    def lastmod(self, trial):
        return trial.last_update_posted_date


class ResultsSitemap(TrialSitemap):
    def items(self):
        return super().items().filter(has_results=True)

    def location(self, trial):
        return reverse("trials:results", args=[trial.nct_id])
