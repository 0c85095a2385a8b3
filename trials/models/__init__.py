"""Trials, their sponsors and investigators, and the rows that repeat within a record.

The structure follows the registry's (ClinicalTrials.gov API v2 protocolSection),
not its pages: one Trial per NCT ID (trial.py), shared Sponsor / Condition /
Investigator rows (shared.py), and ordered child rows for everything that
repeats (rows.py). trials/registry/ maps API v2 JSON to and from these models;
queries.py builds the querysets pages read, record_lists.py the short lists a
record page reads within the trial's own query, and search.py the search tables.
"""

from .rows import (
    ArmGroup,
    CentralContact,
    Collaboration,
    EligibilityCriterion,
    Intervention,
    InterventionArm,
    Keyword,
    Location,
    LocationContact,
    Official,
    Outcome,
    Reference,
    RelatedTrial,
    SecondaryIdentifier,
    TrialCondition,
)
from .search import FtsQueryField, IndexVersion, SearchEntry, SearchText
from .shared import Condition, Investigator, Sponsor, unique_slugs
from .trial import Trial

__all__ = [
    "ArmGroup",
    "CentralContact",
    "Collaboration",
    "Condition",
    "EligibilityCriterion",
    "FtsQueryField",
    "IndexVersion",
    "Intervention",
    "InterventionArm",
    "Investigator",
    "Keyword",
    "Location",
    "LocationContact",
    "Official",
    "Outcome",
    "Reference",
    "RelatedTrial",
    "SearchEntry",
    "SearchText",
    "SecondaryIdentifier",
    "Sponsor",
    "Trial",
    "TrialCondition",
    "unique_slugs",
]
