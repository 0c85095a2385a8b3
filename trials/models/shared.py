"""Rows many trials share: sponsors, conditions and investigators (named by trials, edited once)."""

from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from trials import choices

from .labels import ChoiceLabels
from .publication import published


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


class SponsorQuerySet(models.QuerySet):
    def shown(self):
        """The sponsors the public sees: those a published trial names as lead or collaborator."""
        return self.filter(
            models.Q(pk__in=self.filter(published("led_trials__")).values("pk"))
            | models.Q(pk__in=self.filter(published("collaborations__trial__")).values("pk"))
        )

    def with_published_counts(self):
        """Each sponsor with how many published trials it leads (lead_count) and collaborates on."""
        return self.annotate(
            lead_count=models.Count("led_trials", filter=published("led_trials__"), distinct=True),
            collaborator_count=models.Count(
                "collaborations", filter=published("collaborations__trial__"), distinct=True
            ),
        )


class ConditionQuerySet(models.QuerySet):
    def shown(self):
        """The conditions the public sees: those a published trial studies."""
        return self.filter(pk__in=self.filter(published("trial_conditions__trial__")).values("pk"))

    def with_published_counts(self):
        """Each condition with how many published trials study it (trial_count)."""
        return self.annotate(
            trial_count=models.Count("trial_conditions", filter=published("trial_conditions__trial__"))
        )


class Sponsor(ChoiceLabels):
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

    objects = SponsorQuerySet.as_manager()

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
    """A condition or disease as registered (e.g. "Multiple Myeloma (MM)"); shared by trials.

    mesh_term groups the names registered for one disease ("Lumbar Disc Herniation", "Herniated Disc", …) under
    the MeSH term the registry found for them ("Intervertebral Disc Displacement"); None when no trial's record
    gives one. Worked out from the trials' records (trials.mesh, which states the rule) whenever they change.
    """

    name = models.CharField(max_length=300, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    # NULL, not "", for no term: groups are keyed COALESCE(mesh_term, name)
    mesh_term = models.CharField(  # noqa: DJ001
        "MeSH term", max_length=300, null=True, blank=True, db_index=True, editable=False
    )

    objects = ConditionQuerySet.as_manager()

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
        return initial(self.name)


def initial(text):
    """The letter a name is listed under A–Z ("#" for digits and symbols)."""
    first = text[:1].upper()
    return first if first.isalpha() else "#"


class InvestigatorQuerySet(models.QuerySet):
    def shown(self):
        """The investigators the public sees: those a published trial names."""
        return self.filter(pk__in=self.filter(published("officials__trial__")).values("pk"))


class Investigator(models.Model):
    """A person named as an overall official, identified by name and affiliation."""

    name = models.CharField(max_length=300)
    affiliation = models.CharField(max_length=500, blank=True)

    objects = InvestigatorQuerySet.as_manager()

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
