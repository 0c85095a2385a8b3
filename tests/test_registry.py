"""The API v2 mapping: the seed page's facts are stored, and every covered field round-trips."""

import pytest

from trials.choices import CriterionKind
from trials.importer import Importer, Item
from trials.models import Condition, Investigator, Sponsor, Trial
from trials.registry import COVERED_PATHS, RecordError, parse_study, protocol_json, study_json
from trials.registry.fields import value_at

from .conftest import differences, import_paths, load_json, sample_paths
from .factories import DELETE, change
from .seed_page import SeedPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    return SeedPage()


def test_seed_status_phase_type_and_enrollment_match_the_page(seed_trial, page):
    assert seed_trial.brief_title == page.lines[0]
    assert seed_trial.nct_id == page.labelled("NCT ID") == "NCT07107204"
    assert seed_trial.overall_status == page.after("Recruitment Status") == "NOT_YET_RECRUITING"
    assert seed_trial.get_overall_status_display() == "Not yet recruiting"
    assert seed_trial.phase == "PHASE1_PHASE2" and page.after("Clinical Phase") == "PHASE1/PHASE2"
    assert seed_trial.get_phase_display() == "Phase 1/Phase 2"
    assert f"{seed_trial.enrollment_count} participants" == page.after("Total Enrollment") == "116 participants"
    assert seed_trial.enrollment_type == "ESTIMATED"
    assert seed_trial.study_type == page.after("Study Classification") == "INTERVENTIONAL"
    assert seed_trial.has_results is False


def test_seed_dates_keep_their_type_and_precision(seed_trial, page):
    assert seed_trial.start_date.isoformat() == page.after("Study Start Date") == "2025-10-31"
    assert (seed_trial.start_date_type, seed_trial.start_date_precision) == ("ESTIMATED", "DAY")
    assert seed_trial.completion_date.isoformat() == page.after("Study Completion Date") == "2028-04-30"
    assert seed_trial.completion_date_type == "ESTIMATED"
    assert seed_trial.last_update_posted_date.isoformat() == page.labelled("Last Updated")
    assert seed_trial.last_update_posted_date_type == "ACTUAL"
    assert (seed_trial.status_verified_date.isoformat(), seed_trial.status_verified_date_precision) == (
        "2025-09-01",
        "MONTH",
    )


def test_seed_summary_conditions_and_design_match_the_page(seed_trial, page):
    assert seed_trial.brief_summary.split("\n\n")[0] == page.after("Brief Summary", 2)
    assert [c.name for c in seed_trial.ordered_conditions] == [
        "Relapsed or Refractory Hematologic Malignancies",
        "Leukemia",
        "Lymphoma",
        "Multiple Myeloma (MM)",
    ]
    assert " ".join(c.name for c in seed_trial.ordered_conditions) == page.after("Conditions", 2)
    assert seed_trial.allocation == page.after("Allocation Method") == "NA"
    assert seed_trial.intervention_model == page.after("Intervention Model") == "SEQUENTIAL"
    assert seed_trial.primary_purpose == page.after("Primary Study Purpose") == "TREATMENT"
    assert seed_trial.masking == page.after("Blinding Strategy") == "NONE"


def test_seed_arm_and_its_intervention_are_linked(seed_trial, page):
    (arm,) = seed_trial.arm_groups.all()
    assert arm.label == page.after("Study Groups", 2) == "dose escalation and expansion"
    assert f"Group Type {arm.type}" == page.after("Study Groups", 3)
    (intervention,) = arm.interventions.all()
    assert (intervention.type, intervention.name) == ("DRUG", "BT02")
    assert intervention.description == page.after("Interventions", 3)
    assert [a.label for a in intervention.arm_groups.all()] == [arm.label]


