"""ClinicalTrials.gov API v2 enums as TextChoices, with plain-language labels.

Values are exactly the registry's enum names, so records round-trip unchanged.
"""

from django.db import models


class Status(models.TextChoices):
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", "Not yet recruiting"
    RECRUITING = "RECRUITING", "Recruiting"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", "Enrolling by invitation"
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", "Active, not recruiting"
    SUSPENDED = "SUSPENDED", "Suspended"
    TERMINATED = "TERMINATED", "Terminated"
    COMPLETED = "COMPLETED", "Completed"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    UNKNOWN = "UNKNOWN", "Unknown status"
    AVAILABLE = "AVAILABLE", "Available"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", "No longer available"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", "Approved for marketing"
    WITHHELD = "WITHHELD", "Withheld"


class Phase(models.TextChoices):
    """The registry's phase lists, stored as one value: PHASE1+PHASE2 is PHASE1_PHASE2."""

    EARLY_PHASE1 = "EARLY_PHASE1", "Early phase 1"
    PHASE1 = "PHASE1", "Phase 1"
    PHASE1_PHASE2 = "PHASE1_PHASE2", "Phase 1/Phase 2"
    PHASE2 = "PHASE2", "Phase 2"
    PHASE2_PHASE3 = "PHASE2_PHASE3", "Phase 2/Phase 3"
    PHASE3 = "PHASE3", "Phase 3"
    PHASE4 = "PHASE4", "Phase 4"
    NA = "NA", "Not applicable"

    @classmethod
    def from_list(cls, phases):
        """["PHASE1", "PHASE2"] -> "PHASE1_PHASE2"; raises ValueError if not a registry phase."""
        return cls("_".join(phases)).value

    @classmethod
    def to_list(cls, value):
        """ "PHASE1_PHASE2" -> ["PHASE1", "PHASE2"]: the registry's own list."""
        return ["EARLY_PHASE1"] if value == cls.EARLY_PHASE1 else value.split("_")

    @classmethod
    def single_choices(cls):
        """The registry's own phases, without the combined values, as choices."""
        return [(value, label) for value, label in cls.choices if len(cls.to_list(value)) == 1]

    @classmethod
    def including(cls, single):
        """Every stored value that includes the single phase `single` (PHASE2 -> PHASE1_PHASE2 too)."""
        return [value for value in cls.values if single in cls.to_list(value)]


class StudyType(models.TextChoices):
    INTERVENTIONAL = "INTERVENTIONAL", "Interventional"
    OBSERVATIONAL = "OBSERVATIONAL", "Observational"
    EXPANDED_ACCESS = "EXPANDED_ACCESS", "Expanded access"


class DateType(models.TextChoices):
    ACTUAL = "ACTUAL", "Actual"
    ESTIMATED = "ESTIMATED", "Estimated"


class DatePrecision(models.TextChoices):
    YEAR = "YEAR", "Year"
    MONTH = "MONTH", "Month"
    DAY = "DAY", "Day"


class AgencyClass(models.TextChoices):
    NIH = "NIH", "NIH"
    FED = "FED", "U.S. federal agency"
    OTHER_GOV = "OTHER_GOV", "Other government"
    INDIV = "INDIV", "Individual"
    INDUSTRY = "INDUSTRY", "Industry"
    NETWORK = "NETWORK", "Network"
    AMBIG = "AMBIG", "Ambiguous"
    OTHER = "OTHER", "Other"
    UNKNOWN = "UNKNOWN", "Unknown"


class ResponsiblePartyType(models.TextChoices):
    SPONSOR = "SPONSOR", "Sponsor"
    PRINCIPAL_INVESTIGATOR = "PRINCIPAL_INVESTIGATOR", "Principal investigator"
    SPONSOR_INVESTIGATOR = "SPONSOR_INVESTIGATOR", "Sponsor-investigator"


class Allocation(models.TextChoices):
    RANDOMIZED = "RANDOMIZED", "Randomized"
    NON_RANDOMIZED = "NON_RANDOMIZED", "Non-randomized"
    NA = "NA", "Not applicable"


