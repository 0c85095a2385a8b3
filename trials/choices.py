"""ClinicalTrials.gov API v2 enums as TextChoices, with plain-language labels.

Values are exactly the registry's enum names, so records round-trip unchanged. Labels are
interface text, translated (lazily) into the reader's language; exports and the search
index use the values, or the English labels (trials.search.exports).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", _("Not yet recruiting")
    RECRUITING = "RECRUITING", _("Recruiting")
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", _("Enrolling by invitation")
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", _("Active, not recruiting")
    SUSPENDED = "SUSPENDED", _("Suspended")
    TERMINATED = "TERMINATED", _("Terminated")
    COMPLETED = "COMPLETED", _("Completed")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")
    UNKNOWN = "UNKNOWN", _("Unknown status")
    AVAILABLE = "AVAILABLE", _("Available")
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", _("No longer available")
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", _("Temporarily not available")
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", _("Approved for marketing")
    WITHHELD = "WITHHELD", _("Withheld")


# A site taking people now or soon: what a search near a place counts (trials/nearby.py).
JOINING = (Status.RECRUITING, Status.NOT_YET_RECRUITING)
# A trial still enrolling in some way: related trials list these first (trials/related.py).
OPEN = (*JOINING, Status.ENROLLING_BY_INVITATION)


class Phase(models.TextChoices):
    """The registry's phase lists, stored as one value: PHASE1+PHASE2 is PHASE1_PHASE2."""

    EARLY_PHASE1 = "EARLY_PHASE1", _("Early phase 1")
    PHASE1 = "PHASE1", _("Phase 1")
    PHASE1_PHASE2 = "PHASE1_PHASE2", _("Phase 1/Phase 2")
    PHASE2 = "PHASE2", _("Phase 2")
    PHASE2_PHASE3 = "PHASE2_PHASE3", _("Phase 2/Phase 3")
    PHASE3 = "PHASE3", _("Phase 3")
    PHASE4 = "PHASE4", _("Phase 4")
    NA = "NA", _("Not applicable")

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
    INTERVENTIONAL = "INTERVENTIONAL", _("Interventional")
    OBSERVATIONAL = "OBSERVATIONAL", _("Observational")
    EXPANDED_ACCESS = "EXPANDED_ACCESS", _("Expanded access")


class DateType(models.TextChoices):
    ACTUAL = "ACTUAL", _("Actual")
    ESTIMATED = "ESTIMATED", _("Estimated")


class DatePrecision(models.TextChoices):
    YEAR = "YEAR", _("Year")
    MONTH = "MONTH", _("Month")
    DAY = "DAY", _("Day")


class AgencyClass(models.TextChoices):
    NIH = "NIH", _("NIH")
    FED = "FED", _("U.S. federal agency")
    OTHER_GOV = "OTHER_GOV", _("Other government")
    INDIV = "INDIV", _("Individual")
    INDUSTRY = "INDUSTRY", _("Industry")
    NETWORK = "NETWORK", _("Network")
    AMBIG = "AMBIG", _("Ambiguous")
    OTHER = "OTHER", _("Other")
    UNKNOWN = "UNKNOWN", _("Unknown")


class ResponsiblePartyType(models.TextChoices):
    SPONSOR = "SPONSOR", _("Sponsor")
    PRINCIPAL_INVESTIGATOR = "PRINCIPAL_INVESTIGATOR", _("Principal investigator")
    SPONSOR_INVESTIGATOR = "SPONSOR_INVESTIGATOR", _("Sponsor-investigator")


class Allocation(models.TextChoices):
    RANDOMIZED = "RANDOMIZED", _("Randomized")
    NON_RANDOMIZED = "NON_RANDOMIZED", _("Non-randomized")
    NA = "NA", _("Not applicable")


class InterventionModel(models.TextChoices):
    SINGLE_GROUP = "SINGLE_GROUP", _("Single group")
    PARALLEL = "PARALLEL", _("Parallel")
    CROSSOVER = "CROSSOVER", _("Crossover")
    FACTORIAL = "FACTORIAL", _("Factorial")
    SEQUENTIAL = "SEQUENTIAL", _("Sequential")


