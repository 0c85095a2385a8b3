"""The eligibility quick check over real sample records: each age bound, no maximum, and each sex rule."""

import html
import re
from urllib.parse import quote_plus

import pytest
from django.db.models import Q

from tests.conftest import SAMPLE_DIR, import_paths
from trials.forms import QuickCheckForm
from trials.models import Trial
from trials.quickcheck import check, search_parameters


@pytest.fixture
def sample(db):
    def load(nct_id):
        assert import_paths(SAMPLE_DIR / f"{nct_id}.json").failures == []
        return Trial.objects.get(nct_id=nct_id)

    return load


def answer(trial, rule_index, **person):
    person.setdefault("age", 40)
    found = check(trial, **person)[rule_index]
    return found.met, found.reason


@pytest.mark.parametrize(
    "age, met, reason",
    [
        (17, False, "Age 17: below this trial's minimum of 18 years"),
        (18, True, "Age 18: within this trial's ages, 18 years to 70 years"),
        (19, True, "Age 19: within this trial's ages, 18 years to 70 years"),
        (69, True, "Age 69: within this trial's ages, 18 years to 70 years"),
        # its criteria say "Age:≥18 and \<70 years": 70 is within the record's ages but not under 70
        (
            70,
            None,
            "Age 70: the record's ages are 18 to 70 years, but its criteria say “Age:≥18 and <70 years, any gender”",
        ),
        (71, False, "Age 71: above this trial's maximum of 70 years"),
        (72, False, "Age 72: above this trial's maximum of 70 years"),
    ],
)
def test_age_at_just_below_and_just_above_each_bound_of_the_seed_trial(sample, age, met, reason):
    assert answer(sample("NCT07107204"), 0, age=age) == (met, reason)


@pytest.mark.parametrize(
    "age, met",
    [(4, False), (5, True), (6, True), (7, True), (8, True), (9, False)],
)
def test_a_childrens_trial_takes_only_its_ages(sample, age, met):
    assert answer(sample("NCT00973089"), 0, age=age)[0] is met  # 5 to 8 years


@pytest.mark.parametrize("age", [18, 19, 90, 130])
def test_no_maximum_takes_any_age_from_the_minimum(sample, age):
    met, reason = answer(sample("NCT06388018"), 0, age=age)
    assert met is True
    assert reason == f"Age {age}: at or above this trial's minimum of 18 years, with no maximum"


def test_no_maximum_still_refuses_below_the_minimum(sample):
    assert answer(sample("NCT06388018"), 0, age=17) == (False, "Age 17: below this trial's minimum of 18 years")


def test_no_age_limits_at_all(sample):
    assert answer(sample("NCT02841163"), 0, age=0) == (True, "Age 0: this trial has no age limits")


@pytest.mark.parametrize("sex", ["", "FEMALE", "MALE"])
def test_sex_all_takes_anyone(sample, sex):
    assert answer(sample("NCT07107204"), 1, sex=sex) == (True, "Sex: any")


@pytest.mark.parametrize("sex, met", [("FEMALE", True), ("MALE", False), ("", None)])
def test_a_trial_for_women(sample, sex, met):
    assert answer(sample("NCT06388018"), 1, sex=sex) == (met, "Sex: this trial takes women only")


@pytest.mark.parametrize("sex, met", [("MALE", True), ("FEMALE", False), ("", None)])
def test_a_trial_for_men(sample, sex, met):
    assert answer(sample("NCT01534065"), 1, sex=sex) == (met, "Sex: this trial takes men only")


@pytest.mark.parametrize(
    "nct_id, person, met, reason",
    [
        ("NCT07107204", "true", False, "Healthy volunteers: not accepted; this trial is for people with the condition"),
        ("NCT07107204", "false", True, "Healthy volunteers: not accepted; this trial is for people with the condition"),
        ("NCT07107204", "", None, "Healthy volunteers: not accepted; this trial is for people with the condition"),
        ("NCT00973089", "true", True, "Healthy volunteers: accepted"),
        ("NCT00973089", "false", None, "Healthy volunteers: accepted"),
        ("NCT00517179", "true", None, "Healthy volunteers: the record does not say"),
    ],
)
def test_healthy_volunteers(sample, nct_id, person, met, reason):
    assert answer(sample(nct_id), 2, healthy_volunteers=person) == (met, reason)


