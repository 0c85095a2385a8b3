"""Hostile addresses: odd path segments and query strings on every public URL never give a server error.

The patterns come from trials/urls.py itself, so a new page is covered as soon as it is added. Django's
test client re-raises a view's exception, so a crash fails the test as surely as a 500 does.
"""

import re
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trials import choices, workflow
from trials import urls as trial_urls
from trials.models import Condition, Investigator, Sponsor, Trial

from .conftest import SAMPLE_DIR, import_paths

pytestmark = pytest.mark.django_db

# A few varied records: the seed, many sites, many sponsors and officials, posted results, a dozen conditions.
SAMPLES = ["NCT07107204", "NCT06323538", "NCT02210780", "NCT03607838", "NCT00000410", "NCT01367860", "NCT02576665"]
DRAFT = "NCT00000410"  # taken off the public site: staff see it, the public gets a 404
REVISED = "NCT06323538"  # has a pending revision: staff see it with ?preview

# Every public pattern of the app, plus the project's own public URLs (sitemap, health check, language switch).
PATTERNS = [str(pattern.pattern) for pattern in trial_urls.urlpatterns] + ["sitemap.xml", "healthz", "i18n/setlang/"]
CONVERTER_RE = re.compile(r"<(?:(\w+):)?(\w+)>")

NEAR_MISSES = [
    "nct07107204",
    "NCT0710720",
    "NCT071072040",
    " NCT07107204 ",
    "NCT 07107204",
    "nct7107204",
    "nct410",
    "NCT07107204\x00",
    "NCT00000000",
    "NCT99999999",
    "ＮＣＴ０７１０７２０４",  # full-width letters and digits
    "NCT٠٧١٠٧٢٠٤",  # Arabic-Indic digits
    "NCT07107204.json",
    "biotroy-therapeutics-",
    "leukemia\x00",
    "0",
    "-1",
    "007",
    "1e400",
    "9" * 30,
    "9" * 400,
    "9" * 5000,  # more digits than Python turns into an int
    "x" * 5000,
    "..",
    "../",
    "../../etc/passwd",
    "%00",
    "%",
    "%zz",
    "\x00",
    "\r\n",
    "\u202e",
    "😀",
    "<script>alert(1)</script>",
    "'; DROP TABLE trials_trial; --",
]
HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "1e400",
    "-1e400",
    "NaN",
    "inf",
    "-1",
    "-0",
    "0",
    "9" * 400,
    "99999999999999999999",
    "2025-13-45",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2025-02-30",
    "2025",
    "2025-09",
    "x" * 5000,
    "%00",
    "'",
    '"',
    '"unclosed',
    "OR",
    "-",
    "NOT AND OR",
    "*",
    "NEAR(",
    "a:b",
    "<script>alert(1)</script>",
    "Lyon",
    "Paris, Texas",
    "France",
    "Lyon\x00",
    "ＮＣＴ０７１０７２０４",
    "nct07107204",
    "😀",
]
SEARCH_PARAMETERS = [
    "q",
    "status",
    "phase",
    "study_type",
    "condition",
    "intervention_type",
    "sponsor",
    "sponsor_class",
    "sex",
    "age",
    "healthy_volunteers",
    "country",
    "has_results",
    "start_from",
    "start_to",
    "updated_since",
    "sort",
    "page",
]
OTHER_PARAMETERS = ["near", "distance", "from", "to", "preview", "next", "language", "format", "o", "p", "callback"]
ENUM_VALUES = [
    *choices.Status.values,
    *choices.Phase.values,
    *choices.StudyType.values,
    *choices.InterventionType.values,
    *choices.AgencyClass.values,
    *choices.Sex.values,
    "true",
    "false",
    "relevance",
    "updated",
    "start",
    "enrollment",
    "title",
    "distance",
    "25",
    "500",
]


