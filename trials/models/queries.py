"""How trials are read: the public's and staff's sets, and the rows each kind of page needs, built in one place."""

from django.db import models

from .publication import published
from .record_lists import GLANCE_LISTS, RECORD_LISTS, SITES_PER_COUNTRY, TRIAL, JSONRows, WithRecordLists
from .rows import Collaboration, Intervention, InterventionArm, Official, TrialCondition

OVERVIEW_FIELDS = [
    "nct_id", "acronym", "brief_title", "official_title", "publication", "revision_of",
    "overall_status", "phase", "study_type", "allocation", "enrollment_count", "enrollment_type",
    *(f"{date}{part}" for date in ("start_date", "completion_date", "last_update_posted_date")
      for part in ("", "_precision", "_type")),
    "brief_summary", "detailed_description", "has_results", "source_record", "pages_changed_at",
    "minimum_age", "maximum_age", "sex", "gender_based", "healthy_volunteers",  # "at a glance": who can join
]  # fmt: skip
# The columns of the trial row a list of trials shows (trials/includes/trial_item.html, the RSS feed's items): of the
# wide row, only these are read; 7.7 -> 4.9 ms for a search page's 20 trials at 100,000 (tests/test_pages.py checks
# that showing them reads nothing more).
LIST_FIELDS = [
    "nct_id", "brief_title", "overall_status", "phase", "study_type", "enrollment_count", "enrollment_type",
    "start_date", "start_date_precision", "start_date_type", "has_results", "brief_summary",
    "first_posted_date", "last_update_posted_date",
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
        "results": [],  # read from the stored registry record, in the trial's own query
    }
    if section == "full":  # Prefetch objects compare by their path, so shared ones are read once
        return list(dict.fromkeys(prefetch for prefetches in sections.values() for prefetch in prefetches))
    return sections[section]


class TrialQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published trials (never a draft, a trial in review or a pending revision)."""
        return self.filter(published())

    def registered(self):
        """One row per NCT ID: every trial except the pending revisions staff are editing."""
        return self.filter(revision_of__isnull=True)

    def for_list(self):
        """Rows for a list of trials: the columns it shows (LIST_FIELDS), the lead sponsor joined, conditions in one
        extra query."""
        return (
            self.only(*LIST_FIELDS, "lead_sponsor")
            .select_related("lead_sponsor")
            .prefetch_related(models.Prefetch("trial_conditions", TrialCondition.objects.select_related("condition")))
        )

    def for_section(self, section):
        """A record page: the trial, its lead sponsor and its short lists in one query, and the rows that section shows.

        section is one of overview, design, groups, eligibility, checklist (eligibility's printable criteria),
        contacts, history, results, or full (all of them). The trials come
        with their short lists unpacked (record_lists.WithRecordLists).
        Only the overview, the results and the full record read the stored registry record (for posted results).
        The overview also reads, in the same query, what its "at a glance" box shows: the interventions' names and
        types, the central contacts (GLANCE_LISTS) and the number of sites per country (sites_per_country_json).
        """
        lists = RECORD_LISTS | GLANCE_LISTS if section == "overview" else RECORD_LISTS
        lists = {f"{name}_json": JSONRows(rows, keys) for name, (_, rows, keys) in lists.items()}
        if section == "overview":
            lists["sites_per_country_json"] = SITES_PER_COUNTRY
        trials = self.select_related("lead_sponsor").annotate(**lists).prefetch_related(*_section_prefetches(section))
        trials._iterable_class = WithRecordLists
        if section == "overview":
            return trials.only(*OVERVIEW_FIELDS, "lead_sponsor")
        if section in {"contacts", "full"}:
            trials = trials.select_related("organization")  # named beside the organisation's study ID
        return trials if section in {"results", "full"} else trials.defer("source_record")

    def for_csv(self):
        """The CSV export's columns as plain values, one query: the lead sponsor's name joined, and the condition and
        intervention names and site countries as JSON lists read within it (record_lists.JSONRows).

        No model instance is built: prefetching three lists into instances was most of a CSV export's time.
        """
        conditions = RECORD_LISTS["trial_conditions"][1]
        return self.annotate(
            sponsor_name=models.F("lead_sponsor__name"),
            condition_names=JSONRows(conditions, {"position": "x.position", "id": "x.id", "name": "c.name"}),
            intervention_names=JSONRows(
                f"trials_intervention x WHERE x.trial_id = {TRIAL}",
                {"position": "x.position", "id": "x.id", "name": "x.name"},
            ),
            countries=JSONRows(f"trials_location x WHERE x.trial_id = {TRIAL}", {"country": "x.country"}),
        ).values(
            "pk", "nct_id", "brief_title", "overall_status", "phase", "study_type", "enrollment_count", "start_date",
            "completion_date", "last_update_posted_date", "has_results",
            "sponsor_name", "condition_names", "intervention_names", "countries",
        )  # fmt: skip

    def for_export(self):
        """Everything the API v2 export writes, one query per related table (no N+1 over arms or sites)."""
        return self.select_related("lead_sponsor", "organization").prefetch_related(
            models.Prefetch("trial_conditions", TrialCondition.objects.select_related("condition")),
            models.Prefetch("collaborations", Collaboration.objects.select_related("sponsor")),
            "keywords",
            "arm_groups",
            models.Prefetch("interventions__arm_links", InterventionArm.objects.select_related("arm_group")),
            "outcomes",
            "criteria",
            models.Prefetch("officials", Official.objects.select_related("investigator")),
            "central_contacts",
            "locations__contacts",
            "secondary_ids",
            "references",
        )
