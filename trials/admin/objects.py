"""The row an admin URL names: an id that names no row is a 404 on every page of the app's models.

Django's admin sends an unknown id to the admin index with a message, and some pages (a version's, an action's
selection) fail on an id that is no number at all. Here every such id, whoever asks, is a plain "not found": not a
number, too large for any row, another model's row, a row since deleted.
"""

from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext


def row_id(model, object_id):
    """The id in a URL as an id of this model's rows (a number for ours), or a 404 when it cannot be one."""
    try:
        return model._meta.pk.to_python(unquote(object_id))
    except ValidationError:
        raise Http404(gettext("No such row.")) from None


class NotFoundAdmin:
    """A ModelAdmin mixin: the row a URL names, or a 404 (before any permission is asked)."""

    def get_object(self, request, object_id, from_field=None):
        row = super().get_object(request, object_id, from_field)
        if row is None:
            raise Http404(gettext("No such row."))
        return row

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, str(row_id(self.model, object_id)), extra_context)

    def response_action(self, request, queryset):
        for object_id in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            row_id(self.model, object_id)
        return super().response_action(request, queryset)
