import pytest

from trials.eligibility import AgeBound, age_in_years, describe_ages, parse_criteria, stated_ages

from .conftest import SAMPLE_DIR, load_json


def items(text):
    return [(c.kind, c.level, c.text) for c in parse_criteria(text)]


def test_headings_without_colon_split_numbered_items_in_order():
    text = "Inclusion Criteria\n\n1. Adults\n2. Consent\n\nExclusion Criteria\n\n1. Pregnancy"
    assert items(text) == [
        ("INCLUSION", 0, "Adults"),
        ("INCLUSION", 0, "Consent"),
        ("EXCLUSION", 0, "Pregnancy"),
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "Inclusion Criteria:",
        "INCLUSION CRITERIA:",
        "Key Inclusion Criteria:",
        "Inclusion criteria -",
        "**Inclusion Criteria:**",
    ],
)
def test_heading_variants_start_the_inclusion_section(heading):
    assert items(f"{heading}\n\n* Adults")[0] == ("INCLUSION", 0, "Adults")


def test_bullets_of_every_kind_are_items():
    text = "Exclusion Criteria:\n\n* star\n- dash\n• dot\n1) paren\na. letter"
    assert [text for _, _, text in items(text)] == ["star", "dash", "dot", "paren", "letter"]


def test_indented_sub_items_are_nested_under_their_parent():
    text = (
        "Inclusion Criteria:\n\n* Women who are either:\n\n  * postmenopausal\n  * sterile\n    * surgically\n* Adults"
    )
    assert [(level, text) for _, level, text in items(text)] == [
        (0, "Women who are either:"),
        (1, "postmenopausal"),
        (1, "sterile"),
        (2, "surgically"),
        (0, "Adults"),
    ]


def test_continuation_lines_join_their_item():
    assert items("Inclusion Criteria:\n\n* Adults aged 18\n  or older") == [("INCLUSION", 0, "Adults aged 18 or older")]


def test_prose_without_headings_is_kept_as_general_items():
    text = "Patients with a confirmed diagnosis.\n\nNo prior treatment."
    assert items(text) == [
        ("GENERAL", 0, "Patients with a confirmed diagnosis."),
        ("GENERAL", 0, "No prior treatment."),
    ]


def test_text_after_a_heading_colon_is_an_item():
    assert items("Inclusion Criteria: healthy adults") == [("INCLUSION", 0, "healthy adults")]


def test_markdown_escapes_are_removed():
    assert items("Inclusion Criteria\n\n1. Age:≥18 and \\<70 years\n2. grade \\> 1")[0][2] == "Age:≥18 and <70 years"
    assert items("Inclusion Criteria\n\n1. a\n2. grade \\> 1")[1][2] == "grade > 1"


def test_a_bullet_that_merely_starts_with_exclusion_is_not_a_heading():
    text = "Inclusion Criteria:\n\n* Exclusion of other diagnoses by imaging"
    assert items(text) == [("INCLUSION", 0, "Exclusion of other diagnoses by imaging")]


def test_lines_of_punctuation_only_are_dropped():
    assert items("Exclusion Criteria:\n\n* Smokers\n\n   -") == [("EXCLUSION", 0, "Smokers")]


def test_empty_text_has_no_items():
    assert parse_criteria("") == []


@pytest.mark.parametrize(
    ("text", "years"),
    [("18 Years", 18.0), ("6 Months", 0.5), ("1 Year", 1.0), ("14 Days", round(14 / 365.25, 6)), ("", None)],
)
def test_age_in_years_normalises_registry_ages(text, years):
    assert age_in_years(text) == years


@pytest.mark.parametrize("text", ["eighteen", "18", "-1 Years", "18 Decades"])
def test_age_in_years_rejects_what_is_not_an_age(text):
    with pytest.raises(ValueError, match="is not an age"):
        age_in_years(text)


@pytest.mark.parametrize(
    ("minimum", "maximum", "expected"),
    [
        ("18 Years", "70 Years", "18 to 70 years"),
        ("18 Years", "", "18 years and older"),
        ("", "17 Years", "up to 17 years"),
        ("6 Months", "17 Years", "6 months to 17 years"),
        ("", "", "Any age"),
    ],
)
def test_describe_ages_reads_like_a_sentence(minimum, maximum, expected):
    assert describe_ages(minimum, maximum) == expected


def test_nest_criteria_builds_the_tree_pages_show():
    from trials.eligibility import nest_criteria

    tree = nest_criteria(parse_criteria("Inclusion Criteria:\n\n* a\n  * a1\n    * a1x\n  * a2\n* b"))
    shape = [(n.item.text, [(c.item.text, [g.item.text for g in c.children]) for c in n.children]) for n in tree]
    assert shape == [("a", [("a1", ["a1x"]), ("a2", [])]), ("b", [])]


# Age limits stated in the criteria text, read from real records (data/sample) and from phrases that are not ages