class PrimaryPurpose(models.TextChoices):
    TREATMENT = "TREATMENT", _("Treatment")
    PREVENTION = "PREVENTION", _("Prevention")
    DIAGNOSTIC = "DIAGNOSTIC", _("Diagnostic")
    ECT = "ECT", _("Educational/counseling/training")
    SUPPORTIVE_CARE = "SUPPORTIVE_CARE", _("Supportive care")
    SCREENING = "SCREENING", _("Screening")
    HEALTH_SERVICES_RESEARCH = "HEALTH_SERVICES_RESEARCH", _("Health services research")
    BASIC_SCIENCE = "BASIC_SCIENCE", _("Basic science")
    DEVICE_FEASIBILITY = "DEVICE_FEASIBILITY", _("Device feasibility")
    OTHER = "OTHER", _("Other")


class Masking(models.TextChoices):
    NONE = "NONE", _("None (open label)")
    SINGLE = "SINGLE", _("Single")
    DOUBLE = "DOUBLE", _("Double")
    TRIPLE = "TRIPLE", _("Triple")
    QUADRUPLE = "QUADRUPLE", _("Quadruple")


class WhoMasked(models.TextChoices):
    PARTICIPANT = "PARTICIPANT", _("Participant")
    CARE_PROVIDER = "CARE_PROVIDER", _("Care provider")
    INVESTIGATOR = "INVESTIGATOR", _("Investigator")
    OUTCOMES_ASSESSOR = "OUTCOMES_ASSESSOR", _("Outcomes assessor")


class ObservationalModel(models.TextChoices):
    COHORT = "COHORT", _("Cohort")
    CASE_CONTROL = "CASE_CONTROL", _("Case-control")
    CASE_ONLY = "CASE_ONLY", _("Case-only")
    CASE_CROSSOVER = "CASE_CROSSOVER", _("Case-crossover")
    ECOLOGIC_OR_COMMUNITY = "ECOLOGIC_OR_COMMUNITY", _("Ecologic or community")
    FAMILY_BASED = "FAMILY_BASED", _("Family-based")
    DEFINED_POPULATION = "DEFINED_POPULATION", _("Defined population")
    NATURAL_HISTORY = "NATURAL_HISTORY", _("Natural history")
    OTHER = "OTHER", _("Other")


class TimePerspective(models.TextChoices):
    RETROSPECTIVE = "RETROSPECTIVE", _("Retrospective")
    PROSPECTIVE = "PROSPECTIVE", _("Prospective")
    CROSS_SECTIONAL = "CROSS_SECTIONAL", _("Cross-sectional")
    OTHER = "OTHER", _("Other")


class BioSpecRetention(models.TextChoices):
    NONE_RETAINED = "NONE_RETAINED", _("None retained")
    SAMPLES_WITH_DNA = "SAMPLES_WITH_DNA", _("Samples with DNA")
    SAMPLES_WITHOUT_DNA = "SAMPLES_WITHOUT_DNA", _("Samples without DNA")


class ArmGroupType(models.TextChoices):
    EXPERIMENTAL = "EXPERIMENTAL", _("Experimental")
    ACTIVE_COMPARATOR = "ACTIVE_COMPARATOR", _("Active comparator")
    PLACEBO_COMPARATOR = "PLACEBO_COMPARATOR", _("Placebo comparator")
    SHAM_COMPARATOR = "SHAM_COMPARATOR", _("Sham comparator")
    NO_INTERVENTION = "NO_INTERVENTION", _("No intervention")
    OTHER = "OTHER", _("Other")


class InterventionType(models.TextChoices):
    BEHAVIORAL = "BEHAVIORAL", _("Behavioral")
    BIOLOGICAL = "BIOLOGICAL", _("Biological")
    COMBINATION_PRODUCT = "COMBINATION_PRODUCT", _("Combination product")
    DEVICE = "DEVICE", _("Device")
    DIAGNOSTIC_TEST = "DIAGNOSTIC_TEST", _("Diagnostic test")
    DIETARY_SUPPLEMENT = "DIETARY_SUPPLEMENT", _("Dietary supplement")
    DRUG = "DRUG", _("Drug")
    GENETIC = "GENETIC", _("Genetic")
    PROCEDURE = "PROCEDURE", _("Procedure")
    RADIATION = "RADIATION", _("Radiation")
    OTHER = "OTHER", _("Other")


class OutcomeKind(models.TextChoices):
    PRIMARY = "PRIMARY", _("Primary")
    SECONDARY = "SECONDARY", _("Secondary")
    OTHER = "OTHER", _("Other")


