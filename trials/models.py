"""Trials, their sponsors and investigators, and the rows that repeat within a record.

The structure follows the registry's (ClinicalTrials.gov API v2 protocolSection),
not its pages: one Trial per NCT ID, shared Sponsor / Condition / Investigator
rows, and ordered child rows for everything that repeats. trials/registry.py
maps API v2 JSON to and from these models.
"""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from . import choices, geo, rules
from .eligibility import describe_ages, nest_criteria, unescape_markdown
from .identifiers import NCT_ID_REGEX, validate_nct_id


def unique_slugs(model, texts, max_length=200):
    """slugify() each text, with -2, -3 … appended where another row (or an earlier text) has that slug."""
    bases = [slugify(text)[: max_length - 8] or "item" for text in texts]
    taken = set(model.objects.filter(slug__in=bases).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 1
        while slug in taken or (n > 1 and model.objects.filter(slug=slug).exists()):
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


class Sponsor(models.Model):
    """An organisation that leads or collaborates on trials; shared by all of them."""

    name = models.CharField(max_length=300)
    agency_class = models.CharField(
        "class",
        max_length=20,
        choices=choices.AgencyClass,
        default=choices.AgencyClass.OTHER,
        db_index=True,
    )
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "agency_class"], name="sponsor_name_class_unique")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            (self.slug,) = unique_slugs(Sponsor, [self.name])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("trials:sponsor", args=[self.slug])


class Condition(models.Model):
    """A condition or disease as registered (e.g. "Multiple Myeloma (MM)"); shared by trials."""

    name = models.CharField(max_length=300, unique=True)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            (self.slug,) = unique_slugs(Condition, [self.name])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("trials:condition", args=[self.slug])

    @property
    def initial(self):
        """The letter it is listed under A–Z ("#" for digits and symbols)."""
        first = self.name[:1].upper()
        return first if first.isalpha() else "#"


class Investigator(models.Model):
    """A person named as an overall official, identified by name and affiliation."""

    name = models.CharField(max_length=300)
    affiliation = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "affiliation"],
                name="investigator_name_affiliation_unique",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name

    def get_absolute_url(self):
        return reverse("trials:investigator", args=[self.pk])


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
# missing here costs the page a query of its own, which tests/test_records.py's query budget would catch.
OVERVIEW_FIELDS = [
    "nct_id", "acronym", "brief_title", "official_title", "publication", "revision_of",
    "overall_status", "phase", "study_type", "allocation", "enrollment_count", "enrollment_type",
    *(f"{date}{part}" for date in ("start_date", "completion_date", "last_update_posted_date")
      for part in ("", "_precision", "_type")),
    "brief_summary", "detailed_description", "has_results", "source_record", "updated_at",
]  # fmt: skip


def _section_prefetches(section):
    """What each section shows beyond the trial row and its short lists (RECORD_LISTS): one query per related table."""
    interventions = models.Prefetch(
        "interventions",
        Intervention.objects.prefetch_related(
            models.Prefetch("arm_links", InterventionArm.objects.select_related("arm_group"))
        ),
    )
    sections = {
        "overview": [],
        "design": [interventions],
        "groups": ["arm_groups", interventions],
        "eligibility": ["criteria"],
        "checklist": ["criteria"],
        "contacts": [
            models.Prefetch("collaborations", Collaboration.objects.select_related("sponsor")),
            models.Prefetch("officials", Official.objects.select_related("investigator")),
            "central_contacts",
            "locations__contacts",
            "secondary_ids",
        ],
        "history": [],
    }
    if section == "full":  # Prefetch objects compare by their path, so shared ones are read once
        return list(dict.fromkeys(prefetch for prefetches in sections.values() for prefetch in prefetches))
    return sections[section]


class TrialQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published trials (never a draft, a trial in review or a pending revision)."""
        return self.filter(publication=choices.Publication.PUBLISHED)

    def registered(self):
        """One row per NCT ID: every trial except the pending revisions staff are editing."""
        return self.filter(revision_of__isnull=True)

    def for_list(self):
        """Rows for a list of trials: the lead sponsor joined, conditions in one extra query.

        The stored registry record (large JSON) is not read: lists never show it.
        """
        return (
            self.defer("source_record")
            .select_related("lead_sponsor")
            .prefetch_related(models.Prefetch("trial_conditions", TrialCondition.objects.select_related("condition")))
        )

    def for_section(self, section):
        """A record page: the trial, its lead sponsor and its short lists in one query, and the rows that section shows.

        section is one of overview, design, groups, eligibility, checklist (eligibility's printable criteria),
        contacts, history, or full (all of them). Call trial.keep_record_lists() on the trial read.
        Only the overview and the full record read the stored registry record (for posted results).
        """
        lists = {f"{name}_json": JSONRows(rows, keys) for name, (_, rows, keys) in RECORD_LISTS.items()}
        trials = self.select_related("lead_sponsor").annotate(**lists).prefetch_related(*_section_prefetches(section))
        if section == "overview":
            return trials.only(*OVERVIEW_FIELDS, "lead_sponsor")
        if section in {"contacts", "full"}:
            trials = trials.select_related("organization")  # named beside the organisation's study ID
        return trials if section == "full" else trials.defer("source_record")

    def for_export(self):
        """Everything the API v2 export writes, one query per related table (no N+1 over arms or sites)."""
        return self.select_related("lead_sponsor", "organization").prefetch_related(
            models.Prefetch("trial_conditions", TrialCondition.objects.select_related("condition")),
            models.Prefetch("collaborations", Collaboration.objects.select_related("sponsor")),
            "keywords",
            "arm_groups__interventions",
            models.Prefetch("interventions__arm_links", InterventionArm.objects.select_related("arm_group")),
            "outcomes",
            "criteria",
            models.Prefetch("officials", Official.objects.select_related("investigator")),
            "central_contacts",
            "locations__contacts",
            "secondary_ids",
            "references",
        )


class Trial(models.Model):
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

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrialQuerySet.as_manager()
    # Versions are written by trials.history once the related rows are saved too, never on save()
    # of the row alone (which would miss the inlines and the importer's related rows).
    history = HistoricalRecords(excluded_fields=["source_record", "created_at", "updated_at"], bases=[VersionRecord])
    skip_history_when_saving = True

    class Meta:
        ordering = ["-last_update_posted_date", "nct_id"]
        permissions = [("publish_trial", "Can publish and unpublish trials")]
        # Every page of a record looks it up by NCT ID, published or (for staff) with its revision;
        # the unique index is partial (revisions share the NCT ID), so such lookups could not use it.
        indexes = [models.Index(fields=["nct_id"], name="trial_nct_id")]
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

    def keep_record_lists(self):
        """Put the lists read with the trial (for_section) where prefetch_related puts rows, so that
        trial.keywords.all() and the others read no database."""
        cache = self.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, (model, _, _) in RECORD_LISTS.items():
            items = sorted(
                getattr(self, f"{name}_json") or [], key=lambda item: [item[key] for key in model._meta.ordering]
            )
            cache[name] = [_from_json(model, item, self._state.db, trial=self) for item in items]

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


class Ordered(models.Model):
    """A row that keeps the registry's order within its parent."""

    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Collaboration(Ordered):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="collaborations")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="collaborations")

    class Meta(Ordered.Meta):
        constraints = [models.UniqueConstraint(fields=["trial", "sponsor"], name="collaboration_unique")]

    def __str__(self):
        return str(self.sponsor)


class TrialCondition(Ordered):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="trial_conditions")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="trial_conditions")

    class Meta(Ordered.Meta):
        constraints = [models.UniqueConstraint(fields=["trial", "condition"], name="trial_condition_unique")]

    def __str__(self):
        return str(self.condition)


class Keyword(Ordered):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="keywords")
    term = models.CharField(max_length=300)

    def __str__(self):
        return self.term


class ArmGroup(Ordered):
    """A study group (arm) as registered; its interventions are linked from Intervention.arm_groups."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="arm_groups")
    label = models.CharField(max_length=300)
    type = models.CharField(max_length=20, choices=choices.ArmGroupType, blank=True)
    description = models.TextField(blank=True)

    class Meta(Ordered.Meta):
        constraints = [models.UniqueConstraint(fields=["trial", "label"], name="arm_group_label_unique")]

    def __str__(self):
        return self.label


class Intervention(Ordered):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="interventions")
    type = models.CharField(max_length=20, choices=choices.InterventionType, db_index=True)
    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    other_names = models.JSONField(default=list, blank=True)
    arm_groups = models.ManyToManyField(ArmGroup, through="InterventionArm", related_name="interventions", blank=True)

    def __str__(self):
        return f"{self.get_type_display()}: {self.name}"

    @property
    def ordered_arm_groups(self):
        """Its groups in the registry's order (armGroupLabels), which need not follow the groups' own order."""
        return [link.arm_group for link in self.arm_links.all()]


class InterventionArm(Ordered):
    """An intervention given in a study group; `position` is the group's place in the intervention's list."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="arm_links")
    arm_group = models.ForeignKey(ArmGroup, on_delete=models.CASCADE, related_name="intervention_links")

    class Meta(Ordered.Meta):
        constraints = [models.UniqueConstraint(fields=["intervention", "arm_group"], name="intervention_arm_unique")]

    def __str__(self):
        return f"{self.intervention.name} in {self.arm_group.label}"


