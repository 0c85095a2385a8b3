"""Record pages: one page per section under the same header, the full record, JSON-LD and redirects."""

import json
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from trials.choices import RelatedReason
from trials.eligibility import unescape_markdown
from trials.identifiers import canonical_nct_id
from trials.models import Trial

from .conftest import SAMPLE_DIR, SEED_PATH, import_paths, load_json
from .factories import many_of_each
from .seed_page import SeedPage

pytestmark = pytest.mark.django_db

SECTIONS = ["", "design/", "groups/", "eligibility/", "contacts/", "history/", "full/"]


def shown(text):
    """How registry text reads on a page: markdown escapes removed, HTML-escaped."""
    return escape(unescape_markdown(text))


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def list_items(page):
    """The text of every <li> of the page's criteria lists, in order."""
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)(?=<li>|</li>|<ol)", page, re.S)]


def test_every_seed_fact_is_on_its_section_page(client, seed_trial):
    seed = SeedPage()
    url = "/trials/NCT07107204/"
    conditions = ["Relapsed or Refractory Hematologic Malignancies", "Leukemia", "Lymphoma", "Multiple Myeloma (MM)"]
    assert " ".join(conditions) == seed.after("Conditions", 2)
    header = [
        seed.lines[0],
        "NCT07107204",
        "Not yet recruiting",
        "Phase 1/Phase 2",
        "116 participants (estimated)",
        "Interventional",
        "31 October 2025 (estimated)",
        "30 April 2028 (estimated)",
        "17 September 2025",
    ]
    facts = {
        "": ["Results pending", seed.after("Brief Summary", 2), *conditions],
        "design/": ["Not applicable", "Sequential", "Treatment", "None (open label)", "BT02", "Drug"]
        + [seed.after("Interventions", 3)],
        "groups/": [seed.after("Study Groups", 2), "Experimental", 'Drug: <span lang="en">BT02</span>'],
        "eligibility/": ["18 to 70 years", "All", "No", "Adult (18–64)"],
        "contacts/": [
            "Biotroy Therapeutics",
            "Industry",
            "Sponsor",
            "Ying Wang, MD",
            "Principal investigator",
            seed.after("Principal Investigators", 4),
            "Clinical development director",
            'href="tel:+86-18602185973"',
            "BT02-201",
        ],
    }
    for section, expected in facts.items():
        page = get_page(client, url + section)
        for fact in header + expected:
            assert escape(fact) in page or fact in page, (section, fact)
    eligibility = get_page(client, url + "eligibility/")
    items = list_items(eligibility[eligibility.index("Inclusion criteria") :])
    assert items[:27] == [
        escape(i) for i in seed.numbered_items("Inclusion Criteria") + seed.numbered_items("Exclusion Criteria")
    ]
    assert eligibility.index("Inclusion criteria") < eligibility.index("Exclusion criteria")


def test_every_sample_record_shows_its_facts_on_its_section_pages(client):
    assert import_paths(SAMPLE_DIR).failures == []
    for trial in Trial.objects.for_section("full"):
        pages = {section: get_page(client, f"/trials/{trial.nct_id}/{section}") for section in SECTIONS}
        for section, page in pages.items():
            assert shown(trial.brief_title) in page, (trial.nct_id, section)
            assert trial.get_overall_status_display() in page, (trial.nct_id, section)
            assert "\\<" not in page, (trial.nct_id, section)
        for arm in trial.arm_groups.all():
            assert shown(arm.label) in pages["groups/"], (trial.nct_id, arm.label)
        for intervention in trial.interventions.all():
            assert shown(intervention.name) in pages["design/"], (trial.nct_id, intervention.name)
            assert shown(intervention.name) in pages["groups/"], (trial.nct_id, intervention.name)
        for condition in trial.ordered_conditions:
            assert shown(condition.name) in pages[""], (trial.nct_id, condition.name)
        assert shown(trial.lead_sponsor.name) in pages["contacts/"], trial.nct_id
        for official in trial.officials.all():
            assert shown(official.investigator.name) in pages["contacts/"], (trial.nct_id, official)


@pytest.mark.parametrize("section", SECTIONS)
def test_section_pages_run_a_fixed_number_of_queries(client, section, django_assert_num_queries, write_json):
    # Budgets: the trial with its sponsors and short lists (conditions, keywords, outcomes, references,
    # related trials: RECORD_LISTS in trials/models/record_lists.py), which also gives the page its ETag, and on
    # the overview, what its "at a glance" box shows (interventions, central contacts, sites per country: GLANCE_LISTS,
    # SITES_PER_COUNTRY; a search near a place adds a query or two, tests/test_glance.py), then one query per other
    # table the section reads: design: interventions, their groups; groups: groups,
    # interventions, their groups; eligibility: criteria; contacts: collaborators, officials, central
    # contacts, sites, site contacts, identifiers; history: published versions; full: all of these.
    budgets = {"": 1, "design/": 3, "groups/": 4, "eligibility/": 2, "contacts/": 7, "history/": 2, "full/": 11}
    import_paths(SAMPLE_DIR)
    counts = []
    for count in (2, 12):
        study = many_of_each(count)
        study["protocolSection"]["identificationModule"]["nctId"] = f"NCT0000{count:04d}"
        import_paths(write_json(f"many-{count}.json", study))
        with django_assert_num_queries(budgets[section]) as captured:
            assert client.get(f"/trials/NCT0000{count:04d}/{section}").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 13 or section == "full/"


