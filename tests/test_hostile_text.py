"""Hostile record text: markup in any text field is shown as text on every page and kept as data in exports.

The seed record gets XSS payloads appended to every free-text value (enum values, dates and ages stay valid
so the import succeeds), then every page that shows it is read: the record's sections, its JSON, the search,
the directories, home, the feed, the exports and the admin. CSV cells that a spreadsheet would run as a
formula are neutralised with a leading quote; the JSON export keeps the text as it is.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.conf import settings
from django.utils.html import escape

from trials import workflow
from trials.models import Investigator, Location, Trial

from .conftest import import_paths

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</script><script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "[link](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    "\\<script>alert(1)\\</script>",
    "'-alert(1)-'",
]
PAYLOAD = " ".join(PAYLOADS)
# Fields the database holds in 50 to 200 characters (PostgreSQL refuses more): they get the first payload only.
SHORT_FIELDS = {"id", "acronym", "phone", "phoneExt", "city", "state", "zip", "country", "targetDuration"}
# What must never reach a page as markup (compared in lower case).
RAW_MARKUP = [
    "<script>alert(1)",
    "<img src=x",
    "<svg onload",
    'href="javascript:',
    "href='javascript:",
    "href=javascript:",
    'src="javascript:',
]
# In XML text a quote needs no escaping: there only a "<" would start markup.
RAW_TAGS = [markup for markup in RAW_MARKUP if markup.startswith("<")]
# How the title's payload reads once escaped: proof the page shows the text, not nothing.
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Keys whose values are registry enums, dates, ids, ages or numbers: kept valid so the record imports.
KEEP = {
    "pmid",  # 20 characters in the database; its link is built with urlencode
    "nctId",
    "class",
    "type",
    "role",
    "status",
    "overallStatus",
    "lastKnownStatus",
    "studyType",
    "phases",
    "allocation",
    "interventionModel",
    "primaryPurpose",
    "observationalModel",
    "timePerspective",
    "masking",
    "whoMasked",
    "retention",
    "sex",
    "stdAges",
    "samplingMethod",
    "date",
    "statusVerifiedDate",
    "studyFirstSubmitDate",
    "lastUpdateSubmitDate",
    "minimumAge",
    "maximumAge",
    "link",
}
NCT_ID = "NCT07107204"
SIBLING = "NCT07107205"  # shares the seed's conditions and sponsor: each is the other's related trial
CRITERION_ITEM_RE = re.compile(r"^\s*(\d+\.|[-*•])\s")
FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def enrich(study):
    """The seed with the text fields it lacks filled in, so every kind of text is on some page."""
    protocol = study["protocolSection"]
    identification = protocol["identificationModule"]
    identification["officialTitle"] = "An Open-label Phase 1/2 Study of BT02 in Hematologic Malignancies"
    identification["acronym"] = "BT02-OL"
    identification["orgStudyIdInfo"]["link"] = "javascript:alert(1)"
    identification["secondaryIdInfos"] = [
        {"id": "BT-2025-01", "type": "OTHER", "domain": "Biotroy internal", "link": "javascript:alert(1)"},
        {"id": "CTR20250001", "type": "REGISTRY", "domain": "China Drug Trials Registry"},
    ]
    status = protocol["statusModule"]
    status["whyStopped"] = "Sponsor decision"
    sponsors = protocol["sponsorCollaboratorsModule"]
    sponsors["collaborators"] = [{"name": "Institute of Hematology", "class": "OTHER"}]
    sponsors["responsibleParty"] = {
        "type": "PRINCIPAL_INVESTIGATOR",
        "investigatorFullName": "Ying Wang",
        "investigatorTitle": "Professor",
        "investigatorAffiliation": "Blood Diseases Hospital",
        "oldNameTitle": "Ying Wang, Professor",
        "oldOrganization": "Blood Diseases Hospital",
    }
    protocol["descriptionModule"]["detailedDescription"] = "BT02 is an antibody.\n\n- Part A: escalation\n- Part B"
    protocol["conditionsModule"]["keywords"] = ["antibody", "CD47"]
    design = protocol["designModule"]
    design["designInfo"]["interventionModelDescription"] = "Escalation, then expansion"
    design["designInfo"]["maskingInfo"]["maskingDescription"] = "Open label"
    design["targetDuration"] = "2 Years"
    design["bioSpec"] = {"retention": "SAMPLES_WITHOUT_DNA", "description": "Blood samples"}
    arms = protocol["armsInterventionsModule"]
    arms["armGroups"][0]["description"] = "BT02 every 2 or 3 weeks"
    arms["interventions"][0]["otherNames"] = ["BT-02"]
    protocol["outcomesModule"] = {
        "primaryOutcomes": [{"measure": "Adverse events", "description": "Count of **events**", "timeFrame": "1 year"}],
        "secondaryOutcomes": [{"measure": "Response rate", "description": "Overall response", "timeFrame": "2 years"}],
    }
    eligibility = protocol["eligibilityModule"]
    eligibility["genderBased"] = True
    eligibility["genderDescription"] = "Any gender"
    eligibility["studyPopulation"] = "Adults with blood cancers"
    contacts = protocol["contactsLocationsModule"]
    contacts["centralContacts"][0].update(email="bt02@example.com", phoneExt="12")
    contacts["locations"] = [
        {
            "facility": "Blood Diseases Hospital",
            "status": "NOT_YET_RECRUITING",
            "city": "Tianjin",
            "state": "Tianjin",
            "zip": "300020",
            "country": "China",
            "contacts": [
                {"name": "Site nurse", "role": "CONTACT", "phone": "+86 22 2390 9000", "email": "x@example.com"}
            ],
        }
    ]
    protocol["referencesModule"] = {
        "references": [{"pmid": "12345678", "type": "BACKGROUND", "citation": "Wang Y. BT02 in mice. 2024."}]
    }
    study["resultsSection"] = {"outcomeMeasuresModule": {"outcomeMeasures": [{"title": "Adverse events"}]}}
    return study


def with_payload(text, payload=PAYLOAD):
    """Text with the payloads after it; in a list of criteria, after each item as well."""
    if "\n" in text:
        text = "\n".join(f"{line} {payload}" if CRITERION_ITEM_RE.match(line) else line for line in text.split("\n"))
    return f"{text} {payload}"


def poison(data, key=None):
    """A copy of API v2 JSON with every free-text string given the payloads (the same text, the same result)."""
    if isinstance(data, dict):
        return {k: poison(v, k) for k, v in data.items()}
    if isinstance(data, list):
        return [poison(item, key) for item in data]
    if isinstance(data, str) and key not in KEEP:
        return with_payload(data, PAYLOADS[0] if key in SHORT_FIELDS else PAYLOAD)
    return data


def strings(data):
    if isinstance(data, dict):
        return [text for value in data.values() for text in strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings(value)]
    return [data] if isinstance(data, str) else []


@pytest.fixture
def hostile(seed_study, write_json):
    """The seed imported clean, then again with payloads everywhere (so its history shows them), and a sibling."""
    clean = enrich(seed_study)
    assert import_paths(write_json("clean.json", clean)).failures == []
    study = poison(clean)
    sibling = json.loads(json.dumps(study))
    sibling["protocolSection"]["identificationModule"]["nctId"] = SIBLING
    sibling["protocolSection"]["identificationModule"]["orgStudyIdInfo"]["id"] = "BT02-202"
    result = import_paths(write_json("hostile.json", study), write_json("sibling.json", sibling))
    assert result.failures == []
    return study


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password=None))
    return client


def body(response):
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def assert_no_raw_markup(page, url, markers=RAW_MARKUP):
    lowered = page.lower()
    for markup in markers:
        assert markup not in lowered, f"{markup!r} unescaped in {url}"


def json_ld(page):
    """The JSON-LD block's text (exactly one per record page)."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 1
    return blocks[0]


