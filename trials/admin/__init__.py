"""Staff editing: the trial editor with its review workflow, and the shared sponsors, investigators and conditions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import shared, trial

__all__ = ["shared", "trial"]

# Every admin page (sign-in included) names the portal, not "Django administration".
admin.site.site_header = _("Trial portal: staff editing")
admin.site.site_title = _("Trial portal staff")
admin.site.index_title = _("Trials, sponsors and sites")
