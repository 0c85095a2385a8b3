"""The Trial: one registered study, keyed by its NCT ID, with the record's own (non-repeating) fields."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from trials import choices, rules
from trials.eligibility import describe_ages, nest_criteria, unescape_markdown
from trials.identifiers import NCT_ID_REGEX, validate_nct_id

from .labels import ChoiceLabels
from .queries import TrialQuerySet
from .shared import Condition, Sponsor


class VersionRecord(models.Model):
    """What each version (historical record) of a trial keeps beyond its own row: the whole protocol section.

    The protocol section holds the related rows too (groups, sites, criteria...), so a version
    is the complete record as it was, and two versions compare section by section.
    """

    record = models.JSONField(default=dict, help_text="The API v2 protocolSection of this version.")

    class Meta:
        abstract = True


# The columns of the trial row the overview shows (record header, summary, description, results, structured
# data, ETag): most visitors land on it, and reading a third of the row's columns makes it cheaper. A field


class Trial(ChoiceLabels):
    """One registered study, keyed by its NCT ID."""

    # Identification
    nct_id = models.CharField("NCT ID", max_length=11, validators=[validate_nct_id])
    nct_id_aliases = models.JSONField("earlier NCT IDs", default=list, blank=True)
    org_study_id = models.CharField("organisation's study ID", max_length=200, blank=True)
    org_study_id_type = models.CharField(max_length=10, choices=choices.OrgStudyIdType, blank=True)
    org_study_id_link = models.URLField(max_length=500, blank=True)
    brief_title = models.CharField(max_length=500, db_index=True)
    official_title = models.TextField(blank=True)
    acronym = models.CharField(max_length=100, blank=True)
    organization = models.ForeignKey(
        Sponsor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organized_trials",
    )

    # Status and dates: a date keeps its precision (2025-09 is a month) and whether it is actual or estimated
    overall_status = models.CharField(max_length=30, choices=choices.Status, db_index=True)
    last_known_status = models.CharField(max_length=30, choices=choices.Status, blank=True)
    why_stopped = models.TextField(blank=True)
    status_verified_date = models.DateField(null=True, blank=True)
    status_verified_date_precision = models.CharField(max_length=5, choices=choices.DatePrecision, blank=True)
    start_date = models.DateField(null=True, blank=True, db_index=True)
    start_date_precision = models.CharField(max_length=5, choices=choices.DatePrecision, blank=True)
    start_date_type = models.CharField(max_length=9, choices=choices.DateType, blank=True)
    primary_completion_date = models.DateField(null=True, blank=True)
    primary_completion_date_precision = models.CharField(max_length=5, choices=choices.DatePrecision, blank=True)
    primary_completion_date_type = models.CharField(max_length=9, choices=choices.DateType, blank=True)
    completion_date = models.DateField(null=True, blank=True)
    completion_date_precision = models.CharField(max_length=5, choices=choices.DatePrecision, blank=True)
    completion_date_type = models.CharField(max_length=9, choices=choices.DateType, blank=True)
    first_submitted_date = models.DateField(null=True, blank=True)
    first_submitted_date_precision = models.CharField(max_length=5, choices=choices.DatePrecision, blank=True)
    first_posted_date = models.DateField(null=True, blank=True)
    first_posted_date_precision = models.CharField(max_length=5, choices=choices.DatePrecision, blank=True)
    first_posted_date_type = models.CharField(max_length=9, choices=choices.DateType, blank=True)
    results_first_posted_date = models.DateField(null=True, blank=True)
    results_first_posted_date_precision = models.CharField(max_length=5, choices=choices.DatePrecision, blank=True)
    results_first_posted_date_type = models.CharField(max_length=9, choices=choices.DateType, blank=True)
    last_update_submitted_date = models.DateField(null=True, blank=True)
    last_update_submitted_date_precision = models.CharField(max_length=5, choices=choices.DatePrecision, blank=True)
    last_update_posted_date = models.DateField(null=True, blank=True, db_index=True)
    last_update_posted_date_precision = models.CharField(max_length=5, choices=choices.DatePrecision, blank=True)
    last_update_posted_date_type = models.CharField(max_length=9, choices=choices.DateType, blank=True)
    # The dates above are the registry's, as posted on ClinicalTrials.gov: only an import changes them. A change
    # made here (an admin save, a revision published) dates itself here (trials.changes); API v2 has no field for
    # it, so export leaves it out.
    edited_at = models.DateTimeField(
        "edited here",
        null=True,
        blank=True,
        editable=False,
        help_text="When staff last changed the record here (an import does not count).",
    )

    # Sponsors and responsible party
    lead_sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="led_trials")
    collaborators = models.ManyToManyField(
        Sponsor, through="Collaboration", related_name="collaborated_trials", blank=True
    )
    responsible_party_type = models.CharField(max_length=25, choices=choices.ResponsiblePartyType, blank=True)
    responsible_party_investigator_name = models.CharField(max_length=300, blank=True)
    responsible_party_investigator_title = models.CharField(max_length=300, blank=True)
    responsible_party_investigator_affiliation = models.CharField(max_length=500, blank=True)
    responsible_party_old_name_title = models.CharField(
        max_length=300, blank=True, help_text="Older records: the responsible party's name and title in one field."
    )
    responsible_party_old_organization = models.CharField(max_length=500, blank=True)

    # Oversight
    has_dmc = models.BooleanField("has a data monitoring committee", null=True, blank=True)
    is_fda_regulated_drug = models.BooleanField("studies an FDA-regulated drug", null=True, blank=True)
    is_fda_regulated_device = models.BooleanField("studies an FDA-regulated device", null=True, blank=True)
    is_unapproved_device = models.BooleanField("unapproved or uncleared device", null=True, blank=True)
    is_us_export = models.BooleanField("product exported from the U.S.", null=True, blank=True)
    is_ppsd = models.BooleanField("pediatric postmarket surveillance of a device", null=True, blank=True)
    fdaaa801_violation = models.BooleanField("FDAAA 801 violation", null=True, blank=True)

    # Description and conditions
    brief_summary = models.TextField(blank=True)
    detailed_description = models.TextField(blank=True)
    conditions = models.ManyToManyField(Condition, through="TrialCondition", related_name="trials", blank=True)

    # Design
    study_type = models.CharField(max_length=20, choices=choices.StudyType, db_index=True)
    phase = models.CharField(max_length=15, choices=choices.Phase, blank=True, db_index=True)
    patient_registry = models.BooleanField(null=True, blank=True)
    target_duration = models.CharField(max_length=50, blank=True)
    allocation = models.CharField(max_length=15, choices=choices.Allocation, blank=True)
    intervention_model = models.CharField(max_length=15, choices=choices.InterventionModel, blank=True)
    intervention_model_description = models.TextField(blank=True)
    primary_purpose = models.CharField(max_length=30, choices=choices.PrimaryPurpose, blank=True)
    observational_model = models.CharField(max_length=25, choices=choices.ObservationalModel, blank=True)
    time_perspective = models.CharField(max_length=20, choices=choices.TimePerspective, blank=True)
    masking = models.CharField(max_length=10, choices=choices.Masking, blank=True)
    masking_description = models.TextField(blank=True)
    who_masked = models.JSONField("who is masked", default=list, blank=True)
    biospec_retention = models.CharField(max_length=20, choices=choices.BioSpecRetention, blank=True)
    biospec_description = models.TextField(blank=True)
    enrollment_count = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    enrollment_type = models.CharField(max_length=9, choices=choices.DateType, blank=True)

    # Eligibility: the raw criteria text is kept; its parsed items (EligibilityCriterion) are what pages show
    eligibility_criteria = models.TextField(blank=True)
    healthy_volunteers = models.BooleanField("accepts healthy volunteers", null=True, blank=True, db_index=True)
    sex = models.CharField(max_length=6, choices=choices.Sex, blank=True, db_index=True)
    gender_based = models.BooleanField(null=True, blank=True)
    gender_description = models.TextField(blank=True)
    minimum_age = models.CharField(max_length=30, blank=True, help_text='As registered, e.g. "18 Years".')
    maximum_age = models.CharField(max_length=30, blank=True, help_text='As registered, e.g. "70 Years".')
    minimum_age_years = models.FloatField(null=True, blank=True, db_index=True, editable=False)
    maximum_age_years = models.FloatField(null=True, blank=True, db_index=True, editable=False)
    std_ages = models.JSONField("standard age groups", default=list, blank=True)
    study_population = models.TextField(blank=True)
    sampling_method = models.CharField(max_length=25, choices=choices.SamplingMethod, blank=True)

    has_results = models.BooleanField(default=False, db_index=True)

    # The record as last imported: export overlays the modelled fields on it, so the
    # registry's sections we do not model (results, derived, documents) come out unchanged.
    source_record = models.JSONField(default=dict, blank=True, editable=False)

    # Review workflow (trials/workflow.py): only published trials are public. Editing a published
    # trial edits a pending revision (a copy with revision_of set) until a reviewer publishes it.
    publication = models.CharField(
        "published state",
        max_length=10,
        choices=choices.Publication,
        default=choices.Publication.DRAFT,
        db_index=True,
    )
    revision_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="revision",
        help_text="The published trial this is a pending revision of.",
    )

    # Set with an import's batch, cleared once its related-trials list and those it enters are brought up to date
    # (trials.related): an import killed before its end leaves it set, and the next import's end sees to them.
    related_stale = models.BooleanField(default=False, db_default=False, editable=False)

    # Raised by every change (trials.changes): the editor refuses a save made from a page opened before the last one.
    lock_version = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    pages_changed_at = models.DateTimeField(
        db_default=Now(),
        editable=False,
        help_text="When anything its public pages show last changed: the record, or a trial its related list names.",
    )

    objects = TrialQuerySet.as_manager()
    # Versions are written by trials.history once the related rows are saved too, never on save()
    # of the row alone (which would miss the inlines and the importer's related rows).
    history = HistoricalRecords(
        excluded_fields=[
            "source_record",
            "related_stale",
            "lock_version",
            "created_at",
            "updated_at",
            "pages_changed_at",
        ],
        bases=[VersionRecord],
    )
    skip_history_when_saving = True

    class Meta:
        ordering = ["-last_update_posted_date", "nct_id"]
        permissions = [("publish_trial", "Can publish and unpublish trials")]
        # Every page of a record looks it up by NCT ID, published or (for staff) with its revision;
        # the unique index is partial (revisions share the NCT ID), so such lookups could not use it.
        indexes = [
            models.Index(fields=["nct_id"], name="trial_nct_id"),
            # The few trials whose related lists wait, found without reading the others
            models.Index(fields=["related_stale"], condition=Q(related_stale=True), name="trial_related_stale"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nct_id"],
                condition=Q(revision_of__isnull=True),
                name="trial_nct_id_unique",
                violation_error_message="Another trial already has this NCT ID.",
            ),
            models.CheckConstraint(condition=Q(nct_id__regex=NCT_ID_REGEX), name="trial_nct_id_format"),
            models.CheckConstraint(
                condition=Q(enrollment_count__isnull=True) | Q(enrollment_count__gte=0),
                name="trial_enrollment_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(minimum_age_years__isnull=True)
                | Q(maximum_age_years__isnull=True)
                | Q(minimum_age_years__lte=F("maximum_age_years")),
                name="trial_min_age_not_above_max_age",
            ),
        ]

    def __str__(self):
        return f"{self.nct_id}: {self.brief_title}"

    def get_absolute_url(self):
        return reverse("trials:detail", args=[self.nct_id])

    @property
    def is_published(self):
        """Whether the public sees this trial (templates ask this, never the state's value)."""
        return self.publication == choices.Publication.PUBLISHED

    @property
    def ordered_conditions(self):
        """Conditions in the registry's order (the first is the main one)."""
        return [link.condition for link in self.trial_conditions.all()]

    @property
    def ordered_collaborators(self):
        return [link.sponsor for link in self.collaborations.all()]

    @property
    def groups_with_interventions(self):
        """[(arm group, [its interventions])] from the prefetched interventions: no query per group."""
        given = {}
        for intervention in self.interventions.all():
            for link in intervention.arm_links.all():
                given.setdefault(link.arm_group_id, []).append(intervention)
        return [(arm, given.get(arm.pk, [])) for arm in self.arm_groups.all()]

    @property
    def ungrouped_interventions(self):
        """Interventions the record links to no study group (common in observational studies)."""
        return [i for i in self.interventions.all() if not i.arm_links.all()]

    @property
    def locations_by_country(self):
        """[(country, [its sites in registry order])], countries A–Z."""
        countries = {}
        for location in self.locations.all():
            countries.setdefault(location.country or "Country not given", []).append(location)
        return sorted(countries.items())

    @property
    def sites_per_country(self):
        """[(country, its number of sites)], most sites first, as the overview reads them with the trial
        (sites_per_country_json: counts, not the sites); "" counts the sites whose country is not given."""
        counts = [(row["country"], row["sites"]) for row in self.sites_per_country_json or []]
        return sorted(counts, key=lambda pair: (-pair[1], pair[0]))

    @property
    def posted_result_measures(self):
        """Titles of the outcome measures with posted results, from the stored registry record."""
        results = (self.source_record or {}).get("resultsSection", {})
        measures = results.get("outcomeMeasuresModule", {}).get("outcomeMeasures", [])
        return [m["title"] for m in measures if isinstance(m, dict) and m.get("title")]

    @property
    def who_masked_labels(self):
        return [choices.WhoMasked(value).label for value in self.who_masked]

    @property
    def std_age_labels(self):
        return [choices.StandardAge(value).label for value in self.std_ages]

    @cached_property
    def summary_text(self):
        """The brief summary as plain text (markdown escapes removed), for meta descriptions."""
        return unescape_markdown(self.brief_summary)

    @property
    def age_range(self):
        return describe_ages(self.minimum_age, self.maximum_age)

    @property
    def criteria_sections(self):
        """[(kind label, nested items)] for general, inclusion and exclusion criteria, in that order."""
        sections = []
        for kind in (choices.CriterionKind.GENERAL, choices.CriterionKind.INCLUSION, choices.CriterionKind.EXCLUSION):
            items = [c for c in self.criteria.all() if c.kind == kind]
            if items:
                sections.append((kind, nest_criteria(items)))
        return sections

    def clean(self):
        """The record rules on the trial's own fields (trials/rules.py); the importer applies the same."""
        if errors := rules.trial_errors(self):
            raise ValidationError(errors)