RECORD_PAGES = ["", "design/", "groups/", "eligibility/", "eligibility/checklist/", "contacts/", "history/", "full/"]


@pytest.mark.parametrize("section", RECORD_PAGES)
def test_record_pages_show_payloads_as_text(client, hostile, section):
    url = f"/trials/{NCT_ID}/{section}"
    page = body(client.get(url))
    assert_no_raw_markup(page, url)
    assert ESCAPED in page  # the title, at least, is there and reads as typed


def test_each_record_section_shows_its_own_fields_escaped(client, hostile):
    """Spot checks that the text really is on the page where each field is shown: plain text escaped,
    markdown sanitised (its words kept, its markup dropped)."""
    trial = Trial.objects.get(nct_id=NCT_ID)
    intervention = trial.interventions.first()
    plain = {
        "": [trial.ordered_conditions[0].name, trial.keywords.first().term, trial.references.first().citation],
        "design/": [intervention.name, intervention.other_names[0], trial.target_duration],
        "groups/": [trial.arm_groups.first().label],
        "eligibility/": [trial.criteria.first().text],
        "contacts/": [
            trial.lead_sponsor.name,
            trial.central_contacts.first().name,
            trial.locations.first().facility,
            trial.officials.first().investigator.affiliation,
        ],
    }
    markdown = {
        "": ["The goal of this clinical trial", "BT02 is an antibody.", "Part A: escalation"],
        "design/": ["Open label", "Escalation, then expansion", "Blood samples"],
        "groups/": ["BT02 every 2 or 3 weeks"],
    }
    for section, texts in plain.items():
        page = body(client.get(f"/trials/{NCT_ID}/{section}"))
        for text in texts:
            assert PAYLOADS[0] in text
            unescaped = text.replace("\\<", "<")  # how a registry escape reads where the page removes it
            assert escape(unescaped) in page or escape(text) in page, (section, text[:40])
    for section, texts in markdown.items():
        page = body(client.get(f"/trials/{NCT_ID}/{section}"))
        for text in texts:
            assert text in page, (section, text)


