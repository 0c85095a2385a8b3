from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language

from trials.sitemaps import ResultsSitemap, TrialSitemap
from trials.views import errors

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # The language switcher posts here. It only sets the language cookie, so it takes no CSRF token:
    # public pages then carry no per-visitor token and can be cached and revalidated (ETag) as they are.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path(
        "sitemap.xml",
        require_safe(sitemap),
        {"sitemaps": {"trials": TrialSitemap, "results": ResultsSitemap}},
        name="sitemap",
    ),
    path("", include("trials.urls")),
]

handler500 = errors.server_error