class InterventionModel(models.TextChoices):
    SINGLE_GROUP = "SINGLE_GROUP", "Single group"
    PARALLEL = "PARALLEL", "Parallel"
    CROSSOVER = "CROSSOVER", "Crossover"
    FACTORIAL = "FACTORIAL", "Factorial"
    SEQUENTIAL = "SEQUENTIAL", "Sequential"


class PrimaryPurpose(models.TextChoices):
    TREATMENT = "TREATMENT", "Treatment"
    PREVENTION = "PREVENTION", "Prevention"
    DIAGNOSTIC = "DIAGNOSTIC", "Diagnostic"
    ECT = "ECT", "Educational/counseling/training"
    SUPPORTIVE_CARE = "SUPPORTIVE_CARE", "Supportive care"
    SCREENING = "SCREENING", "Screening"
    HEALTH_SERVICES_RESEARCH = "HEALTH_SERVICES_RESEARCH", "Health services research"
    BASIC_SCIENCE = "BASIC_SCIENCE", "Basic science"
    DEVICE_FEASIBILITY = "DEVICE_FEASIBILITY", "Device feasibility"
    OTHER = "OTHER", "Other"


class Masking(models.TextChoices):
    NONE = "NONE", "None (open label)"
    SINGLE = "SINGLE", "Single"
    DOUBLE = "DOUBLE", "Double"
    TRIPLE = "TRIPLE", "Triple"
    QUADRUPLE = "QUADRUPLE", "Quadruple"


class WhoMasked(models.TextChoices):
    PARTICIPANT = "PARTICIPANT", "Participant"
    CARE_PROVIDER = "CARE_PROVIDER", "Care provider"
    INVESTIGATOR = "INVESTIGATOR", "Investigator"
    OUTCOMES_ASSESSOR = "OUTCOMES_ASSESSOR", "Outcomes assessor"


class ObservationalModel(models.TextChoices):
    COHORT = "COHORT", "Cohort"
    CASE_CONTROL = "CASE_CONTROL", "Case-control"
    CASE_ONLY = "CASE_ONLY", "Case-only"
    CASE_CROSSOVER = "CASE_CROSSOVER", "Case-crossover"
    ECOLOGIC_OR_COMMUNITY = "ECOLOGIC_OR_COMMUNITY", "Ecologic or community"
    FAMILY_BASED = "FAMILY_BASED", "Family-based"
    DEFINED_POPULATION = "DEFINED_POPULATION", "Defined population"
    NATURAL_HISTORY = "NATURAL_HISTORY", "Natural history"
    OTHER = "OTHER", "Other"


class TimePerspective(models.TextChoices):
    RETROSPECTIVE = "RETROSPECTIVE", "Retrospective"
    PROSPECTIVE = "PROSPECTIVE", "Prospective"
    CROSS_SECTIONAL = "CROSS_SECTIONAL", "Cross-sectional"
    OTHER = "OTHER", "Other"


class BioSpecRetention(models.TextChoices):
    NONE_RETAINED = "NONE_RETAINED", "None retained"
    SAMPLES_WITH_DNA = "SAMPLES_WITH_DNA", "Samples with DNA"
    SAMPLES_WITHOUT_DNA = "SAMPLES_WITHOUT_DNA", "Samples without DNA"


class ArmGroupType(models.TextChoices):
    EXPERIMENTAL = "EXPERIMENTAL", "Experimental"
    ACTIVE_COMPARATOR = "ACTIVE_COMPARATOR", "Active comparator"
    PLACEBO_COMPARATOR = "PLACEBO_COMPARATOR", "Placebo comparator"
    SHAM_COMPARATOR = "SHAM_COMPARATOR", "Sham comparator"
    NO_INTERVENTION = "NO_INTERVENTION", "No intervention"
    OTHER = "OTHER", "Other"


