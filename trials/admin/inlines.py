"""The trial editor's inlines: the rows of one trial, in the registry's order, read-only while it is published."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db.models import TextField
from django.utils.translation import gettext_lazy as _

from trials import models

from .forms import (
    FORM_FIELDS,
    ArmGroupFormSet,
    CentralContactFormSet,
    InterventionForm,
    InterventionFormSet,
    KnownChoiceAutocomplete,
    SharedRowFormSet,
)
from .readable import readable
from .review import is_locked

IDENTIFICATION = _("Identification")
STATUS = _("Status and dates")
SPONSORS = _("Sponsors")
DESCRIPTION = _("Description and conditions")
DESIGN = _("Design, groups and interventions")
ELIGIBILITY = _("Eligibility")
CONTACTS = _("Contacts and sites")


class RecordInline(admin.TabularInline):
    """Rows of one trial, in the registry's order; read-only while the trial is published."""

    extra = 0
    # Three lines per text box, not ten: a row's text is short, and a trial has dozens of rows.
    formfield_overrides = {
        **FORM_FIELDS,
        TextField: {**FORM_FIELDS[TextField], "widget": AdminTextareaWidget(attrs={"rows": 3})},
    }
    section = None  # the fieldset of the trial form this inline is shown after

    def has_add_permission(self, request, obj):
        return not is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_delete_permission(request, obj)


class SharedRowInline(RecordInline):
    """Rows that name a shared sponsor, condition or investigator, chosen with an autocomplete."""

    formset = SharedRowFormSet
    shared_field = None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(self.shared_field)

    def get_autocomplete_fields(self, request):
        return [self.shared_field]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.shared_field:
            kwargs["widget"] = KnownChoiceAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SecondaryIdentifierInline(RecordInline):
    model = models.SecondaryIdentifier
    section = IDENTIFICATION


class CollaborationInline(SharedRowInline):
    model = models.Collaboration
    shared_field = "sponsor"
    verbose_name_plural = _("collaborators")
    section = SPONSORS


class TrialConditionInline(SharedRowInline):
    model = models.TrialCondition
    shared_field = "condition"
    verbose_name_plural = _("conditions")
    section = DESCRIPTION


class KeywordInline(RecordInline):
    model = models.Keyword
    section = DESCRIPTION


class ReferenceInline(RecordInline):
    model = models.Reference
    section = DESCRIPTION


class ArmGroupInline(RecordInline):
    model = models.ArmGroup
    formset = ArmGroupFormSet
    verbose_name_plural = _("study groups (arms)")
    section = DESIGN


class InterventionInline(RecordInline):
    """Stacked: its description, other names and groups do not fit a row of a 1280 px page."""

    model = models.Intervention
    template = "admin/edit_inline/stacked.html"
    form = InterventionForm
    formset = InterventionFormSet
    fields = ["position", "type", "name", "description", "other_names", "given_in"]
    section = DESIGN

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("arm_links__arm_group")

    # Read-only: other names and groups by their labels (trials/admin/readable.py), not as stored.

    def get_fields(self, request, obj=None):
        return self.fields if self.has_change_permission(request, obj) else readable(self.fields)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if self.has_change_permission(request, obj) else readable(self.fields)


class OutcomeInline(RecordInline):
    model = models.Outcome
    section = DESIGN


class EligibilityCriterionInline(RecordInline):
    model = models.EligibilityCriterion
    verbose_name_plural = _("eligibility criteria, item by item (kept in step with the criteria text)")
    section = ELIGIBILITY


class OfficialInline(SharedRowInline):
    model = models.Official
    shared_field = "investigator"
    verbose_name_plural = _("overall officials")
    section = CONTACTS


class CentralContactInline(RecordInline):
    model = models.CentralContact
    formset = CentralContactFormSet
    section = CONTACTS


class LocationInline(RecordInline):
    model = models.Location
    fields = ["position", "facility", "status", "city", "state", "zip", "country", "site_contacts"]
    readonly_fields = ["site_contacts"]
    show_change_link = True  # a site's own contacts are edited on the site's page
    section = CONTACTS

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("contacts")

    @admin.display(description=_("site contacts"))
    def site_contacts(self, location):
        return ", ".join(str(contact) for contact in location.contacts.all()) or "—"
