"""What a published trial shows changes only under review: the rule every admin page that writes such a row asks.

- A trial's own rows (its fields, every inline, its sites and their contacts) are edited through a revision
  while the trial is published, whatever the role: is_locked().
- A shared sponsor, condition or investigator that a published trial shows is changed only by a reviewer: the
  change is public at once, on every trial showing it. An editor is told to ask one.

Pages of such rows (ReviewedRowAdmin) show a refused row read-only with the reason, refuse its deletion from
its page and from the list's delete action, and follow every write with trials.changes.trials_changed for the
trials showing the rows, so each of them stores a version saying who and why.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as delete_rows
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.shortcuts import redirect

from trials.changes import trials_changed

from .objects import NotFoundAdmin


def is_locked(trial):
    """A published trial is edited through a revision, never in place."""
    return trial is not None and trial.is_published


def is_editor(user):
    """Editors (and reviewers) edit trials, submit them for review and work on revisions."""
    return user.has_perm("trials.change_trial")


def is_reviewer(user):
    """Reviewers publish, unpublish and change what published trials share."""
    return user.has_perm("trials.publish_trial")


class ReviewedRowAdmin(NotFoundAdmin, admin.ModelAdmin):
    """Rows that trials show: refused ones read-only with the reason said; every write recorded on their trials."""

    actions = ["delete_selected"]
    deleted_reason = None  # the reason a deletion gives in the trials' history

    def trials_showing(self, rows):
        """The trials that show any of these rows."""
        raise NotImplementedError

    def refusal(self, request, row):
        """Why this staff member may not change or delete the row (a sentence), or None."""
        raise NotImplementedError

    def _refused(self, request, row):
        return super().has_change_permission(request, row) and self.refusal(request, row)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and self.refusal(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self.refusal(request, obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if reason := self._refused(request, self.get_object(request, unquote(object_id))):
            messages.warning(request, reason)
            if request.method == "POST":  # a page opened before the row became refused: shown again, read-only
                return redirect(request.path)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        row = self.get_object(request, unquote(object_id))
        if reason := self._refused(request, row):
            messages.error(request, reason)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", row.pk)
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description=delete_rows.short_description)
    def delete_selected(self, request, queryset):
        """Django's delete action, unless a selected row is refused (then nothing is deleted)."""
        reasons = [reason for row in queryset if (reason := self._refused(request, row))]
        for reason in reasons:
            self.message_user(request, reason, messages.ERROR)
        return None if reasons else delete_rows(self, request, queryset)

    def delete_model(self, request, obj):
        self.delete_queryset(request, self.model.objects.filter(pk=obj.pk))

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        trial_ids = list(self.trials_showing(queryset).values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        trials_changed(trial_ids, request.user, self.deleted_reason)
