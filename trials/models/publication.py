"""What "published" means, said once: the public sees published trials only (never a draft, a trial in
review or a pending revision). Every public queryset asks this, directly or through Trial.objects.published()."""

from django.db.models import Q

from trials.choices import Publication


def published(path=""):
    """The condition that the trials reached through `path` (e.g. "led_trials__") are published."""
    return Q(**{f"{path}publication": Publication.PUBLISHED})
