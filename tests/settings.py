"""Test settings: production settings (DEBUG off) with a throwaway key and plain static storage.

Manifest static storage needs collectstatic, and HTTPS redirects would bounce the
test client, so those two are swapped; everything else is what production runs.
"""

import os
import secrets
import tempfile

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SITE_ORIGIN", "http://testserver")  # the test client's own address

from portal.settings import *  # noqa: E402, F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True  # serve static files from the app folders: no collectstatic before tests
WHITENOISE_AUTOREFRESH = True
EXPORT_SLOT_DIR = tempfile.mkdtemp(prefix="portal-export-slots-")  # this test process's own: xdist runs several