def test_seed_has_all_ten_inclusion_and_seventeen_exclusion_items_in_order(seed_trial, page):
    inclusion = [c.text for c in seed_trial.criteria.all() if c.kind == CriterionKind.INCLUSION]
    exclusion = [c.text for c in seed_trial.criteria.all() if c.kind == CriterionKind.EXCLUSION]
    assert inclusion == page.numbered_items("Inclusion Criteria")
    assert exclusion == page.numbered_items("Exclusion Criteria")
    assert (len(inclusion), len(exclusion)) == (10, 17)
    assert inclusion[1] == "Age:≥18 and <70 years, any gender."
    assert seed_trial.eligibility_criteria.startswith("Inclusion Criteria\n\n1. Voluntary")


def test_seed_ages_sex_and_healthy_volunteers_match_the_page(seed_trial, page):
    assert seed_trial.minimum_age == page.after("Minimum Eligible Age") == "18 Years"
    assert seed_trial.maximum_age == page.after("Maximum Eligible Age") == "70 Years"
    assert (seed_trial.minimum_age_years, seed_trial.maximum_age_years) == (18.0, 70.0)
    assert seed_trial.sex == page.after("Eligible Sex") == "ALL"
    assert page.after("Accepts Healthy Volunteers") == "No" and seed_trial.healthy_volunteers is False
    assert seed_trial.std_ages == ["ADULT", "OLDER_ADULT"]


def test_seed_sponsor_party_investigator_contact_and_study_id_match_the_page(seed_trial, page):
    assert seed_trial.lead_sponsor.name == page.after("Sponsors", 2) == "Biotroy Therapeutics"
    assert seed_trial.lead_sponsor.agency_class == page.after("Sponsors", 3) == "INDUSTRY"
    assert f"Responsibility Role {seed_trial.responsible_party_type}" == page.after("Responsible Party", 2)
    (official,) = seed_trial.officials.all()
    assert official.investigator.name == page.after("Principal Investigators", 2) == "Ying Wang, MD"
    assert f"Role: {official.role}" == page.after("Principal Investigators", 3)
    assert official.investigator.affiliation == page.after("Principal Investigators", 4)
    (contact,) = seed_trial.central_contacts.all()
    assert contact.name == page.after("Central Contacts", 2) == "Clinical development director"
    assert f"Role: {contact.role}" == page.after("Central Contacts", 3)
    assert contact.phone == page.after("Central Contacts", 4) == "+86-18602185973"
    assert seed_trial.org_study_id == page.after("Other Identifiers", 2) == "BT02-201"


def test_sponsors_conditions_and_investigators_are_shared_rows(db):
    import_paths(*sample_paths())
    assert Sponsor.objects.filter(name="Biotroy Therapeutics").count() == 1
    assert Trial.objects.filter(lead_sponsor__name="Biotroy Therapeutics").count() >= 1
    assert Condition.objects.count() == len(set(Condition.objects.values_list("name", flat=True)))
    assert Investigator.objects.filter(name="Ying Wang, MD").count() == 1


def covered_values(study):
    return {path: value_at(study, path) for path in COVERED_PATHS if value_at(study, path) is not None}


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem)
def test_export_equals_import_on_every_covered_field(path):
    source = load_json(path)
    assert import_paths(path).failures == []
    trial = Trial.objects.for_export().get(nct_id=source["protocolSection"]["identificationModule"]["nctId"])
    built = {"protocolSection": protocol_json(trial), "hasResults": trial.has_results}
    assert covered_values(built) == covered_values(source)
    assert differences(source, study_json(trial)) == []


def test_export_reflects_edits_to_the_models(seed_trial):
    seed_trial.overall_status = "RECRUITING"
    seed_trial.acronym = ""
    seed_trial.save()
    seed_trial.keywords.create(term="CD47", position=0)
    study = study_json(Trial.objects.for_export().get(pk=seed_trial.pk))
    assert study["protocolSection"]["statusModule"]["overallStatus"] == "RECRUITING"
    assert "acronym" not in study["protocolSection"]["identificationModule"]
    assert study["protocolSection"]["conditionsModule"]["keywords"] == ["CD47"]


