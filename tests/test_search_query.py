"""Reading the search box: NCT IDs, and the websearch syntax turned into FTS5 and back."""

import pytest

from trials.search.query import nct_id_in, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NCT07107204", "NCT07107204"),
        ("nct 0710 7204", "NCT07107204"),
        ("\tnct07107204\n", "NCT07107204"),
        ("NCT 7107204", "NCT07107204"),
        ("NCT123456789", None),
        ("NCT0710720a", None),
        ("cancer NCT07107204", None),
        ("", None),
    ],
)
def test_an_nct_id_is_recognised_however_it_is_typed(text, expected):
    assert nct_id_in(text) == expected


@pytest.mark.parametrize(
    ("text", "fts5", "websearch"),
    [
        ("breast biopsy", '"breast" AND "biopsy"', "breast biopsy"),
        ('"heart failure" adults', '"heart failure" AND "adults"', '"heart failure" adults'),
        ("asthma OR bronchitis children", '("asthma" OR "bronchitis") AND "children"', "asthma OR bronchitis children"),
        ("melanoma -breast", '"melanoma" NOT "breast"', "melanoma -breast"),
        ('melanoma -"small cell"', '"melanoma" NOT "small cell"', 'melanoma -"small cell"'),
        # what people type widened to the registry's words (tests/test_search_vocabulary.py); an exclusion is not
        (
            "copd -cancer",
            '("copd" OR "chronic obstructive pulmonary disease") NOT "cancer"',
            'copd OR "chronic obstructive pulmonary disease" -cancer',
        ),
        ("covid-19", '"covid 19"', '"covid 19"'),
        ('AND ( col:value * "', '"and" AND "col value"', 'and "col value"'),
        ("Drug's \"effect", '"drug s" AND "effect"', '"drug s" effect'),
    ],
)
def test_the_query_syntax_becomes_fts5_and_websearch_text_with_every_term_quoted(text, fts5, websearch):
    query = parse(text)
    assert query.to_fts5() == fts5
    assert query.to_websearch() == websearch


@pytest.mark.parametrize("text", ["", "   ", "-cancer", '""', "* : ( )", "OR", "- -"])
def test_a_query_with_no_word_to_look_for_is_empty(text):
    assert not parse(text)
