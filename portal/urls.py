from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from trials.sitemaps import TrialSitemap

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switcher posts here
    path("sitemap.xml", sitemap, {"sitemaps": {"trials": TrialSitemap}}, name="sitemap"),
    path("", include("trials.urls")),
]
