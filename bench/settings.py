"""The portal's own settings, with one page more for bench/load_bench.py: see bench/urls.py."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