def test_every_sample_overview_reads_one_query(client, all_samples, django_assert_num_queries):
    """The overview reads only some columns of the trial row (OVERVIEW_FIELDS): a field its templates show
    but the list misses would cost a query of its own on one of these varied records."""
    for nct_id in Trial.objects.values_list("nct_id", flat=True):
        with django_assert_num_queries(1):
            assert client.get(f"/trials/{nct_id}/").status_code == 200


def test_the_tabs_link_each_section_and_the_full_record(client, seed_trial):
    page = client.get(f"/trials/{seed_trial.nct_id}/design/").content.decode()
    tabs = re.search(r'<nav class="tabs".*?</nav>', page, re.S)[0]
    names = ["detail", "design", "groups", "eligibility", "contacts", "history", "full"]
    assert re.findall(r'href="([^"]+)"', tabs) == [
        reverse(f"trials:{name}", args=[seed_trial.nct_id]) for name in names
    ]


def script_payload(title):
    return f"{title} </script><script>alert(1)</script>"


def test_html_in_titles_and_summaries_is_text_everywhere_including_the_json_ld(client, seed_trial):
    title = script_payload("Trial")
    Trial.objects.filter(pk=seed_trial.pk).update(brief_title=title, brief_summary=script_payload("Summary"))
    for section in SECTIONS:
        page = get_page(client, f"/trials/NCT07107204/{section}")
        assert "<script>alert(1)</script>" not in page, section
        assert escape(title) in page, section
        (json_ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        data = json.loads(json_ld)
        assert data["name"] == title and data["description"].startswith("Summary </script>")


def test_record_pages_describe_themselves_for_search_engines_and_sharing(client, seed_trial):
    page = get_page(client, "/trials/NCT07107204/eligibility/")
    assert '<link rel="canonical" href="http://testserver/trials/NCT07107204/eligibility/">' in page
    assert '<meta name="description" content="The goal of this clinical trial is to learn about the safety' in page
    assert '<meta property="og:title" content="A Clinical Study of BT02' in page
    (json_ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(json_ld)
    assert data["@type"] == "MedicalTrial" and data["identifier"] == "NCT07107204"
    assert data["status"] == "https://schema.org/NotYetRecruiting" and data["phase"] == "Phase 1/Phase 2"
    assert [c["name"] for c in data["healthCondition"]][1:3] == ["Leukemia", "Lymphoma"]
    assert data["sponsor"]["name"] == "Biotroy Therapeutics"


def test_the_current_tab_is_marked_for_assistive_technology(client, seed_trial):
    page = get_page(client, "/trials/NCT07107204/groups/")
    assert page.count('aria-current="page"') == 1
    assert '<a href="/trials/NCT07107204/groups/" aria-current="page">Groups</a>' in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/trials/nct07107204/", "/trials/NCT07107204/"),
        ("/trials/NCT7107204/design/", "/trials/NCT07107204/design/"),
        ("/trials/nct007107204/eligibility/", "/trials/NCT07107204/eligibility/"),
        ("/trials/Nct07107204/full/", "/trials/NCT07107204/full/"),
        ("/trials/nct07107204.json", "/trials/NCT07107204.json"),
    ],
)
def test_lower_case_and_padded_ids_redirect_to_the_canonical_url(client, seed_trial, url, target):
    response = client.get(url)
    assert response.status_code == 301 and response["Location"] == target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NCT07107204", "NCT07107204"),
        (" nct 7107204 ", "NCT07107204"),
        ("NCT0007107204", "NCT07107204"),
        ("7107204", None),
    ],
)
def test_canonical_nct_id(text, expected):
    assert canonical_nct_id(text) == expected


@pytest.mark.parametrize("url", ["/trials/NCT99999999/", "/trials/NCT99999999/groups/", "/trials/not-a-trial/"])
def test_an_unknown_trial_is_a_helpful_404_with_a_search_box(client, seed_trial, url):
    response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and 'role="search"' in page and 'name="q"' in page


