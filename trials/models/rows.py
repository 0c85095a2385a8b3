"""The rows that repeat within a record, each in the registry's order: conditions, groups, sites..."""

from django.db import models

from trials import choices, geo

from .labels import ChoiceLabels
from .shared import Condition, Investigator, Sponsor


class Ordered(ChoiceLabels):
    """A row that keeps the registry's order within its parent."""

    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Collaboration(Ordered):
    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="collaborations")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="collaborations")

    class Meta(Ordered.Meta):
        constraints = [models.UniqueConstraint(fields=["trial", "sponsor"], name="collaboration_unique")]

    def __str__(self):
        return str(self.sponsor)


class TrialCondition(Ordered):
    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="trial_conditions")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="trial_conditions")
    # The MeSH term this trial's record gives the condition (its vote for Condition.mesh_term; trials.mesh), or None
    # (NULL, not "": the votes are counted with COUNT and GROUP BY, which leave NULLs out).
    mesh_term = models.CharField(max_length=300, null=True, blank=True, db_index=True, editable=False)  # noqa: DJ001

    class Meta(Ordered.Meta):
        constraints = [models.UniqueConstraint(fields=["trial", "condition"], name="trial_condition_unique")]

    def __str__(self):
        return str(self.condition)


class Keyword(Ordered):
    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="keywords")
    term = models.CharField(max_length=300)

    def __str__(self):
        return self.term


class ArmGroup(Ordered):
    """A study group (arm) as registered; its interventions are linked from Intervention.arm_groups."""

    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="arm_groups")
    label = models.CharField(max_length=300)
    type = models.CharField(max_length=20, choices=choices.ArmGroupType, blank=True)
    description = models.TextField(blank=True)

    class Meta(Ordered.Meta):
        constraints = [models.UniqueConstraint(fields=["trial", "label"], name="arm_group_label_unique")]

    def __str__(self):
        return self.label


class Intervention(Ordered):
    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="interventions")
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
    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="outcomes")
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

    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=10, choices=choices.CriterionKind)
    level = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()

    class Meta(Ordered.Meta):
        verbose_name_plural = "eligibility criteria"

    def __str__(self):
        return self.text


class Official(Ordered):
    """An investigator named as an overall official of a trial, with their role."""

    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="officials")
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
    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="central_contacts")


class Location(Ordered):
    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="locations")
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
    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="secondary_ids")
    identifier = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=choices.SecondaryIdType, blank=True)
    domain = models.CharField(max_length=300, blank=True)
    link = models.URLField(max_length=500, blank=True)

    def __str__(self):
        return self.identifier


class Reference(Ordered):
    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="references")
    pmid = models.CharField("PubMed ID", max_length=20, blank=True)
    type = models.CharField(max_length=15, choices=choices.ReferenceType, blank=True)
    citation = models.TextField(blank=True)

    def __str__(self):
        return self.citation[:80]


class RelatedTrial(Ordered):
    """A precomputed "more like this" link (trials/related.py), with why: what kind of thing the two trials share,
    and its value (a condition's or intervention's name, or a word of the title)."""

    trial = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey("Trial", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(db_default=0, help_text="What the two share, weighed (trials.related).")
    reason_kind = models.CharField(max_length=12, choices=choices.RelatedReason, db_default=choices.RelatedReason.WORD)
    reason_value = models.CharField(max_length=300, db_default="")
    # The English sentence the release before 0008 wrote and read: kept (never written) so that release's
    # servers work beside this one's during a rolling deploy; the next release's migration drops it.
    reason = models.CharField(max_length=300, db_default="", editable=False)

    def __str__(self):
        return f"{self.trial.nct_id} -> {self.related.nct_id} ({self.reason_kind}: {self.reason_value})"