class Sex(models.TextChoices):
    ALL = "ALL", _("All")
    FEMALE = "FEMALE", _("Female")
    MALE = "MALE", _("Male")


class StandardAge(models.TextChoices):
    CHILD = "CHILD", _("Child (birth–17)")
    ADULT = "ADULT", _("Adult (18–64)")
    OLDER_ADULT = "OLDER_ADULT", _("Older adult (65+)")


class SamplingMethod(models.TextChoices):
    PROBABILITY_SAMPLE = "PROBABILITY_SAMPLE", _("Probability sample")
    NON_PROBABILITY_SAMPLE = "NON_PROBABILITY_SAMPLE", _("Non-probability sample")


class CriterionKind(models.TextChoices):
    INCLUSION = "INCLUSION", _("Inclusion")
    EXCLUSION = "EXCLUSION", _("Exclusion")
    GENERAL = "GENERAL", _("General")


class OfficialRole(models.TextChoices):
    STUDY_CHAIR = "STUDY_CHAIR", _("Study chair")
    STUDY_DIRECTOR = "STUDY_DIRECTOR", _("Study director")
    PRINCIPAL_INVESTIGATOR = "PRINCIPAL_INVESTIGATOR", _("Principal investigator")
    SUB_INVESTIGATOR = "SUB_INVESTIGATOR", _("Sub-investigator")


class ContactRole(models.TextChoices):
    STUDY_CHAIR = "STUDY_CHAIR", _("Study chair")
    STUDY_DIRECTOR = "STUDY_DIRECTOR", _("Study director")
    PRINCIPAL_INVESTIGATOR = "PRINCIPAL_INVESTIGATOR", _("Principal investigator")
    SUB_INVESTIGATOR = "SUB_INVESTIGATOR", _("Sub-investigator")
    CONTACT = "CONTACT", _("Contact")


class OrgStudyIdType(models.TextChoices):
    NIH = "NIH", _("U.S. NIH grant/contract")
    FDA = "FDA", _("U.S. FDA grant/contract")
    VA = "VA", _("U.S. VA grant/contract")
    CDC = "CDC", _("U.S. CDC grant/contract")
    AHRQ = "AHRQ", _("U.S. AHRQ grant/contract")
    SAMHSA = "SAMHSA", _("U.S. SAMHSA grant/contract")


class SecondaryIdType(models.TextChoices):
    NIH = "NIH", _("U.S. NIH grant/contract")
    FDA = "FDA", _("U.S. FDA grant/contract")
    VA = "VA", _("U.S. VA grant/contract")
    CDC = "CDC", _("U.S. CDC grant/contract")
    AHRQ = "AHRQ", _("U.S. AHRQ grant/contract")
    SAMHSA = "SAMHSA", _("U.S. SAMHSA grant/contract")
    OTHER_GRANT = "OTHER_GRANT", _("Other grant/funding number")
    EUDRACT_NUMBER = "EUDRACT_NUMBER", _("EudraCT number")
    CTIS = "CTIS", _("EU CT number (CTIS)")
    REGISTRY = "REGISTRY", _("Registry identifier")
    OTHER = "OTHER", _("Other identifier")


class ReferenceType(models.TextChoices):
    BACKGROUND = "BACKGROUND", _("Background")
    RESULT = "RESULT", _("Result")
    DERIVED = "DERIVED", _("Derived")


class Publication(models.TextChoices):
    """Where a record is in the portal's review workflow (not a registry field)."""

    DRAFT = "DRAFT", _("Draft")
    IN_REVIEW = "IN_REVIEW", _("In review")
    PUBLISHED = "PUBLISHED", _("Published")


class RelatedReason(models.TextChoices):
    """Why a trial is shown as related to another (trials.related): the label takes the shared value."""

    CONDITION = "condition", _("same condition: %(value)s")
    INTERVENTION = "intervention", _("same intervention: %(value)s")
    WORD = "word", _("similar title: %(value)s")


# Posted results (resultsSection): read from the stored record, never modelled (trials/registry/results.py)


class OutcomeMeasureType(models.TextChoices):
    PRIMARY = "PRIMARY", _("Primary outcome")
    SECONDARY = "SECONDARY", _("Secondary outcome")
    OTHER_PRE_SPECIFIED = "OTHER_PRE_SPECIFIED", _("Other pre-specified outcome")
    POST_HOC = "POST_HOC", _("Post-hoc outcome")