def test_every_field_of_the_sample_records_is_covered_or_listed_as_not_covered():
    """A field we neither model nor list in the README would be shown nowhere: fail until it is one or the other."""
    from trials.registry.fields import NOT_COVERED_PREFIXES

    covered = ["/".join(path) for path in COVERED_PATHS]
    missing = set()
    for path in sample_paths():
        for leaf in leaf_paths(load_json(path)):
            if not any(leaf == c or leaf.startswith(c + "/") for c in covered) and not leaf.startswith(
                NOT_COVERED_PREFIXES
            ):
                missing.add(leaf)
    assert sorted(missing) == []


def leaf_paths(data, prefix=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaf_paths(value, f"{prefix}/{key}" if prefix else key)
    elif isinstance(data, list):
        for value in data:
            yield from leaf_paths(value, prefix)
    else:
        yield prefix


ARMS = "armsInterventionsModule"


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        ("statusModule.overallStatus", "MAYBE", "statusModule.overallStatus", "unknown value 'MAYBE'"),
        ("identificationModule.nctId", DELETE, "identificationModule.nctId", "missing"),
        ("identificationModule.nctId", "NCT123", "identificationModule.nctId", "An NCT ID is NCT followed by 8 digits"),
        ("eligibilityModule.minimumAge", "80 Years", "eligibilityModule.maximumAge", "below the minimum age"),
        ("eligibilityModule.minimumAge", "adult", "eligibilityModule.minimumAge", "is not an age"),
        ("designModule.enrollmentInfo.count", -5, "designModule.enrollmentInfo.count", "from 0 to 2147483647"),
        ("designModule.enrollmentInfo.count", 10**20, "designModule.enrollmentInfo.count", "from 0 to 2147483647"),
        ("designModule.phases", [{}], "designModule.phases", "expected a list of phases, got [{}]"),
        ("identificationModule.nctId", "NCT07107204\n", "identificationModule.nctId", "NCT followed by 8 digits"),
        ("identificationModule.nctIdAliases", ["NCT00000001\n"], "identificationModule.nctIdAliases", "NCT IDs"),
        ("statusModule.statusVerifiedDate", "2025-09\n", "statusModule.statusVerifiedDate", "is not a date"),
        ("designModule.phases", ["PHASE1", "PHASE4"], "designModule.phases", "unknown phase combination"),
        ("statusModule.startDateStruct.date", "2025-13-01", "statusModule.startDateStruct", "is not a date"),
        (f"{ARMS}.interventions[0].type", "PILL", f"{ARMS}.interventions[0].type", "unknown value 'PILL'"),
        (f"{ARMS}.interventions[0].armGroupLabels", ["x"], f"{ARMS}.interventions[0].armGroupLabels", "labelled 'x'"),
        ("sponsorCollaboratorsModule.leadSponsor", DELETE, "sponsorCollaboratorsModule.leadSponsor", "missing"),
        ("eligibilityModule.healthyVolunteers", "no", "eligibilityModule.healthyVolunteers", "expected true or false"),
    ],
)
def test_bad_values_name_the_field_and_the_reason(seed_study, path, value, field, reason):
    change(seed_study, path, value)
    with pytest.raises(RecordError) as raised:
        parse_study(seed_study)
    assert raised.value.field == field
    assert reason in raised.value.reason


SITE = "contactsLocationsModule.locations[0]"