# The full-text search's own syntax (FTS5 on SQLite, tsquery on PostgreSQL), in any order.
SEARCH_SYNTAX = st.lists(
    st.sampled_from(['"', "'", "*", "^", "(", ")", ":", "-", "+", "{", "}", "NEAR", "AND", "OR", "NOT", "a", " "]),
    max_size=12,
).map("".join)


class Portal:
    """The real ids of the imported samples, and a client logged in as staff."""

    def __init__(self, staff_client):
        self.staff_client = staff_client
        self.nct_ids = list(Trial.objects.values_list("nct_id", flat=True).distinct())
        self.slugs = list(Sponsor.objects.values_list("slug", flat=True)) + list(
            Condition.objects.values_list("slug", flat=True)
        )
        self.investigators = [str(pk) for pk in Investigator.objects.values_list("pk", flat=True)]

    def real_ids(self, converter):
        """Ids that exist, for a pattern's <str:nct_id>, <slug:slug> or <int:pk>."""
        return st.sampled_from({"str": self.nct_ids, "slug": self.slugs, "int": self.investigators}[converter])


@pytest.fixture(autouse=True)
def language_restored():
    """Requests here switch the active language (Accept-Language, the language switcher): put it back after."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def portal(django_user_model):
    assert import_paths(*(SAMPLE_DIR / f"{nct_id}.json" for nct_id in SAMPLES)).failures == []
    staff = django_user_model.objects.create_user("reader", is_staff=True)
    staff.groups.add(Group.objects.get(name="Trial readers"))
    assert staff.has_perm("trials.view_trial")
    assert workflow.unpublish(Trial.objects.get(nct_id=DRAFT), staff)
    workflow.start_revision(Trial.objects.get(nct_id=REVISED), staff)
    staff_client = Client()
    staff_client.force_login(staff)
    return Portal(staff_client)


def segments(portal):
    """Path segments: real ids, their near misses, unicode, NUL, very long text, "../" and random text."""
    return st.one_of(
        st.sampled_from(portal.nct_ids + portal.slugs + portal.investigators),
        st.sampled_from(NEAR_MISSES),
        st.from_regex(r"[Nn][Cc][Tt] ?0{0,4}[0-9]{1,9}", fullmatch=True),
        st.integers().map(str),
        st.text(max_size=40),
    )


def fill(pattern, choose, draw):
    """The pattern with each <converter:name> replaced by a segment drawn from choose(converter).

    Segments are percent-encoded, or sometimes sent raw (unless they hold a "/").
    """

    def replace(match):
        segment = draw(choose(match[1]))
        return segment if draw(st.booleans()) and "/" not in segment else quote(segment, safe="")

    return "/" + CONVERTER_RE.sub(replace, pattern)


def parameters(portal):
    names = st.one_of(
        st.sampled_from(SEARCH_PARAMETERS + OTHER_PARAMETERS),
        st.text(min_size=1, max_size=15),
    )
    values = st.one_of(
        st.sampled_from(ENUM_VALUES + HOSTILE_VALUES),
        st.sampled_from(portal.nct_ids + portal.slugs),
        SEARCH_SYNTAX,
        st.text(max_size=60),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.dates().map(lambda day: day.isoformat()),
    )
    return st.lists(st.tuples(names, values), max_size=8)  # repeated keys included


# Raw query text as a browser or a bot might send it: invalid percent escapes, stray separators, bytes.
RAW_QUERIES = st.text(max_size=60).map(lambda text: quote(text, safe="=&%+;,/?:@"))


def get(client, url, query="", headers=None):
    """GET url?query, reading a streamed body to the end (an export fails while streaming, not before)."""
    response = client.get(f"{url}?{query}" if query else url, headers=headers)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


def assert_no_server_error(response, url):
    """No 500, and markup typed into the address never comes back as markup (no sample contains it)."""
    assert response.status_code < 500, f"{response.status_code} for {url!r}"
    assert b"<script>alert(1)" not in response.body, f"markup from the address echoed by {url!r}"


HYPOTHESIS = settings(
    max_examples=120,
    deadline=None,
    database=None,  # nothing written under .hypothesis/
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_every_public_pattern_has_values_for_its_parts():
    """The patterns are read from trials/urls.py; each part of them is one of the converters drawn here."""
    assert len(PATTERNS) >= 21
    for pattern in PATTERNS:
        for converter, _name in CONVERTER_RE.findall(pattern):
            assert converter in ("str", "slug", "int"), pattern


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if CONVERTER_RE.search(p)])
def test_near_miss_ids_in_the_path_never_give_a_server_error(client, portal, pattern):
    """Each listed near miss, for the public and for staff, on every pattern that takes an id."""
    for segment in NEAR_MISSES:
        for raw in (False, True):
            if raw and "/" in segment:
                continue
            part = segment if raw else quote(segment, safe="")
            url = "/" + CONVERTER_RE.sub(lambda _match, part=part: part, pattern)
            for user_client in (client, portal.staff_client):
                assert_no_server_error(get(user_client, url), url)


@HYPOTHESIS
@given(data=st.data())
def test_random_paths_never_give_a_server_error(client, portal, data):
    """Real ids, near misses and random text in the path of every pattern that takes an id."""
    pattern = data.draw(st.sampled_from([p for p in PATTERNS if CONVERTER_RE.search(p)]))
    url = fill(pattern, lambda _converter: segments(portal), data.draw)
    query = urlencode(data.draw(parameters(portal)))
    user_client = portal.staff_client if data.draw(st.booleans()) else client
    assert_no_server_error(get(user_client, url, query), url)


@HYPOTHESIS
@given(data=st.data())
def test_random_query_parameters_never_give_a_server_error(client, portal, data):
    """Search parameters and others, repeated, with odd values, on every public URL (real ids in the path)."""
    pattern = data.draw(st.sampled_from(PATTERNS))
    url = fill(pattern, portal.real_ids, data.draw)
    query = urlencode(data.draw(parameters(portal)))
    if data.draw(st.booleans()):
        query = "&".join(filter(None, [query, data.draw(RAW_QUERIES)]))
    user_client = portal.staff_client if data.draw(st.booleans()) else client
    language = data.draw(st.one_of(st.sampled_from(["zh-Hans,en;q=0.5", "*", "xx-YY", "en;q=1e400"]), st.text()))
    assert_no_server_error(get(user_client, url, query, {"Accept-Language": language}), f"{url}?{query}")


@HYPOTHESIS
@given(data=st.data())
def test_the_search_page_and_its_exports_take_any_search_parameters(client, portal, data):
    """The search, its CSV, JSON and RSS: the pages where every parameter is read."""
    url = data.draw(st.sampled_from(["/trials/", "/trials/export.csv", "/trials/export.json", "/trials/feed/"]))
    query = urlencode(data.draw(parameters(portal)))
    user_client = portal.staff_client if data.draw(st.booleans()) else client
    assert_no_server_error(get(user_client, url, query), f"{url}?{query}")


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    language=st.one_of(st.sampled_from(["en", "zh-hans", "zh_Hans", "xx", "", "\x00", "en\x00"]), st.text(max_size=20)),
    next_url=st.one_of(
        st.sampled_from(["/", "//evil.example", "https://evil.example/", "javascript:alert(1)", "/trials/?q=\x00"]),
        st.text(max_size=40),
    ),
)
def test_the_language_switcher_takes_any_language_and_next_address(client, db, language, next_url):
    """Any language code and "next" address: a redirect to this site, never an error or another site."""
    for response in (
        client.post("/i18n/setlang/", {"language": language, "next": next_url}),
        client.get("/i18n/setlang/", {"language": language, "next": next_url}),
    ):
        assert response.status_code < 500
        location = response.get("Location", "")
        assert "evil.example" not in location and not location.lower().startswith("javascript:")
