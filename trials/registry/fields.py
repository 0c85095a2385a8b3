"""The API v2 fields we model, each with the converter used for both import and export.

FIELDS lists the scalar fields of protocolSection (one converter each, so
import and export cannot drift apart); the lists kept as related rows are
declared in lists.py.
"""

import datetime
import re

from trials import choices
from trials.identifiers import validate_nct_id
from trials.models import Trial

NCT_ID_RE = validate_nct_id.regex
PARTIAL_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", re.ASCII)
MAX_COUNT = 2**31 - 1  # the largest whole number a PositiveIntegerField holds on every database
DATE_PRECISIONS = (choices.DatePrecision.DAY, choices.DatePrecision.MONTH, choices.DatePrecision.YEAR)
DATE_FORMATS = {choices.DatePrecision.YEAR: "%Y", choices.DatePrecision.MONTH: "%Y-%m"}


class RecordError(ValueError):
    """A study that cannot be imported: `field` is its API v2 path, `reason` says why in plain words."""

    def __init__(self, field, reason):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def check_length(value, limit, where):
    """Refuse text longer than the model field holding it allows (limit None: no limit)."""
    if limit is not None and len(value) > limit:
        raise RecordError(where, f"{len(value)} characters, more than the {limit} allowed")
    return value


class Text:
    def __init__(self, path, name):
        self.path, self.name = path, name

    @property
    def where(self):
        return ".".join(self.path)

    def check(self, value):
        if not isinstance(value, str):
            raise RecordError(self.where, f"expected text, got {type(value).__name__}")
        return check_length(value, Trial._meta.get_field(self.name).max_length, self.where)

    def load(self, value):
        return {self.name: self.check(value)}

    def empty(self):
        return {self.name: Trial._meta.get_field(self.name).get_default()}

    def read_value(self, value):
        """The Trial field values the registry's value (None: missing) stands for."""
        return self.empty() if value is None else self.load(value)

    def values(self, trial):
        """The same, from the trial."""
        return {name: getattr(trial, name) for name in self.empty()}

    def dump(self, trial):
        return getattr(trial, self.name) or None


class Bool(Text):
    def check(self, value):
        if not isinstance(value, bool):
            raise RecordError(self.where, f"expected true or false, got {value!r}")
        return value

    def dump(self, trial):
        return getattr(trial, self.name)


class Count(Text):
    def check(self, value):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
            raise RecordError(self.where, f"expected a whole number from 0 to {MAX_COUNT}, got {value!r}")
        return value

    def dump(self, trial):
        return getattr(trial, self.name)


class Enum(Text):
    def __init__(self, path, name, enum):
        super().__init__(path, name)
        self.enum = enum

    def check(self, value):
        if value not in self.enum.values:
            raise RecordError(
                self.where,
                f"unknown value {value!r} (expected one of {', '.join(self.enum.values)})",
            )
        return value


class EnumList(Enum):
    def check(self, value):
        if not isinstance(value, list):
            raise RecordError(self.where, f"expected a list, got {type(value).__name__}")
        return [super(EnumList, self).check(item) for item in value]


class NctIdList(Text):
    """Earlier NCT IDs of the same study (nctIdAliases)."""

    def check(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) and NCT_ID_RE.search(v) for v in value):
            raise RecordError(self.where, f"expected a list of NCT IDs, got {value!r}")
        return value


class Phases(Enum):
    def __init__(self, path, name):
        super().__init__(path, name, choices.Phase)

    def check(self, value):
        if not isinstance(value, list) or not all(isinstance(phase, str) for phase in value):
            raise RecordError(self.where, f"expected a list of phases, got {value!r}")
        try:
            return choices.Phase.from_list(value)
        except ValueError:
            raise RecordError(self.where, f"unknown phase combination {value!r}") from None

    def dump(self, trial):
        return choices.Phase.to_list(trial.phase) if trial.phase else None