def test_the_form_is_unbound_until_an_answer_is_given():
    assert not QuickCheckForm.from_query({}).is_bound
    assert QuickCheckForm.from_query({"age": "40"}).is_bound


@pytest.mark.parametrize("age", ["-1", "131", "forty", "4.5", "1e9"])
def test_the_form_refuses_ages_it_cannot_check(age):
    form = QuickCheckForm.from_query({"age": age})
    assert not form.is_valid() and "age" in form.errors


def test_the_form_asks_for_an_age_when_only_sex_is_given():
    form = QuickCheckForm.from_query({"sex": "FEMALE"})
    assert form.errors["age"] == ["Enter your age in years, for example 45."]


@pytest.mark.parametrize(
    "query",
    [{"age": ""}, {"age": "  "}, {"age": "", "sex": "", "healthy_volunteers": ""}],  # Check pressed, no age
)
def test_the_form_asks_for_an_age_when_none_is_given(query):
    form = QuickCheckForm.from_query(query)
    assert form.is_bound and form.errors["age"] == ["Enter your age in years, for example 45."]


@pytest.mark.parametrize(
    "age, message",
    [
        ("forty", "Enter your age as a whole number of years, for example 45."),
        ("4.5", "Enter your age as a whole number of years, for example 45."),
        ("-1", "Enter an age of 0 or more."),
        ("131", "Enter an age of at most 130."),
    ],
)
def test_the_form_says_what_age_it_needs(age, message):
    assert QuickCheckForm.from_query({"age": age}).errors["age"] == [message]


def test_answers_become_search_filters_healthy_volunteers_only_when_healthy():
    assert search_parameters({"age": 40, "sex": "FEMALE", "healthy_volunteers": "false"}) == [
        ("status", "RECRUITING"),
        ("status", "NOT_YET_RECRUITING"),
        ("age", 40),
        ("sex", "FEMALE"),
    ]
    assert search_parameters({"age": 40, "sex": "", "healthy_volunteers": "true"})[2:] == [
        ("age", 40),
        ("healthy_volunteers", "true"),
    ]


# Ages the criteria's words state, beside the record's own


@pytest.mark.parametrize(
    "nct_id, age, met",
    [
        ("NCT07107204", 70, None),  # 18 to 70 years; criteria: Age:≥18 and <70 years
        ("NCT07107204", 18, True),
        ("NCT03884387", 17, False),  # 18 years and older; criteria: Age >18
        ("NCT03884387", 18, None),
        ("NCT03884387", 19, True),
        ("NCT05594173", 59, True),  # 18 to 60 years; criteria: Healthy adults under age 60
        ("NCT05594173", 60, None),
        ("NCT05484791", 18, None),  # 19 to 64 years; criteria: Be between the ages of 18 and 65
        ("NCT05484791", 65, None),
        ("NCT05484791", 66, False),
        ("NCT05326594", 10, None),  # 18 months to 50 years; criteria: Aged 18-50 years old
        ("NCT05326594", 30, True),
        ("NCT06131398", 90, True),  # 18 to 100 years; criteria: Age ≥ 18 years (no maximum said: no disagreement)
    ],
)
def test_where_the_criteria_state_other_ages_the_answer_is_ask_the_team(sample, nct_id, age, met):
    assert answer(sample(nct_id), 0, age=age)[0] is met


def test_the_answer_quotes_the_criterion_that_disagrees(sample):
    met, reason = answer(sample("NCT05594173"), 0, age=60)
    assert reason == "Age 60: the record's ages are 18 to 60 years, but its criteria say “Healthy adults under age 60”"


# The check on the eligibility page, and the printable checklist


def page_text(response):
    """What a reader sees: tags dropped, entities decoded, spaces collapsed."""
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_eligibility_page_answers_each_rule_with_its_reason(client, seed_trial):
    text = page_text(client.get("/trials/NCT07107204/eligibility/", {"age": "72", "sex": "FEMALE"}))
    assert "Does not fit Age 72: above this trial's maximum of 70 years" in text
    assert "Fits Sex: any" in text
    assert "this trial's basic rules do not fit" in text
    assert "Only the study team can confirm whether you can take part." in text


def test_the_eligibility_page_shows_the_form_without_answers_until_asked(client, seed_trial):
    response = client.get("/trials/NCT07107204/eligibility/")
    text = page_text(response)
    assert 'method="get"' in response.content.decode() and "Your age in years" in text
    assert "What the record's rules say" not in text