def test_the_history_page_shows_the_changed_text_escaped(client, hostile):
    """The clean import, then the one with payloads: the difference lists the new texts."""
    trial = Trial.objects.get(nct_id=NCT_ID)
    page = body(client.get(f"/trials/{NCT_ID}/history/", {"from": 1, "to": 2}))
    assert_no_raw_markup(page, "history")
    assert f"<ins>{escape(trial.brief_title)}</ins>" in page
    assert f"<ins>{escape(trial.locations.first().city)}</ins>" in page


@pytest.mark.parametrize("section", ["", "contacts/", "full/"])
def test_the_json_ld_block_cannot_be_closed_and_keeps_the_text(client, hostile, section):
    page = body(client.get(f"/trials/{NCT_ID}/{section}"))
    text = json_ld(page)
    assert "<" not in text and ">" not in text
    data = json.loads(text)
    trial = Trial.objects.get(nct_id=NCT_ID)
    assert data["name"] == trial.brief_title and PAYLOAD in data["name"]
    assert data["alternateName"] == trial.official_title
    assert data["sponsor"]["name"] == trial.lead_sponsor.name
    assert [c["name"] for c in data["healthCondition"]] == [c.name for c in trial.ordered_conditions]
    assert data["description"] == trial.summary_text[:500]


def test_the_record_json_keeps_every_payload_as_data(client, hostile):
    response = client.get(f"/trials/{NCT_ID}.json")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"  # a browser never sniffs it as HTML
    exported = set(strings(json.loads(body(response))))
    poisoned = [text for text in strings(hostile) if PAYLOAD in text]
    assert len(poisoned) > 40
    assert [text for text in poisoned if text not in exported] == []


def test_search_results_and_filters_show_payloads_as_text(client, hostile):
    """Matches with their snippets, and the search's own words and filters shown back (reflected as typed)."""
    trial = Trial.objects.get(nct_id=NCT_ID)
    searches = [
        {"q": "BT02"},
        {"q": "alert onerror"},
        {"q": PAYLOAD},
        {name: PAYLOAD for name in ("condition", "sponsor", "country", "near", "sort", "status", "phase", "age")},
        {"condition": trial.ordered_conditions[0].name},
        {"sponsor": trial.lead_sponsor.name},
        {"country": trial.locations.first().country},
    ]
    for search in searches:
        page = body(client.get("/trials/", search))
        assert_no_raw_markup(page, f"/trials/ {search}")
        assert "&lt;script&gt;" in page, search
    page = body(client.get("/trials/", {"q": "BT02"}))
    assert f'href="/trials/{NCT_ID}/"' in page and ESCAPED in page


def test_directory_pages_show_payloads_as_text(client, hostile):
    trial = Trial.objects.get(nct_id=NCT_ID)
    investigator = Investigator.objects.get(officials__trial=trial)
    urls = [
        "/",
        "/conditions/",
        trial.ordered_conditions[0].get_absolute_url(),
        "/sponsors/",
        trial.lead_sponsor.get_absolute_url(),
        trial.ordered_collaborators[0].get_absolute_url(),
        investigator.get_absolute_url(),
    ]
    for url in urls:
        page = body(client.get(url))
        assert_no_raw_markup(page, url)
        assert "&lt;script&gt;" in page, url


def test_the_feed_carries_payloads_as_text(client, hostile):
    for search in ({}, {"q": f"BT02 {PAYLOAD}"}):
        page = body(client.get("/trials/feed/", search))
        assert_no_raw_markup(page, f"feed {search}", RAW_TAGS)
        items = ET.fromstring(page.encode()).find("channel").findall("item")
        # With the payload as search words, PostgreSQL's text search may match nothing: the echo is what counts.
        assert items or search
        for item in items:
            # A reader shows the description as HTML: once the XML is read, it must still be escaped.
            description = item.findtext("description")
            assert_no_raw_markup(description, f"feed {search}")
            assert "&lt;script&gt;" in description


def test_exports_keep_payloads_as_data(client, hostile):
    rows = list(csv.reader(io.StringIO(body(client.get("/trials/export.csv", {"q": "BT02"})))))
    titles = {row[0]: row[1] for row in rows[1:]}
    assert titles[NCT_ID] == Trial.objects.get(nct_id=NCT_ID).brief_title
    studies = json.loads(body(client.get("/trials/export.json", {"q": "BT02"})))["studies"]
    exported = {s["protocolSection"]["identificationModule"]["nctId"]: s for s in studies}
    assert set(strings(hostile)) <= set(strings(exported[NCT_ID]))