def stated(nct_id):
    """The sample record's stated ages as (minimum, maximum), each "18" (inclusive), ">18" or "<70"; or None."""
    criteria = load_json(SAMPLE_DIR / f"{nct_id}.json")["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    found = stated_ages(parse_criteria(criteria))
    if found is None:
        return None
    low, high = found.minimum, found.maximum
    return (
        low and f"{'' if low.inclusive else '>'}{low.years}",
        high and f"{'' if high.inclusive else '<'}{high.years}",
    )


@pytest.mark.parametrize(
    "nct_id, expected",
    [
        ("NCT07107204", ("18", "<70")),  # Age:≥18 and \<70 years, any gender.
        ("NCT00124774", (">18", "<60")),  # Age >18 and < 60 years
        ("NCT00220935", ("21", "55")),  # Age 21 - 55
        ("NCT00353704", ("18", None)),  # Age 18+ (and an exclusion "Age < 18", not read)
        ("NCT00405041", ("18", "75")),  # Participants' age: 18 - 75 years.
        ("NCT00517179", ("50", "80")),  # Age between 50 to 80 years old
        ("NCT00763412", ("12", "24")),  # Male or females 12 -24 years old
        ("NCT00936338", (">18", None)),  # (1) male or female over 18 years old;
        ("NCT00973089", ("5", "8")),  # Patient's age is 5-8 years old at the time of the treatment
        ("NCT01339377", ("18", "70")),  # 18 to 70 years of age
        ("NCT01499641", (">18", None)),  # Patients more than 18 years old
        ("NCT02120703", ("30", "60")),  # 30-60 years age
        ("NCT02300909", ("18", None)),  # Are 18 (eighteen) years of age or older at the time of surgery.
        ("NCT02576665", ("18", "75")),  # Patient is between 18 and 75 years of age, inclusive.
        ("NCT02753764", ("18", "65")),  # …aged 18-65 of any racial or ethnic background… (and an exclusion's "<60")
        ("NCT03064438", ("18", None)),  # …female at least 18 years of age
        ("NCT03281889", ("3", "18")),  # Age ≥ 3 years and ≤ 18 years at the time of registration
        ("NCT03300089", ("18", None)),  # Age ≥ 18 years
        ("NCT03386149", (">19", None)),  # Men or women aged over 19 years
        ("NCT03630471", ("13", "20")),  # (corresponding to 13-20 years of age); "For adolescents under 18…" is not read
        ("NCT04207047", ("18", None)),  # Male or female, age 18 years and older.
        ("NCT04930523", ("25", "65")),  # Age b/w 25 to 65
        ("NCT05161130", ("18", None)),  # Only patients aged 18 or older are considered for inclusion.
        ("NCT05233254", ("18", "65")),  # Being between the ages of 18-65
        ("NCT05261815", (">18", None)),  # Patient above age 18 and adult
        ("NCT05288634", ("18", None)),  # Patients aged 18 and over
        ("NCT05326594", ("18", "50")),  # Aged 18-50 years old (its record says 18 months to 50 years)
        ("NCT05594173", (None, "<60")),  # Healthy adults under age 60
        ("NCT05915845", ("20", "45")),  # Age group of 20-45 years (its record says 20 to 40)
        ("NCT06131398", ("18", None)),  # Age ≥ 18 years at the time of signing informed consent.
        ("NCT06323538", ("18", "69")),  # age between 18 and 69 years at recruitment (…four age groups (18 to 29, …)
        ("NCT06388018", ("18", None)),  # Patients' age must be >= 18 years
        ("NCT06688773", (">18", None)),  # Over 18 years of age, elective surgery,
        ("NCT06863285", (">11", None)),  # Age above 11 years.
        ("NCT00000410", None),  # only an exclusion: Age less than 18 years.
        ("NCT02841163", None),  # no age in its criteria
    ],
)
def test_age_limits_stated_in_real_criteria(nct_id, expected):
    assert stated(nct_id) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ECOG 0-1",
        "A life expectancy of ≥ 3 months.",
        "BMI 18-30 kg/m2",
        "HbA1c 7-10%",
        "Grade 3 or above",
        "≥ 2 years since diagnosis",
        "Within the past 2 years",
        "History of smoking more than 10 years",
        "Women more than 5 years postmenopausal",
        "Gestational age 28-32 weeks",
        "Aged 6-24 months",
        "Age 18.5 or older",
        "For participants under 18, a parent must consent",
        "Children aged 5-8 years must have received two doses",
        "Systolic blood pressure above 140 mmHg if <60 years of age",
        "Exclusion Criteria:\n\n* Age < 18",
        "Inclusion Criteria:\n\n* Age 18-65\n* Age 20-60",  # two minimums and two maximums: neither is read
    ],
)
def test_numbers_that_are_not_a_stated_age_limit_are_not_read(text):
    assert stated_ages(parse_criteria(text)) is None


@pytest.mark.parametrize(
    "text, minimum, maximum",
    [
        ("aged 18-65", AgeBound(18, True), AgeBound(65, True)),
        ("<70 years", None, AgeBound(70, False)),
        ("≥ 18 years", AgeBound(18, True), None),
        ("Patients under 70 years", None, AgeBound(70, False)),
        ("Under the age of 70", None, AgeBound(70, False)),
        ("Women aged ≥ 45 and ≤ 70 years", AgeBound(45, True), AgeBound(70, True)),
        ("Age ≥ 18 years and body weight ≥ 40 kg", AgeBound(18, True), None),
        ("65 years of age or younger", None, AgeBound(65, True)),
        ("Men aged 40 to 75 years inclusive", AgeBound(40, True), AgeBound(75, True)),
    ],
)
def test_age_limit_phrases(text, minimum, maximum):
    found = stated_ages(parse_criteria(text))
    assert (found.minimum, found.maximum) == (minimum, maximum)


def test_the_stated_ages_quote_their_criterion_as_pages_show_it():
    assert stated_ages(parse_criteria("Inclusion Criteria\n\n2. Age:≥18 and \\<70 years, any gender.")).text == (
        "Age:≥18 and <70 years, any gender"
    )
