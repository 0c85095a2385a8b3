"""ClinicalTrials.gov API v2 study JSON <-> the trial models.

`parse_study(study)` checks a study and maps it to a `StudyData` (values for
the Trial row and its related rows), or raises `RecordError(field, reason)`;
`save_studies(batch)` writes a batch of them in one transaction (upsert by NCT ID);
`study_json(trial)` builds the API v2 study back from the models.
"""

from .export import protocol_json, study_json
from .fields import FIELDS, RecordError
from .lists import COVERED_PATHS
from .reader import StudyData, parse_study
from .writer import SharedRows, save_studies

__all__ = [
    "COVERED_PATHS",
    "FIELDS",
    "RecordError",
    "SharedRows",
    "StudyData",
    "parse_study",
    "protocol_json",
    "save_studies",
    "study_json",
]