class Outcome(Ordered):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=10, choices=choices.OutcomeKind)
    measure = models.TextField()
    description = models.TextField(blank=True)
    time_frame = models.TextField(blank=True)

    class Meta(Ordered.Meta):
        ordering = ["kind", "position", "id"]

    def __str__(self):
        return self.measure


class EligibilityCriterion(Ordered):
    """One parsed item of the criteria text; `level` is its nesting depth (0 = top level)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=10, choices=choices.CriterionKind)
    level = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()

    class Meta(Ordered.Meta):
        verbose_name_plural = "eligibility criteria"

    def __str__(self):
        return self.text


class Official(Ordered):
    """An investigator named as an overall official of a trial, with their role."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="officials")
    investigator = models.ForeignKey(Investigator, on_delete=models.PROTECT, related_name="officials")
    role = models.CharField(max_length=25, choices=choices.OfficialRole, blank=True)

    def __str__(self):
        return f"{self.investigator.name}, {self.get_role_display()}"


class ContactDetails(Ordered):
    name = models.CharField(max_length=300, blank=True)
    role = models.CharField(max_length=25, choices=choices.ContactRole, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    phone_ext = models.CharField(max_length=50, blank=True)
    email = models.CharField(max_length=300, blank=True)

    class Meta(Ordered.Meta):
        abstract = True

    def __str__(self):
        return self.name or self.email or self.phone


class CentralContact(ContactDetails):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="central_contacts")


class Location(Ordered):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="locations")
    facility = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=30, choices=choices.Status, blank=True)
    city = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=200, blank=True)
    zip = models.CharField(max_length=50, blank=True)
    country = models.CharField(max_length=100, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geocoded = models.BooleanField(
        default=False, editable=False, help_text="The point is the city's, placed by the portal: not exported."
    )

    class Meta(Ordered.Meta):
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_point")]

    def __str__(self):
        return ", ".join(part for part in (self.facility, self.city, self.country) if part)

    def save(self, *args, **kwargs):
        self.place_on_map()
        super().save(*args, **kwargs)

    def place_on_map(self):
        """Place the site at its city (offline, trials/geo.py) unless the registry gave its own point."""
        if self.geocoded or self.latitude is None or self.longitude is None:
            point = geo.locate(self.city, self.state, self.country)
            self.latitude, self.longitude = point or (None, None)
            self.geocoded = point is not None


class LocationContact(ContactDetails):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="contacts")


class SecondaryIdentifier(Ordered):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="secondary_ids")
    identifier = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=choices.SecondaryIdType, blank=True)
    domain = models.CharField(max_length=300, blank=True)
    link = models.URLField(max_length=500, blank=True)

    def __str__(self):
        return self.identifier


class Reference(Ordered):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="references")
    pmid = models.CharField("PubMed ID", max_length=20, blank=True)
    type = models.CharField(max_length=15, choices=choices.ReferenceType, blank=True)
    citation = models.TextField(blank=True)

    def __str__(self):
        return self.citation[:80]


