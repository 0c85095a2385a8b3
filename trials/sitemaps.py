from django.contrib.sitemaps import Sitemap

from .models import Trial


class TrialSitemap(Sitemap):
    changefreq = "weekly"
    limit = 10000

    def items(self):
        return Trial.objects.published().only("nct_id", "last_update_posted_date").order_by("nct_id")

    def lastmod(self, trial):
        return trial.last_update_posted_date
