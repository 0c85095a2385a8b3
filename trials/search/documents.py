"""The text of each trial that search looks through, in weighted parts.

Titles and conditions weigh most, then interventions and keywords, then sponsors and
the summary, then the long texts (description, eligibility criteria). Both backends
index these same parts.

Conditions and interventions include the MeSH headings ClinicalTrials.gov files the trial under, and their
ancestors (the record's derivedSection), so a search for "neoplasms" or "lung diseases" finds a trial that
names only "Colorectal Cancer" or "Asthma"; trials/search/synonyms.py maps what people type to these words.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from trials.models import Collaboration, Intervention, Keyword, Trial, TrialCondition


@dataclass
class Document:
    title: str = ""
    conditions: list = field(default_factory=list)
    interventions: list = field(default_factory=list)
    sponsors: list = field(default_factory=list)
    summary: str = ""
    description: str = ""
    criteria: str = ""

    # PostgreSQL weight of each part; SQLite's bm25() weights follow the same order (see backends).
    WEIGHTS = {
        "title": "A",
        "conditions": "A",
        "interventions": "B",
        "sponsors": "C",
        "summary": "C",
        "description": "D",
        "criteria": "D",
    }

    def parts(self):
        """(part name, text) in WEIGHTS order; lists joined by new lines."""
        for name in self.WEIGHTS:
            value = getattr(self, name)
            yield name, "\n".join(value) if isinstance(value, list) else value


def documents_for(trial_ids):
    """{trial id: Document} in six queries, whatever the number of trials."""
    docs = defaultdict(Document)
    for pk, conditions, interventions in _mesh_terms(trial_ids):
        docs[pk].conditions.extend(conditions)
        docs[pk].interventions.extend(interventions)
    trials = Trial.objects.filter(pk__in=trial_ids).values_list(
        "pk",
        "nct_id",
        "brief_title",
        "official_title",
        "acronym",
        "lead_sponsor__name",
        "brief_summary",
        "detailed_description",
        "eligibility_criteria",
    )
    for pk, nct_id, brief, official, acronym, sponsor, summary, description, criteria in trials:
        doc = docs[pk]
        doc.title = "\n".join(text for text in (brief, official, acronym, nct_id) if text)
        doc.sponsors.append(sponsor)
        doc.summary, doc.description, doc.criteria = summary, description, criteria
    rows = TrialCondition.objects.filter(trial_id__in=trial_ids).values_list("trial_id", "condition__name")
    for pk, name in rows:
        docs[pk].conditions.append(name)
    for pk, term in Keyword.objects.filter(trial_id__in=trial_ids).values_list("trial_id", "term"):
        docs[pk].conditions.append(term)
    rows = Intervention.objects.filter(trial_id__in=trial_ids).values_list("trial_id", "name", "other_names")
    for pk, name, other_names in rows:
        docs[pk].interventions.extend([name, *other_names])
    rows = Collaboration.objects.filter(trial_id__in=trial_ids).values_list("trial_id", "sponsor__name")
    for pk, name in rows:
        docs[pk].sponsors.append(name)
    return dict(docs)


BROWSE = "source_record__derivedSection__{}BrowseModule__{}"


def _mesh_terms(trial_ids):
    """(trial id, condition MeSH terms, intervention MeSH terms) for each trial: headings and their ancestors."""
    parts = [BROWSE.format(module, key) for module in ("condition", "intervention") for key in ("meshes", "ancestors")]
    for pk, *lists in Trial.objects.filter(pk__in=trial_ids).values_list("pk", *parts):
        terms = [_terms(found) for found in lists]
        yield pk, terms[0] + terms[1], terms[2] + terms[3]


def _terms(items):
    """The `term` of each {"id": …, "term": …} of a browse module's list (whatever a hand-made record holds)."""
    return [item["term"] for item in items or () if isinstance(item, dict) and isinstance(item.get("term"), str)]
