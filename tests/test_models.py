"""Database constraints hold even when validation is bypassed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from trials.models import ArmGroup, Sponsor, Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_trial(db):
    """A minimal valid trial; keyword arguments override its fields."""

    def make(**overrides):
        sponsor, _ = Sponsor.objects.get_or_create(name="Test sponsor", agency_class="OTHER")
        fields = {
            "nct_id": "NCT00000001",
            "brief_title": "A test trial",
            "overall_status": "COMPLETED",
            "study_type": "INTERVENTIONAL",
            "lead_sponsor": sponsor,
            **overrides,
        }
        return Trial.objects.create(**fields)

    return make


@pytest.mark.parametrize("nct_id", ["NCT1234567", "nct00000001", "NCT000000011", "XYZ00000001", "NCT00000001\n"])
def test_the_database_rejects_a_malformed_nct_id(make_trial, nct_id):
    # PostgreSQL refuses a 12-character ID for its length (DataError) before checking the pattern
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        make_trial(nct_id=nct_id)


def test_the_database_rejects_a_duplicate_nct_id(make_trial):
    make_trial()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_trial()


def test_the_database_rejects_negative_enrollment(make_trial):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_trial(enrollment_count=-1)


def test_the_database_rejects_a_minimum_age_above_the_maximum(make_trial):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_trial(minimum_age_years=75, maximum_age_years=70)


def test_the_database_rejects_two_groups_with_one_label(make_trial):
    trial = make_trial()
    ArmGroup.objects.create(trial=trial, label="Arm A")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArmGroup.objects.create(trial=trial, label="Arm A")


def test_clean_explains_ages_in_staff_words_and_fills_the_normalised_values(make_trial):
    trial = make_trial(minimum_age="6 Months", maximum_age="17 Years")
    trial.clean()
    assert (trial.minimum_age_years, trial.maximum_age_years) == (0.5, 17.0)
    trial.minimum_age = "18 Years"
    with pytest.raises(ValidationError) as raised:
        trial.clean()
    assert raised.value.message_dict == {
        "maximum_age": ["The maximum age (17 Years) is below the minimum age (18 Years)."]
    }


def test_sponsor_and_condition_slugs_are_unique():
    first = Sponsor.objects.create(name="Acme Pharma", agency_class="INDUSTRY")
    second = Sponsor.objects.create(name="Acme Pharma", agency_class="OTHER")
    assert (first.slug, second.slug) == ("acme-pharma", "acme-pharma-2")


# Each /trials/ filter and sort (docs/contract.md) and the column it reads.
SEARCHED_COLUMNS = [
    ("trials_trial", "overall_status"),  # status
    ("trials_trial", "phase"),  # phase
    ("trials_trial", "study_type"),  # study_type
    ("trials_trialcondition", "condition_id"),  # condition
    ("trials_intervention", "type"),  # intervention_type
    ("trials_trial", "lead_sponsor_id"),  # sponsor
    ("trials_sponsor", "agency_class"),  # sponsor_class
    ("trials_trial", "sex"),  # sex
    ("trials_trial", "minimum_age_years"),  # age
    ("trials_trial", "maximum_age_years"),  # age
    ("trials_trial", "healthy_volunteers"),  # healthy_volunteers
    ("trials_location", "country"),  # country
    ("trials_trial", "has_results"),  # has_results
    ("trials_trial", "start_date"),  # start_from, start_to, sort=start
    ("trials_trial", "last_update_posted_date"),  # updated_since, sort=updated
    ("trials_trial", "enrollment_count"),  # sort=enrollment
    ("trials_trial", "brief_title"),  # sort=title
]


@pytest.mark.parametrize(("table", "column"), SEARCHED_COLUMNS)
def test_every_searched_column_leads_an_index(table, column):
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert any(
        (c["index"] or c["unique"]) and c["columns"] and c["columns"][0] == column for c in constraints.values()
    ), f"{table}.{column} has no index"


def test_slugs_made_together_do_not_collide_with_each_other_or_stored_rows():
    from trials.models import Condition, unique_slugs

    Condition.objects.create(name="Leukemia")
    assert unique_slugs(Condition, ["LEUKEMIA", "leukemia!", "Lymphoma", "???"]) == [
        "leukemia-2",
        "leukemia-3",
        "lymphoma",
        "item",
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_choice_labels_are_djangos_in_each_language(language):
    """trials.models.labels keeps each field's choices in a dict: the labels must be Django's own, translated."""
    from django.apps import apps
    from django.db import models
    from django.utils import translation

    from trials.models.labels import ChoiceLabels

    checked = 0
    with translation.override(language):
        for model in apps.get_app_config("trials").get_models():
            if not issubclass(model, ChoiceLabels):
                continue
            for field in model._meta.concrete_fields:
                for value in [value for value, _ in field.flatchoices] + ["NOT_A_CHOICE"] if field.choices else []:
                    row = model(**{field.attname: value})
                    assert row._get_FIELD_display(field) == models.Model._get_FIELD_display(row, field)
                    checked += 1
    assert checked > 100
