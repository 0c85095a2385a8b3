"""Staff editing: every trial with its related rows, and the shared sponsors, conditions and investigators."""

from django.contrib import admin
from django.db.models import Count, URLField

from . import models
from .search import index as search_index

# Registry links are https; a link typed without a scheme gets https:// (Django 6's default too).
URL_FIELDS = {URLField: {"assume_scheme": "https"}}


class OrderedInline(admin.TabularInline):
    extra = 0
    formfield_overrides = URL_FIELDS


class CollaborationInline(OrderedInline):
    model = models.Collaboration
    autocomplete_fields = ["sponsor"]


class TrialConditionInline(OrderedInline):
    model = models.TrialCondition
    autocomplete_fields = ["condition"]


class KeywordInline(OrderedInline):
    model = models.Keyword


class ArmGroupInline(OrderedInline):
    model = models.ArmGroup


class InterventionInline(OrderedInline):
    model = models.Intervention
    fields = ["position", "type", "name", "description", "other_names"]


class OutcomeInline(OrderedInline):
    model = models.Outcome


class EligibilityCriterionInline(OrderedInline):
    model = models.EligibilityCriterion


class OfficialInline(OrderedInline):
    model = models.Official
    autocomplete_fields = ["investigator"]


class CentralContactInline(OrderedInline):
    model = models.CentralContact


class LocationInline(OrderedInline):
    model = models.Location
    show_change_link = True


class SecondaryIdentifierInline(OrderedInline):
    model = models.SecondaryIdentifier


class ReferenceInline(OrderedInline):
    model = models.Reference


@admin.register(models.Trial)
class TrialAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["nct_id", "brief_title", "overall_status", "phase", "lead_sponsor", "last_update_posted_date"]
    list_filter = ["overall_status", "phase", "study_type", "lead_sponsor__agency_class", "has_results"]
    list_select_related = ["lead_sponsor"]
    search_fields = ["nct_id", "brief_title", "official_title", "acronym", "lead_sponsor__name"]
    date_hierarchy = "last_update_posted_date"
    autocomplete_fields = ["lead_sponsor", "organization"]
    readonly_fields = ["minimum_age_years", "maximum_age_years", "created_at", "updated_at"]
    inlines = [
        CollaborationInline,
        TrialConditionInline,
        KeywordInline,
        ArmGroupInline,
        InterventionInline,
        OutcomeInline,
        EligibilityCriterionInline,
        OfficialInline,
        CentralContactInline,
        LocationInline,
        SecondaryIdentifierInline,
        ReferenceInline,
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search_index.update([form.instance.pk])  # after the inlines: conditions and interventions are searched


class LocationContactInline(OrderedInline):
    model = models.LocationContact


@admin.register(models.Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["facility", "city", "country", "status", "trial"]
    list_select_related = ["trial"]
    search_fields = ["facility", "city", "country", "trial__nct_id"]
    autocomplete_fields = ["trial"]
    inlines = [LocationContactInline]


@admin.register(models.Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ["name", "agency_class", "lead_trial_count"]
    list_filter = ["agency_class"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lead_trial_count=Count("led_trials"))

    @admin.display(description="trials led", ordering="lead_trial_count")
    def lead_trial_count(self, sponsor):
        return sponsor.lead_trial_count


@admin.register(models.Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "trial_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(trial_count=Count("trials"))

    @admin.display(description="trials", ordering="trial_count")
    def trial_count(self, condition):
        return condition.trial_count


@admin.register(models.Investigator)
class InvestigatorAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation", "trial_count"]
    search_fields = ["name", "affiliation"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(trial_count=Count("officials"))

    @admin.display(description="trials", ordering="trial_count")
    def trial_count(self, investigator):
        return investigator.trial_count