class MeasureParam(models.TextChoices):
    GEOMETRIC_MEAN = "GEOMETRIC_MEAN", _("Geometric mean")
    GEOMETRIC_LEAST_SQUARES_MEAN = "GEOMETRIC_LEAST_SQUARES_MEAN", _("Geometric least squares mean")
    LEAST_SQUARES_MEAN = "LEAST_SQUARES_MEAN", _("Least squares mean")
    LOG_MEAN = "LOG_MEAN", _("Log mean")
    MEAN = "MEAN", _("Mean")
    MEDIAN = "MEDIAN", _("Median")
    NUMBER = "NUMBER", _("Number")
    COUNT_OF_PARTICIPANTS = "COUNT_OF_PARTICIPANTS", _("Count of participants")
    COUNT_OF_UNITS = "COUNT_OF_UNITS", _("Count of units")


class Dispersion(models.TextChoices):
    """Baseline measures give the enum name, outcome measures its label ("Standard Deviation"): both are read."""

    NA = "NA", _("Not applicable")
    STANDARD_DEVIATION = "STANDARD_DEVIATION", _("Standard deviation")
    STANDARD_ERROR = "STANDARD_ERROR", _("Standard error")
    STANDARD_ERROR_OF_MEAN = "STANDARD_ERROR_OF_MEAN", _("Standard error of the mean")
    INTER_QUARTILE_RANGE = "INTER_QUARTILE_RANGE", _("Inter-quartile range")
    FULL_RANGE = "FULL_RANGE", _("Full range")
    # xgettext:no-python-format
    CONFIDENCE_80 = "CONFIDENCE_80", _("80% confidence interval")
    # xgettext:no-python-format
    CONFIDENCE_90 = "CONFIDENCE_90", _("90% confidence interval")
    # xgettext:no-python-format
    CONFIDENCE_95 = "CONFIDENCE_95", _("95% confidence interval")
    # xgettext:no-python-format
    CONFIDENCE_975 = "CONFIDENCE_975", _("97.5% confidence interval")
    # xgettext:no-python-format
    CONFIDENCE_99 = "CONFIDENCE_99", _("99% confidence interval")
    CONFIDENCE_OTHER = "CONFIDENCE_OTHER", _("Other confidence interval")
    GEOMETRIC_COEFFICIENT = "GEOMETRIC_COEFFICIENT", _("Geometric coefficient of variation")


class NonInferiority(models.TextChoices):
    SUPERIORITY = "SUPERIORITY", _("Superiority")
    NON_INFERIORITY = "NON_INFERIORITY", _("Non-inferiority")
    EQUIVALENCE = "EQUIVALENCE", _("Equivalence")
    OTHER = "OTHER", _("Other")
    NON_INFERIORITY_OR_EQUIVALENCE = "NON_INFERIORITY_OR_EQUIVALENCE", _("Non-inferiority or equivalence")
    SUPERIORITY_OR_OTHER = "SUPERIORITY_OR_OTHER", _("Superiority or other")
    NON_INFERIORITY_OR_EQUIVALENCE_LEGACY = "NON_INFERIORITY_OR_EQUIVALENCE_LEGACY", _("Non-inferiority or equivalence")
    SUPERIORITY_OR_OTHER_LEGACY = "SUPERIORITY_OR_OTHER_LEGACY", _("Superiority or other")


class EventAssessment(models.TextChoices):
    SYSTEMATIC_ASSESSMENT = "SYSTEMATIC_ASSESSMENT", _("Systematic assessment")
    NON_SYSTEMATIC_ASSESSMENT = "NON_SYSTEMATIC_ASSESSMENT", _("Non-systematic assessment")


class AgreementRestriction(models.TextChoices):
    LTE60 = "LTE60", _("The sponsor may delay publication by 60 days or less")
    GT60 = "GT60", _("The sponsor may delay publication by more than 60 days and less than 180")
    OTHER = "OTHER", _("Another restriction")


class Milestone(models.TextChoices):
    """The three milestones every participant flow period has; others are the registry's own words."""

    STARTED = "STARTED", _("Started")
    COMPLETED = "COMPLETED", _("Completed")
    NOT_COMPLETED = "NOT COMPLETED", _("Not completed")