class PartialDate(Text):
    """ "2025", "2025-09" or "2025-09-17": stored as a date plus its precision."""

    def check(self, value):
        match = PARTIAL_DATE_RE.fullmatch(value) if isinstance(value, str) else None
        try:
            if not match:
                raise ValueError
            year, month, day = match.groups()
            date = datetime.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise RecordError(self.where, f"{value!r} is not a date like 2025, 2025-09 or 2025-09-17") from None
        precision = choices.DatePrecision.DAY if day else (choices.DatePrecision.MONTH if month else "YEAR")
        return {self.name: date, f"{self.name}_precision": precision}

    def load(self, value):
        return self.check(value)

    def empty(self):
        return {self.name: None, f"{self.name}_precision": ""}

    def dump(self, trial):
        date, precision = getattr(trial, self.name), getattr(trial, f"{self.name}_precision")
        if date is None:
            return None
        return date.strftime(DATE_FORMATS.get(precision, "%Y-%m-%d"))


class DateStruct(PartialDate):
    """{"date": "2025-10-31", "type": "ESTIMATED"}: date, precision and ACTUAL/ESTIMATED."""

    def load(self, value):
        if not isinstance(value, dict):
            raise RecordError(self.where, f"expected {{date, type}}, got {value!r}")
        values = self.check(value.get("date"))
        date_type = value.get("type", "")
        if date_type and date_type not in choices.DateType.values:
            raise RecordError(
                f"{self.where}.type",
                f"unknown value {date_type!r} (expected ACTUAL or ESTIMATED)",
            )
        values[f"{self.name}_type"] = date_type
        return values

    def empty(self):
        return {**super().empty(), f"{self.name}_type": ""}

    def dump(self, trial):
        date = super().dump(trial)
        if date is None:
            return None
        date_type = getattr(trial, f"{self.name}_type")
        return {"date": date, "type": date_type} if date_type else {"date": date}


ID = ("identificationModule",)
STATUS = ("statusModule",)
SPONSORS = ("sponsorCollaboratorsModule",)
OVERSIGHT = ("oversightModule",)
DESIGN = ("designModule",)
DESIGN_INFO = (*DESIGN, "designInfo")
MASKING = (*DESIGN_INFO, "maskingInfo")
ELIGIBILITY = ("eligibilityModule",)

