"""Hostile record text for the tests: XSS payloads, the seed enriched so every text field is filled, the payloads
put into every free-text value (enum values, dates and ages stay valid so the import succeeds), and readers of
what a page or download shows. Used by tests/test_hostile_text.py (public pages) and test_hostile_admin.py.
"""

import re

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


def body(response):
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def assert_no_raw_markup(page, url, markers=RAW_MARKUP):
    """No marker is markup: a tag's start anywhere, an attribute inside a tag (escaped text may show either)."""
    lowered = page.lower()
    for markup in markers:
        pattern = re.escape(markup) if markup.startswith("<") else r"<[a-z][^<>]*" + re.escape(markup)
        assert not re.search(pattern, lowered), f"{markup!r} unescaped in {url}"


def json_ld(page):
    """The JSON-LD block's text (exactly one per record page)."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 1
    return blocks[0]
