"""The portal's own address: every absolute link it writes is made here, from settings.SITE_ORIGIN.

Never from the request: its Host header and X-Forwarded-Proto are whatever a client sends, and a cached
page (trials.views.conditional) would pass them on to every later visitor (tests/test_site_origin.py).
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path):
    """The portal's full address of this path ("/trials/NCT…/")."""
    return settings.SITE_ORIGIN + path


def domain():
    """host[:port] of the portal's address, for the sitemap."""
    return urlsplit(settings.SITE_ORIGIN).netloc


def scheme():
    return urlsplit(settings.SITE_ORIGIN).scheme or "https"