ADMIN = "/" + settings.ADMIN_URL


def test_admin_pages_show_payloads_as_text(superuser_client, hostile):
    """The trial's change page with its inlines (read-only, as it is published), its editable revision, history."""
    trial = Trial.objects.get(nct_id=NCT_ID)
    revision = workflow.start_revision(trial, None)
    location = Location.objects.get(trial=trial)
    sponsor, investigator = trial.lead_sponsor, Investigator.objects.get(officials__trial=trial)
    condition = trial.ordered_conditions[0]
    urls = [
        f"{ADMIN}trials/trial/?q=BT02",
        f"{ADMIN}trials/trial/?q={quote(PAYLOAD)}",  # the search words are shown back
        f"{ADMIN}trials/trial/{trial.pk}/change/",
        f"{ADMIN}trials/trial/{revision.pk}/change/",
        f"{ADMIN}trials/trial/{trial.pk}/history/",
        f"{ADMIN}trials/trial/{trial.pk}/delete/",
        f"{ADMIN}trials/location/{location.pk}/change/",
        f"{ADMIN}trials/location/?q=Tianjin",
        f"{ADMIN}trials/sponsor/?q=Biotroy",
        f"{ADMIN}trials/sponsor/{sponsor.pk}/change/",
        f"{ADMIN}trials/sponsor/{sponsor.pk}/delete/",
        f"{ADMIN}trials/investigator/?q=Wang",
        f"{ADMIN}trials/investigator/{investigator.pk}/change/",
        f"{ADMIN}trials/condition/?q=Leukemia",
        f"{ADMIN}trials/condition/{condition.pk}/change/",
    ]
    for url in urls:
        page = body(superuser_client.get(url))
        assert_no_raw_markup(page, url)
        assert "&lt;script&gt;" in page, url
    inline_texts = [
        trial.keywords.first().term,
        trial.arm_groups.first().label,
        trial.criteria.first().text,
        trial.locations.first().facility,
        trial.secondary_ids.first().domain,
        trial.references.first().citation,
        trial.outcomes.first().measure,
        trial.central_contacts.first().email,
        trial.officials.first().investigator.name,
    ]
    for change_page in (f"{ADMIN}trials/trial/{trial.pk}/change/", f"{ADMIN}trials/trial/{revision.pk}/change/"):
        page = body(superuser_client.get(change_page))
        for text in inline_texts:
            assert escape(text) in page, (change_page, text[:30])


def test_the_admin_merge_page_shows_sponsor_names_as_text(superuser_client, hostile):
    trial = Trial.objects.get(nct_id=NCT_ID)
    ids = [trial.lead_sponsor.pk, trial.ordered_collaborators[0].pk]
    response = superuser_client.post(f"{ADMIN}trials/sponsor/", {"action": "merge_selected", "_selected_action": ids})
    page = body(response)
    assert_no_raw_markup(page, "merge")
    assert "&lt;script&gt;" in page


# CSV formula injection


@pytest.mark.parametrize("title", FORMULAS)
def test_csv_cells_that_start_a_formula_are_neutralised(client, seed_study, write_json, title):
    seed_study["protocolSection"]["identificationModule"]["briefTitle"] = title
    seed_study["protocolSection"]["conditionsModule"]["conditions"] = ["-Leukemia", "Lymphoma"]
    seed_study["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"]["name"] = "@Biotroy"
    assert import_paths(write_json("formula.json", seed_study)).failures == []
    (header, row) = csv.reader(io.StringIO(body(client.get("/trials/export.csv"))))
    cells = dict(zip(header, row, strict=True))
    assert cells["Title"] == "'" + title
    assert cells["Conditions"] == "'-Leukemia; Lymphoma"
    assert cells["Lead sponsor"] == "'@Biotroy"
    assert cells["Enrollment"] == "116" and cells["Start date"] == "2025-10-31"  # our own values stay as they are
    studies = json.loads(body(client.get("/trials/export.json")))["studies"]
    assert studies[0]["protocolSection"]["identificationModule"]["briefTitle"] == title


def test_csv_cells_that_only_contain_formula_characters_later_are_unchanged(client, seed_study, write_json):
    seed_study["protocolSection"]["identificationModule"]["briefTitle"] = "BT02 = anti-CD47 + chemo @ 2 weeks"
    assert import_paths(write_json("plain.json", seed_study)).failures == []
    (header, row) = csv.reader(io.StringIO(body(client.get("/trials/export.csv"))))
    assert dict(zip(header, row, strict=True))["Title"] == "BT02 = anti-CD47 + chemo @ 2 weeks"