class RelatedTrial(Ordered):
    """A precomputed "more like this" link (trials/related.py), with the reason shown to readers."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)

    def __str__(self):
        return f"{self.trial.nct_id} -> {self.related.nct_id} ({self.reason})"


class JSONRows(models.Expression):
    """A trial's rows of one related table as a JSON array of objects, read within the trial's own query.

    rows is the SQL after FROM, where "trials_trial" is the trial being read; keys maps each object key
    to a column, or a joined row's field name to its own keys. Trial.objects.for_section reads five of
    these lists (RECORD_LISTS) with the trial: building an ORM query costs more than the database takes
    to answer it, and they were five queries. SQLite's and PostgreSQL's JSON functions differ in name only.
    """

    output_field = models.JSONField()

    def __init__(self, rows, keys):
        super().__init__()
        self.rows, self.keys = rows, keys

    def as_sql(self, compiler, connection, aggregate="json_group_array", build="json_object"):
        def json_object(keys):
            pairs = (
                f"'{key}', {json_object(value) if isinstance(value, dict) else value}" for key, value in keys.items()
            )
            return f"{build}({', '.join(pairs)})"

        return f"(SELECT {aggregate}({json_object(self.keys)}) FROM {self.rows})", []

    def as_postgresql(self, compiler, connection):
        return self.as_sql(compiler, connection, aggregate="jsonb_agg", build="jsonb_build_object")


TRIAL = '"trials_trial"."id"'
RECORD_LISTS = {  # where prefetch_related would keep them: (model, rows, keys) for JSONRows
    "trial_conditions": (
        TrialCondition,
        f"trials_trialcondition x JOIN trials_condition c ON c.id = x.condition_id WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "condition": {"id": "c.id", "name": "c.name", "slug": "c.slug"}},
    ),
    "keywords": (
        Keyword,
        f"trials_keyword x WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "term": "x.term"},
    ),
    "outcomes": (
        Outcome,
        f"trials_outcome x WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "kind": "x.kind", "measure": "x.measure",
         "description": "x.description", "time_frame": "x.time_frame"},
    ),
    "references": (
        Reference,
        f"trials_reference x WHERE x.trial_id = {TRIAL}",
        {"id": "x.id", "position": "x.position", "pmid": "x.pmid", "type": "x.type", "citation": "x.citation"},
    ),
    "related_links": (  # links to published trials only, with what a related trial's line shows
        RelatedTrial,
        f"trials_relatedtrial x JOIN trials_trial r ON r.id = x.related_id WHERE x.trial_id = {TRIAL}"
        f" AND r.publication = '{choices.Publication.PUBLISHED}'",
        {"id": "x.id", "position": "x.position", "reason": "x.reason",
         "related": {"id": "r.id", "nct_id": "r.nct_id", "brief_title": "r.brief_title",
                     "overall_status": "r.overall_status", "phase": "r.phase"}},
    ),
}  # fmt: skip


def _from_json(model, item, db, **known):
    """A model instance as if read from the database: item maps field attnames to values, and a joined row's
    field name to that row's own item."""
    fields = [field for field in model._meta.concrete_fields if field.attname in item]
    instance = model.from_db(db, [field.attname for field in fields], [item[field.attname] for field in fields])
    for name, value in item.items():
        if isinstance(value, dict):
            known[name] = _from_json(model._meta.get_field(name).related_model, value, db)
    for name, value in known.items():
        setattr(instance, name, value)
    return instance


class SearchEntry(models.Model):
    """What search reads of a trial, in one narrow row (written by trials.search.index, never edited).

    Search filters, counts and sorts over many thousands of matches at once; reading these
    small rows instead of the wide Trial rows keeps that fast. The text itself is indexed
    by the database: a weighted tsvector in `document` on PostgreSQL, an FTS5 table on SQLite.
    """

    trial = models.OneToOneField(Trial, on_delete=models.CASCADE, primary_key=True, related_name="search_entry")
    status = models.CharField(max_length=30, choices=choices.Status, db_index=True)
    phase = models.CharField(max_length=15, choices=choices.Phase, blank=True, db_index=True)
    study_type = models.CharField(max_length=20, choices=choices.StudyType, db_index=True)
    lead_sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="+")
    sponsor_class = models.CharField(max_length=20, choices=choices.AgencyClass, db_index=True)
    has_results = models.BooleanField(default=False)
    sex = models.CharField(max_length=6, choices=choices.Sex, blank=True)
    healthy_volunteers = models.BooleanField(null=True)
    minimum_age_years = models.FloatField(null=True)
    maximum_age_years = models.FloatField(null=True)
    start_date = models.DateField(null=True, db_index=True)
    last_update = models.DateField(null=True, db_index=True)
    enrollment = models.PositiveIntegerField(null=True, db_index=True)
    title = models.CharField(max_length=500, db_index=True, help_text="Brief title, lower-cased: the A–Z order.")
    document = SearchVectorField(null=True)

    def __str__(self):
        return f"search entry of trial {self.trial_id}"


class IndexVersion(models.Model):
    """One row: a number every change to the search index raises (trials.search.index).

    Figures cached from the index carry it in their cache keys (trials.search.cached), so
    every process, whatever its cache, stops using figures counted before an import or a
    publication, and a read replica's figures match the data it has replayed.
    """

    number = models.BigIntegerField(default=0)

    def __str__(self):
        return f"search index version {self.number}"


class FtsQueryField(models.TextField):
    """The hidden column an SQLite FTS5 table has under its own name; `__match` runs a full-text query."""


@FtsQueryField.register_lookup
class FtsMatch(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class SearchText(models.Model):
    """SQLite only: the FTS5 table of the search text, one row per SearchEntry (rowid = trial id).

    Created by a migration on SQLite alone and written by trials.search.backends; this
    model only lets querysets join it, match it and order by its bm25 `rank`.
    """

    entry = models.OneToOneField(
        SearchEntry,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="text",
    )
    query = FtsQueryField(db_column="trials_search_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "trials_search_fts"

    def __str__(self):
        return f"search text of trial {self.entry_id}"