def test_the_groups_page_shows_who_receives_what_when_there_are_several(client, write_json):
    import_paths(write_json("many.json", many_of_each(3)))
    page = get_page(client, "/trials/NCT07107204/groups/")
    table = page[page.index('<table class="matrix">') :]
    rows = re.findall(r"<tr><th scope=\"row\" lang=\"en\">(.*?)</th>(.*?)</tr>", table, re.S)
    assert [label for label, _ in rows] == ["Group 0", "Group 1", "Group 2"]
    # Drug 0 goes to groups 0 and 1, Drug 1 to 1 and 2, Drug 2 to 2 and 0
    assert [[("Yes" in cell) for cell in re.findall(r"<td>(.*?)</td>", cells)] for _, cells in rows] == [
        [True, False, True],
        [True, True, False],
        [False, True, True],
    ]


def test_the_seed_groups_page_has_no_matrix_for_one_group_and_one_intervention(client, seed_trial):
    assert '<table class="matrix">' not in get_page(client, "/trials/NCT07107204/groups/")


def test_nested_criteria_are_nested_lists(client, write_json):
    import_paths(write_json("many.json", many_of_each(2)))
    page = get_page(client, "/trials/NCT07107204/eligibility/")
    criteria = '<ol class="criteria" lang="en"><li>item 0<ol class="criteria" lang="en"><li>sub-item 0</li></ol></li>'
    assert criteria + "<li>item 1" in page


def test_contacts_link_sponsors_investigators_phones_and_known_registries(client, write_json, seed_study):
    seed_study["protocolSection"]["identificationModule"]["secondaryIdInfos"] = [
        {"id": "2023-000123-45", "type": "EUDRACT_NUMBER"},
        {"id": "ISRCTN12345678", "type": "REGISTRY", "domain": "ISRCTN"},
        {"id": "ChiCTR2300071234", "type": "REGISTRY"},
        {"id": "LOCAL-1", "type": "OTHER"},
    ]
    seed_study["protocolSection"]["contactsLocationsModule"]["centralContacts"][0]["email"] = "trials@example.org"
    import_paths(write_json("seed.json", seed_study))
    page = get_page(client, "/trials/NCT07107204/contacts/")
    trial = Trial.objects.get(nct_id="NCT07107204")
    official = trial.officials.get()
    assert f'href="{trial.lead_sponsor.get_absolute_url()}"' in page
    assert f'href="{official.investigator.get_absolute_url()}"' in page
    assert 'href="tel:+86-18602185973"' in page and 'href="mailto:trials@example.org"' in page
    assert 'href="https://www.clinicaltrialsregister.eu/ctr-search/search?query=2023-000123-45"' in page
    assert 'href="https://www.isrctn.com/ISRCTN12345678"' in page
    assert 'href="https://www.chictr.org.cn/searchprojEN.html?regno=ChiCTR2300071234"' in page
    assert "LOCAL-1</dd>" in page


def test_sites_are_grouped_by_country(client):
    import_paths(SAMPLE_DIR / "NCT02210780.json")  # 42 sites
    trial = Trial.objects.get(nct_id="NCT02210780")
    page = get_page(client, "/trials/NCT02210780/contacts/")
    countries = sorted({site.country for site in trial.locations.all()})
    positions = [page.index(f'<h3><span lang="en">{escape(country)}</span> ') for country in countries]
    assert positions == sorted(positions)
    sites = page[page.index('id="locations-heading"') : page.index('id="identifiers-heading"')]
    assert sites.count("<li>") == trial.locations.count()  # these sites list no contacts


def test_posted_results_list_their_outcome_measures(client):
    import_paths(SAMPLE_DIR / "NCT02210780.json")
    trial = Trial.objects.get(nct_id="NCT02210780")
    page = get_page(client, "/trials/NCT02210780/")
    assert "Results posted." in page
    assert trial.posted_result_measures and all(shown(m) in page for m in trial.posted_result_measures)


def test_the_full_record_has_every_section_and_a_print_stylesheet(client, seed_trial):
    page = get_page(client, "/trials/NCT07107204/full/")
    for heading in ["Study results", "Study design", "Study groups", "Who can take part", "Sponsors", "Record history"]:
        assert f">{heading}</h2>" in page, heading
    css = (SAMPLE_DIR.parent.parent / "static" / "css" / "portal.css").read_text()
    assert "@media print" in css and 'content: " (" attr(href) ")"' in css


def test_the_json_is_the_registry_record(client, seed_trial):
    response = client.get("/trials/NCT07107204.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == load_json(SEED_PATH)


def test_related_trials_show_reason_status_and_phase(client):
    import_paths(SAMPLE_DIR)
    trial = Trial.objects.get(nct_id="NCT00000410")
    links = list(trial.related_links.select_related("related"))
    assert 1 <= len(links) <= 5
    page = get_page(client, "/trials/NCT00000410/")
    for link in links:
        reason = RelatedReason(link.reason_kind).label % {
            "value": f'<span lang="en">{escape(link.reason_value)}</span>'
        }
        assert link.related.nct_id in page and reason in page
        assert link.related.get_overall_status_display() in page