def nested(depth):
    """[[[…]]]: `depth` lists in one another."""
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        (f"{SITE}.geoPoint.lat", float("inf"), f"{SITE}.geoPoint.lat", "Infinity is not a number JSON allows"),
        (f"{SITE}.geoPoint.lon", float("-inf"), f"{SITE}.geoPoint.lon", "-Infinity is not a number JSON allows"),
        (f"{SITE}.geoPoint.lat", float("nan"), f"{SITE}.geoPoint.lat", "NaN is not a number JSON allows"),
        (f"{SITE}.geoPoint.lat", 10**400, f"{SITE}.geoPoint.lat", "expected a number from -90 to 90"),
        ("statusModule.someFutureField", [1.5, float("nan")], "statusModule.someFutureField[1]", "NaN is not"),
        ("identificationModule.briefTitle", "Lone \ud800 half", "identificationModule.briefTitle", "lone surrogate"),
        ("descriptionModule.briefSummary", "NUL \x00 byte", "descriptionModule.briefSummary", "holds a NUL"),
        # 40 lists in one another: the 31st is 33 levels below the study (protocolSection, statusModule, nested)
        ("statusModule.nested", nested(40), "statusModule.nested" + "[0]" * 30, "nested deeper than 32 levels"),
    ],
)
def test_values_no_database_stores_are_refused_wherever_they_are(seed_study, path, value, field, reason):
    """Checked anywhere in the study, modelled or only kept in the stored record (which the database
    would otherwise refuse with an error naming no field, or store as text no page can send)."""
    change(seed_study, "contactsLocationsModule.locations", [{"facility": "Clinic", "geoPoint": {"lat": 1, "lon": 2}}])
    change(seed_study, path, value)
    with pytest.raises(RecordError) as raised:
        parse_study(seed_study)
    assert (raised.value.field, reason in raised.value.reason) == (field, True)


def test_a_lone_surrogate_in_a_key_is_refused(seed_study):
    seed_study["resultsSection"] = {"\udc80key": 1}
    with pytest.raises(RecordError) as raised:
        parse_study(seed_study)
    assert (raised.value.field, raised.value.reason) == (
        "resultsSection",
        "the key '\\udc80key' holds a NUL or a lone surrogate, which are not text",
    )


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("identificationModule.briefTitle", 500),
        ("identificationModule.orgStudyIdInfo.id", 200),
        ("identificationModule.organization.fullName", 300),
        ("sponsorCollaboratorsModule.leadSponsor.name", 300),
        ("conditionsModule.conditions[0]", 300),
        ("conditionsModule.keywords[0]", 300),
        (f"{ARMS}.interventions[0].name", 500),
        ("contactsLocationsModule.centralContacts[0].phone", 100),
        ("contactsLocationsModule.overallOfficials[0].affiliation", 500),
        (f"{SITE}.city", 200),
        (f"{SITE}.contacts[0].phoneExt", 50),
    ],
)
def test_text_longer_than_its_model_field_is_refused_naming_the_field(seed_study, path, limit):
    change(seed_study, "contactsLocationsModule.locations", [{"city": "Tianjin", "contacts": [{"phoneExt": "1"}]}])
    change(seed_study, "conditionsModule.keywords", ["antibody"])
    change(seed_study, path, "x" * limit)
    parse_study(seed_study)  # the limit itself is allowed
    change(seed_study, path, "x" * (limit + 1))
    with pytest.raises(RecordError) as raised:
        parse_study(seed_study)
    assert (raised.value.field, raised.value.reason) == (path, f"{limit + 1} characters, more than the {limit} allowed")


def test_unknown_extra_fields_are_ignored(seed_study):
    seed_study["protocolSection"]["statusModule"]["someFutureField"] = {"x": 1}
    seed_study["brandNewSection"] = [1, 2]
    assert parse_study(seed_study).nct_id == "NCT07107204"


def test_an_expanded_access_record_imports_and_round_trips(seed_study):
    """Made up for this test (the bundled sample has no expanded-access record): the seed turned into one."""
    protocol = seed_study["protocolSection"]
    protocol["statusModule"]["overallStatus"] = "AVAILABLE"
    protocol["designModule"] = {"studyType": "EXPANDED_ACCESS", "expandedAccessTypes": {"individual": True}}
    del protocol["armsInterventionsModule"]["armGroups"]
    protocol["armsInterventionsModule"]["interventions"][0].pop("armGroupLabels")
    importer = Importer()
    importer.add(Item("made-up.json", seed_study))
    importer.finish()
    assert importer.result.failures == []
    trial = Trial.objects.for_export().get(nct_id="NCT07107204")
    assert (trial.get_study_type_display(), trial.get_overall_status_display(), trial.phase) == (
        "Expanded access",
        "Available",
        "",
    )
    assert study_json(trial) == seed_study
