"""The text of each trial that search looks through, in weighted parts.

Titles and conditions weigh most, then interventions and keywords, then sponsors and
the summary, then the long texts (description, eligibility criteria). Both backends
index these same parts.
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
    """{trial id: Document} in five queries, whatever the number of trials."""
    docs = defaultdict(Document)
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
