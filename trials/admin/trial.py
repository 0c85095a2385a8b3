"""The trial editor: one form in the order of the public sections, with every related row inline.

Workflow (trials/workflow.py): a draft or a trial in review is edited in place; a published
trial is read-only here, and "Edit in a new revision" opens its pending revision (a copy the
public does not see until a reviewer publishes it). The state shows in the title and the
list's second column; each step is a button on the form (trials/admin/workflow.py) and
submit, publish and unpublish also a bulk action on the list.

Eligibility criteria: the registry's criteria text and its items are kept consistent on
save (trials.eligibility.keep_criteria_in_step); when both were changed the text wins, and
the editor is told. Every save ends with trials.changes.trials_changed.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from trials import history, mesh, models, workflow
from trials.changes import deleting, trials_changed
from trials.eligibility import keep_criteria_in_step
from trials.registry import RecordError
from trials.registry.results import read_results
from trials.views.exports import csv_download, json_download

from .forms import FORM_FIELDS, TrialForm
from .inlines import (
    CONTACTS,
    DESCRIPTION,
    DESIGN,
    ELIGIBILITY,
    IDENTIFICATION,
    SPONSORS,
    STATUS,
    ArmGroupInline,
    CentralContactInline,
    CollaborationInline,
    EligibilityCriterionInline,
    InterventionInline,
    KeywordInline,
    LocationInline,
    OfficialInline,
    OutcomeInline,
    ReferenceInline,
    SecondaryIdentifierInline,
    TrialConditionInline,
)
from .objects import NotFoundAdmin, row_id
from .readable import readable_fieldsets
from .review import is_locked, is_reviewer
from .workflow import WorkflowAdmin

FORM_ONLY = {"version_opened"}  # fields of the editable form (trials/admin/forms.py), not of the trial

# What the workflow actions did, for the message after them (singular or plural by the count).
SUBMITTED_MESSAGE = ngettext_lazy(
    "%(count)s trial submitted for review.", "%(count)s trials submitted for review.", "count"
)
PUBLISHED_MESSAGE = ngettext_lazy("%(count)s trial published.", "%(count)s trials published.", "count")
UNPUBLISHED_MESSAGE = ngettext_lazy("%(count)s trial unpublished.", "%(count)s trials unpublished.", "count")


def dated(name, with_type=True):
    """A registry date: the date, its precision and (for most) whether it is actual or estimated."""
    return (name, f"{name}_precision", *([f"{name}_type"] if with_type else []))


# The registry's own dates, as posted on ClinicalTrials.gov: shown, never edited here (an import changes them).
REGISTRY_DATES = [
    dated("first_submitted_date", with_type=False),
    dated("first_posted_date"),
    dated("results_first_posted_date"),
    dated("last_update_submitted_date", with_type=False),
    dated("last_update_posted_date"),
]


@admin.register(models.Trial)
class TrialAdmin(NotFoundAdmin, WorkflowAdmin, SimpleHistoryAdmin):
    change_form_template = "admin/trials/trial/change_form.html"
    form = TrialForm
    formfield_overrides = FORM_FIELDS
    list_display = [
        "nct_id",
        "published_state",
        "brief_title",
        "overall_status",
        "phase",
        "lead_sponsor",
        "last_update_posted_date",
    ]
    list_filter = [
        "overall_status",
        "phase",
        "study_type",
        "lead_sponsor__agency_class",
        "has_results",
        "publication",
    ]
    list_select_related = ["lead_sponsor", "revision_of"]
    search_fields = ["nct_id", "brief_title", "official_title", "acronym", "lead_sponsor__name", "conditions__name"]
    date_hierarchy = "last_update_posted_date"
    autocomplete_fields = ["lead_sponsor", "organization"]
    readonly_fields = [
        "publication",
        *(name for date in REGISTRY_DATES for name in date),
        "edited_at",
        "posted_results",
        "minimum_age_years",
        "maximum_age_years",
        "created_at",
        "updated_at",
    ]
    actions = ["submit_for_review", "publish", "unpublish", "export_json", "export_csv"]
    fieldsets = [
        (
            IDENTIFICATION,
            {
                "fields": [
                    "version_opened",
                    ("nct_id", "publication"),
                    "brief_title",
                    "official_title",
                    "acronym",
                    ("org_study_id", "org_study_id_type"),
                    "org_study_id_link",
                    "organization",
                    "nct_id_aliases",
                ]
            },
        ),
        (
            STATUS,
            {
                "fields": [
                    ("overall_status", "last_known_status"),
                    "why_stopped",
                    dated("status_verified_date", with_type=False),
                    dated("start_date"),
                    dated("primary_completion_date"),
                    dated("completion_date"),
                    *REGISTRY_DATES,
                    "edited_at",
                    "has_results",
                    "posted_results",
                ],
                "description": _(
                    "First and last posted and submitted: the registry's dates, as posted on ClinicalTrials.gov, "
                    "changed only by an import. A change saved here is dated “Edited here”."
                ),
            },
        ),
        (SPONSORS, {"fields": ["lead_sponsor"]}),
        (
            _("Oversight"),
            {
                "classes": ["collapse"],
                "fields": [
                    "has_dmc",
                    ("is_fda_regulated_drug", "is_fda_regulated_device"),
                    ("is_unapproved_device", "is_ppsd", "is_us_export"),
                    "fdaaa801_violation",
                ],
            },
        ),
        (DESCRIPTION, {"fields": ["brief_summary", "detailed_description"]}),
        (
            DESIGN,
            {
                "fields": [
                    ("study_type", "phase"),
                    ("allocation", "intervention_model"),
                    "intervention_model_description",
                    "primary_purpose",
                    ("observational_model", "time_perspective"),
                    ("patient_registry", "target_duration"),
                    ("masking", "who_masked"),
                    "masking_description",
                    ("biospec_retention", "biospec_description"),
                    ("enrollment_count", "enrollment_type"),
                ]
            },
        ),
        (
            ELIGIBILITY,
            {
                "fields": [
                    "eligibility_criteria",
                    ("minimum_age", "maximum_age"),
                    ("minimum_age_years", "maximum_age_years"),
                    ("sex", "gender_based"),
                    "gender_description",
                    "healthy_volunteers",
                    "std_ages",
                    ("study_population", "sampling_method"),
                ]
            },
        ),
        (
            CONTACTS,
            {
                "fields": [
                    "responsible_party_type",
                    (
                        "responsible_party_investigator_name",
                        "responsible_party_investigator_title",
                        "responsible_party_investigator_affiliation",
                    ),
                    ("responsible_party_old_name_title", "responsible_party_old_organization"),
                ]
            },
        ),
        (_("Record"), {"classes": ["collapse"], "fields": [("created_at", "updated_at")]}),
    ]
    inlines = [
        SecondaryIdentifierInline,
        CollaborationInline,
        TrialConditionInline,
        KeywordInline,
        ReferenceInline,
        ArmGroupInline,
        InterventionInline,
        OutcomeInline,
        EligibilityCriterionInline,
        OfficialInline,
        CentralContactInline,
        LocationInline,
    ]

    class Media:
        css = {"all": ["css/admin-workflow.css"]}

    # Permissions: a published trial is read-only (edited through a revision); publishing needs its own right.

    def has_change_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_change_permission(request, obj)

    def has_publish_permission(self, request):
        return is_reviewer(request.user)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            # dates at their precision, lists by their labels; the form's own fields have nothing to show
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f not in FORM_ONLY]})
                for name, options in self.fieldsets
            ]
            return readable_fieldsets(fieldsets)
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return flatten_fieldsets(self.get_fieldsets(request, obj))  # also for the form of a past version
        # The NCT ID of a record the public has seen never changes (a revision keeps its trial's).
        seen = obj is not None and (obj.revision_of_id or obj.first_posted_date or history.was_published(obj))
        fixed = ["nct_id"] if seen else []
        return [*self.readonly_fields, *fixed]

    # Lists

    def get_queryset(self, request):
        # The pending revision of each published trial, for its link in the list and on the form (no row fetched).
        return super().get_queryset(request).annotate(pending_revision_id=F("revision__id"))

    @admin.display(description=_("published state"), ordering="publication")
    def published_state(self, trial):
        return render_to_string("admin/trials/trial/state.html", {"trial": trial})

    @admin.display(description=_("posted results"))
    def posted_results(self, trial):
        """What the registry posted, counted, with a link to its public page. Never a form field: results are
        imported as the registry posts them and exported unchanged (they live in the stored record)."""
        results = read_results(getattr(trial, "source_record", None))  # a past version keeps no stored record
        return render_to_string("admin/trials/trial/posted_results.html", {"trial": trial, "results": results})

    def get_view_on_site_url(self, obj=None):
        if obj is None:
            return None
        url = obj.get_absolute_url()
        return f"{url}?preview" if obj.revision_of_id else url  # staff preview of the pending revision

    # Saving: related rows first, then the criteria kept in step, then a version in the history.

    def save_related(self, request, form, formsets, change):
        with mesh.unlinking([form.instance.pk]):  # a condition taken off the trial loses its vote for a MeSH term
            super().save_related(request, form, formsets, change)
        if change and not (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            return  # saved as it was: no version, and its pages, index and related trials stand
        trial = form.instance
        criteria = next(f for f in formsets if f.model is models.EligibilityCriterion)
        if keep_criteria_in_step(trial, "eligibility_criteria" in form.changed_data, criteria.has_changed()):
            messages.warning(
                request,
                gettext("The criteria text and its items were both changed: the items were read again from the text."),
            )
        trials_changed([trial.pk], request.user, "Edited" if change else "Added", created=[] if change else [trial.pk])

    def delete_model(self, request, obj):
        self.delete_queryset(request, models.Trial.objects.filter(pk=obj.pk))

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        with deleting(queryset):
            super().delete_queryset(request, queryset)

    # History: field by field, from each version's whole record (its related rows included).

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        version_id = row_id(self.model.history.model, version_id)
        return super().history_form_view(request, str(row_id(self.model, object_id)), str(version_id), extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        newer = None
        for version in historical_records:  # newest first
            if newer is not None:
                newer.history_delta_changes = [
                    {
                        # Translators: a changed field in the admin's history: "Design: phases".
                        "field": gettext("%(section)s: %(field)s") % {"section": change.section, "field": change.field},
                        "old": change.old_html,
                        "new": change.new_html,
                    }
                    for change in history.changes(version.record, newer.record)
                ]
                if version.publication != newer.publication:
                    newer.history_delta_changes.insert(
                        0,
                        {
                            "field": gettext("Published state"),
                            "old": version.get_publication_display(),
                            "new": newer.get_publication_display(),
                        },
                    )
            newer = version

    # Workflow

    def change_view(self, request, object_id, form_url="", extra_context=None):
        trial = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            **(self.workflow_context(request, trial) if trial else {}),
            "sections": [section for section, _options in self.fieldsets],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "sections": [section for section, _options in self.fieldsets]}
        return super().add_view(request, form_url, extra_context)

    @transaction.atomic
    def _each(self, request, trials, step, done):
        """Run a workflow step on each trial, in one transaction; `done` is the message after it (a count)."""
        count = 0
        for trial in trials:
            try:
                count += bool(step(trial, request.user))
            except RecordError as exc:
                message = gettext("%(nct_id)s was not published: %(error)s") % {"nct_id": trial.nct_id, "error": exc}
                self.message_user(request, message, messages.ERROR)
        self.message_user(request, done % {"count": count})

    @admin.action(description=_("Submit selected for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._each(request, queryset, workflow.submit, SUBMITTED_MESSAGE)

    @admin.action(description=_("Publish selected (revisions go live)"), permissions=["publish"])
    def publish(self, request, queryset):
        self._each(request, queryset.select_related("revision_of"), workflow.publish, PUBLISHED_MESSAGE)

    @admin.action(description=_("Unpublish selected"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._each(request, queryset, workflow.unpublish, UNPUBLISHED_MESSAGE)

    @admin.action(description=_("Export selected as API v2 JSON"), permissions=["view"])
    def export_json(self, request, queryset):
        ids = list(queryset.order_by("nct_id").values_list("pk", flat=True))
        return json_download(ids, len(ids), filename="selected-trials.json")

    @admin.action(description=_("Export selected as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        ids = list(queryset.order_by("nct_id").values_list("pk", flat=True))
        return csv_download(ids, filename="selected-trials.csv")
