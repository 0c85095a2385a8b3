"""A search's criteria (trials/search/criteria.py): the sort in effect and the facet cache key, without a database."""

import pytest

from trials import geo
from trials.search.criteria import DEFAULT_DISTANCE_KM, Criteria


def nothing(without=None):
    raise AssertionError("no query expected")


@pytest.mark.parametrize(
    ("asked", "words", "near", "expected"),
    [
        ("", "", "", "updated"),
        ("", "pain", "", "relevance"),
        ("relevance", "", "", "updated"),  # best match needs words
        ("distance", "", "", "updated"),  # nearest needs a city
        ("", "pain", "Lyon", "distance"),
        ("relevance", "pain", "Lyon", "distance"),
        ("", "pain", "France", "relevance"),  # a country has no point to measure from
        ("title", "pain", "Lyon", "title"),
        ("enrollment", "", "", "enrollment"),
    ],
)
def test_the_sort_in_effect(asked, words, near, expected):
    place = geo.find_place(near) if near else None
    assert Criteria(filtered=nothing, asked_sort=asked, words=words, place=place).sort == expected


def test_the_facet_key_is_each_active_filter_and_the_distance():
    criteria = Criteria(filtered=nothing, active={"status": ["COMPLETED"], "age": 40}, distance=250)
    assert criteria.facet_key == ([("status", "['COMPLETED']"), ("age", "40")], 250)
    assert Criteria(filtered=nothing).facet_key == ([], DEFAULT_DISTANCE_KM)
