"""The record rules (trials/rules.py): each rejects a bad value with its message and accepts the boundary case.

Every case runs twice: through the importer's reader (API v2 JSON) and through the model
validation the admin's form runs (full_clean), so the two cannot drift apart.
"""

import copy

import pytest
from django.core.exceptions import ValidationError

from trials.registry import RecordError, parse_study

from .factories import DELETE, change

# (JSON path in protocolSection, value) changes to the seed record, the message expected, or None when accepted.
RULES = {
    "nct_id_format": (
        [("identificationModule.nctId", "NCT123")],
        [("identificationModule.nctId", "NCT00000000")],
        "An NCT ID is NCT followed by 8 digits",
    ),
    "ages_in_order": (
        [("eligibilityModule.minimumAge", "18 Years"), ("eligibilityModule.maximumAge", "17 Years")],
        [("eligibilityModule.minimumAge", "18 Years"), ("eligibilityModule.maximumAge", "18 Years")],
        "The maximum age (17 Years) is below the minimum age (18 Years).",
    ),
    "start_before_primary_completion": (
        [("statusModule.primaryCompletionDateStruct", {"date": "2025-10-30", "type": "ESTIMATED"})],
        [("statusModule.primaryCompletionDateStruct", {"date": "2025-10", "type": "ESTIMATED"})],  # same month
        "The primary completion date is before the start date.",
    ),
    "primary_completion_before_completion": (
        [
            ("statusModule.primaryCompletionDateStruct", {"date": "2028-05-01", "type": "ESTIMATED"}),
        ],
        [("statusModule.primaryCompletionDateStruct", {"date": "2028-04-30", "type": "ESTIMATED"})],  # same day
        "The completion date is before the primary completion date.",
    ),
    "enrollment_not_negative": (
        [("designModule.enrollmentInfo.count", -1)],
        [("designModule.enrollmentInfo.count", 0)],
        "0",
    ),
    "phase_only_when_interventional": (
        [("designModule.studyType", "OBSERVATIONAL"), ("designModule.phases", ["PHASE2"])],
        [("designModule.studyType", "OBSERVATIONAL"), ("designModule.phases", ["NA"])],
        "Only interventional studies have a phase",
    ),
    "masked_parties_need_masking": (
        [("designModule.designInfo.maskingInfo", {"masking": "NONE", "whoMasked": ["PARTICIPANT"]})],
        [("designModule.designInfo.maskingInfo", {"masking": "SINGLE", "whoMasked": ["PARTICIPANT"]})],
        "Who is masked is only given when the masking is single, double, triple or quadruple.",
    ),
    "recruiting_needs_start": (
        [("statusModule.overallStatus", "RECRUITING"), ("statusModule.startDateStruct", DELETE)],
        [("statusModule.overallStatus", "RECRUITING")],
        "A recruiting trial needs a start date.",
    ),
}


def apply(study, changes):
    for path, value in changes:
        change(study, path, value)
    return study


@pytest.mark.parametrize("rule", RULES)
def test_the_importer_rejects_a_bad_value_and_accepts_the_boundary(seed_study, rule):
    bad, boundary, message = RULES[rule]
    with pytest.raises(RecordError) as raised:
        parse_study(apply(copy.deepcopy(seed_study), bad))
    assert message in raised.value.reason
    parse_study(apply(seed_study, boundary))  # no error


@pytest.mark.parametrize("rule", RULES)
def test_the_admin_validation_rejects_a_bad_value_and_accepts_the_boundary(seed_trial, seed_study, rule):
    """The same changes, made on a stored trial's fields and checked as the admin's form does."""
    bad, boundary, message = RULES[rule]
    # The reader maps JSON to field values (with the rules off: only its own type checks).
    bad_fields = _fields(apply(copy.deepcopy(seed_study), bad))
    for name, value in bad_fields.items():
        setattr(seed_trial, name, value)
    with pytest.raises(ValidationError) as raised:
        seed_trial.full_clean()
    assert any(message in text for messages in raised.value.message_dict.values() for text in messages)

    seed_trial.refresh_from_db()
    for name, value in _fields(apply(seed_study, boundary)).items():
        setattr(seed_trial, name, value)
    seed_trial.full_clean()


def _fields(study):
    """The Trial field values of a study, read without the record rules."""
    from trials.registry.fields import FIELDS, value_at

    values = {}
    for spec in FIELDS:
        value = value_at(study["protocolSection"], spec.path)
        if value is None:
            values.update(spec.empty())
        else:
            try:
                values.update(spec.load(value))
            except RecordError:
                values[spec.name] = value  # a value the reader refuses outright goes to the form as typed
    return values


def test_a_recruiting_trial_needs_a_central_or_a_site_contact(seed_study):
    change(seed_study, "statusModule.overallStatus", "RECRUITING")
    contacts = seed_study["protocolSection"]["contactsLocationsModule"]
    contacts.pop("centralContacts")
    with pytest.raises(RecordError, match="A recruiting trial needs a contact"):
        parse_study(seed_study)
    contacts["locations"] = [{"facility": "Site", "country": "China", "contacts": [{"name": "Site nurse"}]}]
    parse_study(seed_study)  # one contact at one site is enough


def test_study_group_labels_are_unique_within_a_trial(seed_study):
    arms = seed_study["protocolSection"]["armsInterventionsModule"]["armGroups"]
    arms.append({**arms[0]})
    with pytest.raises(RecordError, match="Two study groups are labelled"):
        parse_study(seed_study)
    arms[-1]["label"] = arms[0]["label"] + " (cohort 2)"
    arms[-1].pop("interventionNames", None)
    parse_study(seed_study)


def test_an_intervention_names_only_groups_of_its_own_trial(seed_study):
    interventions = seed_study["protocolSection"]["armsInterventionsModule"]["interventions"]
    interventions[0]["armGroupLabels"] = ["A group of another trial"]
    with pytest.raises(RecordError, match="no study group is labelled 'A group of another trial'"):
        parse_study(seed_study)
