"""Odd search input on the sample records: a value the form cannot use is reported and left out,
query syntax is searched as text, and no combination of parameters gives a server error.

The module imports the samples once (the `samples` fixture in conftest.py; they are removed at the end);
each test runs in its own rolled-back transaction on top.
"""

import pytest

from trials.models import Trial

from .factories import MOST_COMMON_CONDITION, MOST_COMMON_SPONSOR, RECORDS, found

# Bad input


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "BOGUS"}, "status", "Select a valid choice"),
        ({"phase": "PHASE9"}, "phase", "Select a valid choice"),
        ({"age": "abc"}, "age", "Enter a number"),
        ({"age": "-4"}, "age", "greater than or equal to 0"),
        ({"start_from": "2020-13-45"}, "start_from", "Enter a valid date"),
        ({"updated_since": "yesterday"}, "updated_since", "Enter a valid date"),
        ({"q": "x" * 501}, "q", "at most 500 characters"),
        ({"q": "pain\x00"}, "q", "Null characters are not allowed"),
        ({"sort": "price"}, "sort", "Select a valid choice"),
        ({"healthy_volunteers": "maybe"}, "healthy_volunteers", "Select a valid choice"),
    ],
)
def test_a_value_the_form_cannot_use_is_reported_and_left_out(search, params, field, message):
    response = search(params)
    assert any(message in error for error in response.context["filter"].form.errors[field])
    assert response.context["results"].total == len(RECORDS)  # the rest of the search still runs
    assert message in response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(("field", "count"), [("sponsor", 150), ("condition", 250), ("country", 400)])
def test_too_many_values_for_a_name_filter_are_reported_not_a_server_error(search, field, count):
    response = search({field: [f"Name {i}" for i in range(count)], "status": "RECRUITING"})
    assert "Choose at most 50 here" in response.context["filter"].form.errors[field][0]
    assert response.context["results"].total == search({"status": "RECRUITING"}).context["results"].total
    assert "Choose at most 50 here" in response.content.decode()


@pytest.mark.parametrize("field", ["sponsor", "condition", "country"])
def test_fifty_names_still_filter_by_any_of_them(search, field):
    named = {"sponsor": MOST_COMMON_SPONSOR, "condition": MOST_COMMON_CONDITION, "country": "United States"}[field]
    alone = found(search({field: named.upper()}))
    assert alone and found(search({field: [named.upper(), *(f"Name {i}" for i in range(49))]})) == alone


@pytest.mark.parametrize(
    "q", ["AND (", '"unclosed', "*", "col:value", "- -", "NOT", "a OR", "OR OR", "'; DROP TABLE trials_trial; --", "^~"]
)
def test_syntax_characters_in_the_query_are_searched_as_text(search, q):
    response = search({"q": q})
    assert response.context["results"].total >= 0
    assert Trial.objects.count() == len(RECORDS)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9"])
def test_odd_page_numbers_show_a_page(search, page):
    assert found(search({"q": "pain", "page": page}))


# Anything at all in the address


PARAMETERS = [
    "q", "status", "phase", "study_type", "condition", "intervention_type", "sponsor", "sponsor_class", "sex",
    "age", "healthy_volunteers", "country", "has_results", "start_from", "start_to", "updated_since", "sort", "page",
]  # fmt: skip
VALID = {
    "q": ["pain", '"low back pain"', "pain -lumbar", "surgery OR therapy", "NCT07107204"],
    "status": ["COMPLETED", "RECRUITING"],
    "phase": ["PHASE2", "NA", "EARLY_PHASE1"],
    "study_type": ["INTERVENTIONAL"],
    "condition": [MOST_COMMON_CONDITION, "lumbar-disc-herniation"],
    "intervention_type": ["DRUG", "DEVICE"],
    "sponsor": [MOST_COMMON_SPONSOR],
    "sponsor_class": ["INDUSTRY", "OTHER"],
    "sex": ["FEMALE", "MALE", "ALL"],
    "age": ["0", "18", "65.5", "130"],
    "healthy_volunteers": ["true", "false"],
    "country": ["Turkey", "France"],
    "has_results": ["true", "false"],
    "start_from": ["2019-01-01", "2019-05", "2019"],
    "start_to": ["2024-12-31"],
    "updated_since": ["2023-01-01"],
    "sort": ["relevance", "updated", "start", "enrollment", "title"],
    "page": ["1", "2", "50"],
}
HOSTILE = [
    "",
    " ",
    "AND (",
    '"',
    "*",
    ":",
    "-",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\x00",
    "9" * 400,
    "-1",
    "1e308",
    "NaN",
    "2020-02-30",
    "💊" * 20,
    "%00",
    "NEAR(a b)",
    "{}",
    "..\\..",
]


@pytest.fixture(scope="module")
def hypothesis_settings():
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
    )


def test_no_combination_of_parameters_gives_a_server_error(client, samples, db, hypothesis_settings, settings):
    from hypothesis import given
    from hypothesis import strategies as st

    text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)
    value = st.one_of(*(st.sampled_from(v) for v in (sum(VALID.values(), []), HOSTILE)), text)
    params = st.dictionaries(
        st.sampled_from(PARAMETERS),
        st.lists(value, min_size=1, max_size=3),
        max_size=8,
    )
    seen = []
    settings.EXPORT_RATE = 1000  # one address asks for dozens of exports here; the limit has its own tests

    @hypothesis_settings
    @given(params=params, path=st.sampled_from(["/trials/"] * 6 + ["/trials/export.csv", "/trials/feed/"]))
    def check(params, path):
        response = client.get(path, params)
        assert response.status_code in (200, 302), (path, params, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)  # the whole export, which also frees its export slot
        seen.append(params)

    check()
    assert len(seen) >= 250