FIELDS = [
    Text((*ID, "nctId"), "nct_id"),
    NctIdList((*ID, "nctIdAliases"), "nct_id_aliases"),
    Text((*ID, "orgStudyIdInfo", "id"), "org_study_id"),
    Enum((*ID, "orgStudyIdInfo", "type"), "org_study_id_type", choices.OrgStudyIdType),
    Text((*ID, "orgStudyIdInfo", "link"), "org_study_id_link"),
    Text((*ID, "briefTitle"), "brief_title"),
    Text((*ID, "officialTitle"), "official_title"),
    Text((*ID, "acronym"), "acronym"),
    PartialDate((*STATUS, "statusVerifiedDate"), "status_verified_date"),
    Enum((*STATUS, "overallStatus"), "overall_status", choices.Status),
    Enum((*STATUS, "lastKnownStatus"), "last_known_status", choices.Status),
    Text((*STATUS, "whyStopped"), "why_stopped"),
    DateStruct((*STATUS, "startDateStruct"), "start_date"),
    DateStruct((*STATUS, "primaryCompletionDateStruct"), "primary_completion_date"),
    DateStruct((*STATUS, "completionDateStruct"), "completion_date"),
    PartialDate((*STATUS, "studyFirstSubmitDate"), "first_submitted_date"),
    DateStruct((*STATUS, "studyFirstPostDateStruct"), "first_posted_date"),
    DateStruct((*STATUS, "resultsFirstPostDateStruct"), "results_first_posted_date"),
    PartialDate((*STATUS, "lastUpdateSubmitDate"), "last_update_submitted_date"),
    DateStruct((*STATUS, "lastUpdatePostDateStruct"), "last_update_posted_date"),
    Enum(
        (*SPONSORS, "responsibleParty", "type"),
        "responsible_party_type",
        choices.ResponsiblePartyType,
    ),
    Text(
        (*SPONSORS, "responsibleParty", "investigatorFullName"),
        "responsible_party_investigator_name",
    ),
    Text(
        (*SPONSORS, "responsibleParty", "investigatorTitle"),
        "responsible_party_investigator_title",
    ),
    Text(
        (*SPONSORS, "responsibleParty", "investigatorAffiliation"),
        "responsible_party_investigator_affiliation",
    ),
    Text((*SPONSORS, "responsibleParty", "oldNameTitle"), "responsible_party_old_name_title"),
    Text((*SPONSORS, "responsibleParty", "oldOrganization"), "responsible_party_old_organization"),
    Bool((*OVERSIGHT, "oversightHasDmc"), "has_dmc"),
    Bool((*OVERSIGHT, "isFdaRegulatedDrug"), "is_fda_regulated_drug"),
    Bool((*OVERSIGHT, "isFdaRegulatedDevice"), "is_fda_regulated_device"),
    Bool((*OVERSIGHT, "isUnapprovedDevice"), "is_unapproved_device"),
    Bool((*OVERSIGHT, "isUsExport"), "is_us_export"),
    Bool((*OVERSIGHT, "isPpsd"), "is_ppsd"),
    Bool((*OVERSIGHT, "fdaaa801Violation"), "fdaaa801_violation"),
    Text(("descriptionModule", "briefSummary"), "brief_summary"),
    Text(("descriptionModule", "detailedDescription"), "detailed_description"),
    Enum((*DESIGN, "studyType"), "study_type", choices.StudyType),
    Phases((*DESIGN, "phases"), "phase"),
    Bool((*DESIGN, "patientRegistry"), "patient_registry"),
    Text((*DESIGN, "targetDuration"), "target_duration"),
    Enum((*DESIGN_INFO, "allocation"), "allocation", choices.Allocation),
    Enum(
        (*DESIGN_INFO, "interventionModel"),
        "intervention_model",
        choices.InterventionModel,
    ),
    Text((*DESIGN_INFO, "interventionModelDescription"), "intervention_model_description"),
    Enum((*DESIGN_INFO, "primaryPurpose"), "primary_purpose", choices.PrimaryPurpose),
    Enum(
        (*DESIGN_INFO, "observationalModel"),
        "observational_model",
        choices.ObservationalModel,
    ),
    Enum((*DESIGN_INFO, "timePerspective"), "time_perspective", choices.TimePerspective),
    Enum((*MASKING, "masking"), "masking", choices.Masking),
    Text((*MASKING, "maskingDescription"), "masking_description"),
    EnumList((*MASKING, "whoMasked"), "who_masked", choices.WhoMasked),
    Enum((*DESIGN, "bioSpec", "retention"), "biospec_retention", choices.BioSpecRetention),
    Text((*DESIGN, "bioSpec", "description"), "biospec_description"),
    Count((*DESIGN, "enrollmentInfo", "count"), "enrollment_count"),
    Enum((*DESIGN, "enrollmentInfo", "type"), "enrollment_type", choices.DateType),
    Text((*ELIGIBILITY, "eligibilityCriteria"), "eligibility_criteria"),
    Bool((*ELIGIBILITY, "healthyVolunteers"), "healthy_volunteers"),
    Enum((*ELIGIBILITY, "sex"), "sex", choices.Sex),
    Bool((*ELIGIBILITY, "genderBased"), "gender_based"),
    Text((*ELIGIBILITY, "genderDescription"), "gender_description"),
    Text((*ELIGIBILITY, "minimumAge"), "minimum_age"),
    Text((*ELIGIBILITY, "maximumAge"), "maximum_age"),
    EnumList((*ELIGIBILITY, "stdAges"), "std_ages", choices.StandardAge),
    Text((*ELIGIBILITY, "studyPopulation"), "study_population"),
    Enum((*ELIGIBILITY, "samplingMethod"), "sampling_method", choices.SamplingMethod),
]


def value_at(data, path):
    """data[path[0]][path[1]]…, or None where a step is missing."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


# Kept unchanged from the imported record (Trial.source_record) but not modelled; README lists them.
NOT_COVERED_PREFIXES = (
    "resultsSection",
    "derivedSection",
    "documentSection",
    "annotationSection",
    "protocolSection/ipdSharingStatementModule",
    "protocolSection/referencesModule/seeAlsoLinks",
    "protocolSection/referencesModule/availIpds",
    "protocolSection/statusModule/expandedAccessInfo",
    "protocolSection/statusModule/studyFirstSubmitQcDate",
    "protocolSection/statusModule/resultsFirstSubmitDate",
    "protocolSection/statusModule/resultsFirstSubmitQcDate",
    "protocolSection/statusModule/dispFirstSubmitDate",
    "protocolSection/statusModule/dispFirstSubmitQcDate",
    "protocolSection/statusModule/dispFirstPostDateStruct",
)