class InterventionType(models.TextChoices):
    BEHAVIORAL = "BEHAVIORAL", "Behavioral"
    BIOLOGICAL = "BIOLOGICAL", "Biological"
    COMBINATION_PRODUCT = "COMBINATION_PRODUCT", "Combination product"
    DEVICE = "DEVICE", "Device"
    DIAGNOSTIC_TEST = "DIAGNOSTIC_TEST", "Diagnostic test"
    DIETARY_SUPPLEMENT = "DIETARY_SUPPLEMENT", "Dietary supplement"
    DRUG = "DRUG", "Drug"
    GENETIC = "GENETIC", "Genetic"
    PROCEDURE = "PROCEDURE", "Procedure"
    RADIATION = "RADIATION", "Radiation"
    OTHER = "OTHER", "Other"


class OutcomeKind(models.TextChoices):
    PRIMARY = "PRIMARY", "Primary"
    SECONDARY = "SECONDARY", "Secondary"
    OTHER = "OTHER", "Other"


class Sex(models.TextChoices):
    ALL = "ALL", "All"
    FEMALE = "FEMALE", "Female"
    MALE = "MALE", "Male"


class StandardAge(models.TextChoices):
    CHILD = "CHILD", "Child (birth–17)"
    ADULT = "ADULT", "Adult (18–64)"
    OLDER_ADULT = "OLDER_ADULT", "Older adult (65+)"


class SamplingMethod(models.TextChoices):
    PROBABILITY_SAMPLE = "PROBABILITY_SAMPLE", "Probability sample"
    NON_PROBABILITY_SAMPLE = "NON_PROBABILITY_SAMPLE", "Non-probability sample"


class CriterionKind(models.TextChoices):
    INCLUSION = "INCLUSION", "Inclusion"
    EXCLUSION = "EXCLUSION", "Exclusion"
    GENERAL = "GENERAL", "General"


class OfficialRole(models.TextChoices):
    STUDY_CHAIR = "STUDY_CHAIR", "Study chair"
    STUDY_DIRECTOR = "STUDY_DIRECTOR", "Study director"
    PRINCIPAL_INVESTIGATOR = "PRINCIPAL_INVESTIGATOR", "Principal investigator"
    SUB_INVESTIGATOR = "SUB_INVESTIGATOR", "Sub-investigator"


class ContactRole(models.TextChoices):
    STUDY_CHAIR = "STUDY_CHAIR", "Study chair"
    STUDY_DIRECTOR = "STUDY_DIRECTOR", "Study director"
    PRINCIPAL_INVESTIGATOR = "PRINCIPAL_INVESTIGATOR", "Principal investigator"
    SUB_INVESTIGATOR = "SUB_INVESTIGATOR", "Sub-investigator"
    CONTACT = "CONTACT", "Contact"


class OrgStudyIdType(models.TextChoices):
    NIH = "NIH", "U.S. NIH grant/contract"
    FDA = "FDA", "U.S. FDA grant/contract"
    VA = "VA", "U.S. VA grant/contract"
    CDC = "CDC", "U.S. CDC grant/contract"
    AHRQ = "AHRQ", "U.S. AHRQ grant/contract"
    SAMHSA = "SAMHSA", "U.S. SAMHSA grant/contract"


class SecondaryIdType(models.TextChoices):
    NIH = "NIH", "U.S. NIH grant/contract"
    FDA = "FDA", "U.S. FDA grant/contract"
    VA = "VA", "U.S. VA grant/contract"
    CDC = "CDC", "U.S. CDC grant/contract"
    AHRQ = "AHRQ", "U.S. AHRQ grant/contract"
    SAMHSA = "SAMHSA", "U.S. SAMHSA grant/contract"
    OTHER_GRANT = "OTHER_GRANT", "Other grant/funding number"
    EUDRACT_NUMBER = "EUDRACT_NUMBER", "EudraCT number"
    CTIS = "CTIS", "EU CT number (CTIS)"
    REGISTRY = "REGISTRY", "Registry identifier"
    OTHER = "OTHER", "Other identifier"


class ReferenceType(models.TextChoices):
    BACKGROUND = "BACKGROUND", "Background"
    RESULT = "RESULT", "Result"
    DERIVED = "DERIVED", "Derived"


class Publication(models.TextChoices):
    """Where a record is in the portal's review workflow (not a registry field)."""

    DRAFT = "DRAFT", "Draft"
    IN_REVIEW = "IN_REVIEW", "In review"
    PUBLISHED = "PUBLISHED", "Published"
