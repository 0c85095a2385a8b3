import pytest

from trials.eligibility import age_in_years, describe_ages, parse_criteria


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