def test_answers_that_fit_point_to_the_criteria_the_checklist_and_similar_trials(client, seed_trial):
    response = client.get("/trials/NCT07107204/eligibility/", {"age": "40", "healthy_volunteers": "false"})
    page = response.content.decode()
    assert "From these answers, the basic rules fit." in page_text(response)
    assert 'href="/trials/NCT07107204/eligibility/checklist/?age=40&amp;healthy_volunteers=false"' in page
    conditions = "&amp;".join(
        f"condition={quote_plus(name)}"
        for name in ["Relapsed or Refractory Hematologic Malignancies", "Leukemia", "Lymphoma", "Multiple Myeloma (MM)"]
    )
    assert f'href="/trials/?{conditions}&amp;status=RECRUITING&amp;status=NOT_YET_RECRUITING&amp;age=40"' in page


def test_other_trials_with_these_answers_are_open_ones_of_the_same_conditions(client, all_samples):
    page = client.get("/trials/NCT07107204/eligibility/", {"age": "40", "sex": "FEMALE"}).content.decode()
    link = html.unescape(re.search(r'href="(/trials/\?[^"]*)">Find other trials with these answers', page)[1])
    found = client.get(link)
    assert found.status_code == 200 and 'role="alert"' not in found.content.decode()
    shown = set(re.findall(r'<a href="/trials/(NCT\d{8})/">', found.content.decode()))
    assert "NCT07107204" in shown
    open_trials = Trial.objects.filter(overall_status__in=["RECRUITING", "NOT_YET_RECRUITING"])
    expected = open_trials.filter(
        Q(minimum_age_years__isnull=True) | Q(minimum_age_years__lte=40),
        Q(maximum_age_years__isnull=True) | Q(maximum_age_years__gte=40),
        trial_conditions__condition__in=Trial.objects.get(nct_id="NCT07107204").ordered_conditions,
        sex__in=["ALL", "FEMALE"],
    )
    assert shown == set(expected.values_list("nct_id", flat=True))


@pytest.mark.parametrize("query", ["age=", "age=&sex=&healthy_volunteers=", "age=+&sex=FEMALE"])
def test_checking_without_an_age_asks_for_it(client, seed_trial, query):
    response = client.get(f"/trials/NCT07107204/eligibility/?{query}")
    text = page_text(response)
    assert 'role="alert"' in response.content.decode()
    assert "Your age in years: Enter your age in years, for example 45." in text
    assert "What the record's rules say" not in text


def test_the_eligibility_page_says_ask_the_team_where_the_criteria_disagree(client, seed_trial):
    text = page_text(client.get("/trials/NCT07107204/eligibility/", {"age": "70"}))
    assert "Ask the team Age 70: the record's ages are 18 to 70 years, but its criteria say" in text


@pytest.mark.parametrize("query", [{"age": "abc"}, {"age": "-3"}, {"sex": "FEMALE"}, {"age": "40", "sex": "<b>x"}])
def test_bad_answers_are_explained_next_to_their_field(client, seed_trial, query):
    response = client.get("/trials/NCT07107204/eligibility/", query)
    page = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in page
    assert 'aria-invalid="true"' in page and "aria-describedby=" in page
    assert "<b>x" not in page


def test_nothing_is_stored(client, seed_trial, django_assert_max_num_queries):
    with django_assert_max_num_queries(4) as captured:  # its ETag, trial + sponsors, conditions, criteria
        client.get("/trials/NCT07107204/eligibility/", {"age": "40"})
    assert not [query for query in captured if not query["sql"].lstrip().upper().startswith("SELECT")]
    assert not client.cookies.get("sessionid")


def test_the_checklist_lists_every_criterion_with_a_box_and_the_answers(client, seed_trial):
    response = client.get("/trials/NCT07107204/eligibility/checklist/", {"age": "72"})
    page = response.content.decode()
    criteria = list(seed_trial.criteria.all())
    assert page.count('<input type="checkbox">') == len(criteria) > 0
    for criterion in criteria:
        assert html.escape(criterion.text, quote=False) in page
    text = page_text(response)
    assert "Inclusion criteria: you need these" in text and "Exclusion criteria: any of these rules you out" in text
    assert "Age 72: above this trial's maximum of 70 years" in text
    assert "Only the study team can confirm whether you can take part." in text
