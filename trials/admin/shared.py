"""Sponsors, investigators and conditions (shared by many trials), and a trial's sites with their contacts.

Who may change them while a published trial shows them, and how each change is recorded: trials/admin/review.py.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from trials import models
from trials.changes import trials_changed
from trials.merging import merge_investigators, merge_sponsors

from .forms import FORM_FIELDS, SiteForm
from .inlines import RecordInline
from .review import ReviewedRowAdmin, is_locked, is_reviewer


class MergeMixin:
    """A "merge" action: the staff member picks which selected row to keep; the others' trials move to it."""

    merge = None  # function(kept row, [duplicates], user) -> number of trials moved

    @admin.action(description=_("Merge selected duplicates into one"), permissions=["delete"])
    def merge_selected(self, request, queryset):
        rows = list(queryset)
        if len(rows) < 2:
            self.message_user(request, gettext("Select at least two rows to merge."), level="warning")
            return None
        kept = next((row for row in rows if str(row.pk) == request.POST.get("keep")), None)
        if kept is None or "confirm" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Merge %(things)s") % {"things": self.model._meta.verbose_name_plural},
                "opts": self.model._meta,
                "rows": rows,
                "action": "merge_selected",
            }
            return TemplateResponse(request, "admin/trials/merge.html", context)
        duplicates = [row for row in rows if row.pk != kept.pk]
        moved = type(self).merge(kept, duplicates, request.user)
        message = ngettext(
            "Merged %(merged)s into “%(kept)s”; %(moved)s trial updated.",
            "Merged %(merged)s into “%(kept)s”; %(moved)s trials updated.",
            moved,
        )
        self.message_user(request, message % {"merged": len(duplicates), "kept": kept, "moved": moved})
        return None


class SharedRowAdmin(ReviewedRowAdmin):
    """A row many trials show: a reviewer's once a published trial shows it; an edit is a version of each trial."""

    def refusal(self, request, row):
        if is_reviewer(request.user) or not self.trials_showing([row]).published().exists():
            return None
        message = gettext(
            "Published trials show “%(row)s”, so only a reviewer may change it: the change would be public at "
            "once. Ask a reviewer, or name another in a revision of the trial."
        )
        return message % {"row": row}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.has_changed():
            reason = f"{obj._meta.verbose_name.capitalize()} edited: “{obj}”"[:100]
            trials_changed(self.trials_showing([obj]).values_list("pk", flat=True), request.user, reason)


@admin.register(models.Sponsor)
class SponsorAdmin(MergeMixin, SharedRowAdmin):
    list_display = ["name", "agency_class", "lead_trial_count", "collaboration_count"]
    list_filter = ["agency_class"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_selected", "delete_selected"]
    merge = staticmethod(merge_sponsors)

    def trials_showing(self, sponsors):
        return models.Trial.objects.filter(
            Q(lead_sponsor__in=sponsors) | Q(organization__in=sponsors) | Q(collaborations__sponsor__in=sponsors)
        ).distinct()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                lead_trial_count=Count("led_trials", distinct=True),
                collaboration_count=Count("collaborations", distinct=True),
            )
        )

    @admin.display(description=_("trials led"), ordering="lead_trial_count")
    def lead_trial_count(self, sponsor):
        return sponsor.lead_trial_count

    @admin.display(description=_("collaborations"), ordering="collaboration_count")
    def collaboration_count(self, sponsor):
        return sponsor.collaboration_count


@admin.register(models.Investigator)
class InvestigatorAdmin(MergeMixin, SharedRowAdmin):
    list_display = ["name", "affiliation", "trial_count"]
    search_fields = ["name", "affiliation"]
    actions = ["merge_selected", "delete_selected"]
    merge = staticmethod(merge_investigators)

    def trials_showing(self, investigators):
        return models.Trial.objects.filter(officials__investigator__in=investigators).distinct()

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(trial_count=Count("officials"))

    @admin.display(description=_("trials"), ordering="trial_count")
    def trial_count(self, investigator):
        return investigator.trial_count


@admin.register(models.Condition)
class ConditionAdmin(SharedRowAdmin):
    list_display = ["name", "mesh_term", "trial_count"]
    search_fields = ["name", "mesh_term"]
    readonly_fields = ["mesh_term"]  # worked out from the trials' records (trials.mesh)
    prepopulated_fields = {"slug": ["name"]}

    def trials_showing(self, conditions):
        return models.Trial.objects.filter(trial_conditions__condition__in=conditions).distinct()

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(trial_count=Count("trial_conditions"))

    @admin.display(description=_("trials"), ordering="trial_count")
    def trial_count(self, condition):
        return condition.trial_count


class LocationContactInline(RecordInline):
    model = models.LocationContact

    def _trial(self, obj):
        return obj.trial if obj is not None else None

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, self._trial(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, self._trial(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, self._trial(obj))


@admin.register(models.Location)
class LocationAdmin(ReviewedRowAdmin):
    """A site with its contacts (opened from the trial's sites); a published trial's sites are edited in a revision."""

    form = SiteForm
    deleted_reason = "Site deleted"
    formfield_overrides = FORM_FIELDS
    list_display = ["facility", "city", "country", "status", "trial"]
    list_select_related = ["trial"]
    search_fields = ["facility", "city", "country", "trial__nct_id"]
    autocomplete_fields = ["trial"]
    inlines = [LocationContactInline]

    def trials_showing(self, sites):
        return models.Trial.objects.filter(locations__in=sites).distinct()

    def refusal(self, request, site):
        if not is_locked(site.trial):
            return None
        message = gettext("“%(site)s” is a site of a published trial, which is edited in a revision: open the trial.")
        return message % {"site": site}

    def save_model(self, request, obj, form, change):
        if {"latitude", "longitude"} & set(form.changed_data):
            obj.geocoded = False  # a point typed by staff is the site's own: kept and exported
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        moved_from = form.initial.get("trial") if change else None  # a site moved to another trial leaves this one
        trials_changed([form.instance.trial_id, *filter(None, [moved_from])], request.user, "Site edited")
