"""The overview's "at a glance" box: status, who can join, the treatment, the lead sponsor, a contact and where,
each item linking to the tab with the details; and the nearest site for a search near a place."""

import html
import re

import pytest

from trials.choices import AgencyClass, InterventionType, Sex, Status

from .conftest import SAMPLE_DIR, SEED_PATH, import_paths, load_json
from .factories import many_of_each, sited_study

pytestmark = pytest.mark.django_db


def glance(client, url, **query):
    """The box's items as {term: (its text as read, its links)}, from the page at url."""
    response = client.get(url, query)
    assert response.status_code == 200, url
    box = re.search(r'<section class="glance".*?</section>', response.content.decode(), re.S)[0]
    items = {}
    for term, definition in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", box, re.S):
        inline = re.sub(r"</?span[^>]*>", "", definition)  # "<span lang="en">Berlin</span>," reads "Berlin,"
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())
        items[term] = (text, [html.unescape(href) for href in re.findall(r'href="([^"]*)"', definition)])
    return items


def test_the_seed_record_at_a_glance(client, seed_trial):
    protocol = load_json(SEED_PATH)["protocolSection"]
    eligibility = protocol["eligibilityModule"]
    (intervention,) = protocol["armsInterventionsModule"]["interventions"]
    contact = protocol["contactsLocationsModule"]["centralContacts"][0]
    sponsor = protocol["sponsorCollaboratorsModule"]["leadSponsor"]
    url = "/trials/NCT07107204/"
    items = glance(client, url)
    assert list(items) == ["Status", "Who can join", "Treatment", "Lead sponsor", "Contact", "Where"]

    status, links = items["Status"]
    assert status == f"{Status(protocol['statusModule']['overallStatus']).label} Record history"
    assert status.startswith("Not yet recruiting") and links == [url + "history/"]

    who, links = items["Who can join"]
    assert (eligibility["minimumAge"], eligibility["maximumAge"], eligibility["sex"]) == ("18 Years", "70 Years", "ALL")
    assert eligibility["healthyVolunteers"] is False
    assert who == "18 to 70 years All sexes No healthy volunteers Criteria and quick check"
    assert links == [url + "eligibility/"]

    treatment, links = items["Treatment"]
    assert treatment == f"{intervention['name']} ({InterventionType(intervention['type']).label}) Treatment details"
    assert treatment.startswith("BT02 (Drug)") and links == [url + "design/#interventions-heading"]

    lead, links = items["Lead sponsor"]
    assert lead == f"{sponsor['name']} ({AgencyClass(sponsor['class']).label}) Sponsors and investigators"
    assert lead.startswith("Biotroy Therapeutics (Industry)") and links == [url + "contacts/#sponsors-heading"]

    text, links = items["Contact"]
    assert "email" not in contact  # the seed's contact has a phone only
    assert text == f"{contact['name']} (Contact) {contact['phone']} All contacts"
    assert links == ["tel:+86-18602185973", url + "contacts/#central-contacts-heading"]

    where, links = items["Where"]
    assert "locations" not in protocol["contactsLocationsModule"]
    assert where == "The record lists no locations. All sites" and links == [url + "contacts/#locations-heading"]


def test_a_record_without_contacts_says_so_and_counts_its_sites_and_countries(client, db):
    assert import_paths(SAMPLE_DIR / "NCT06131398.json").failures == []
    protocol = load_json(SAMPLE_DIR / "NCT06131398.json")["protocolSection"]
    assert "centralContacts" not in protocol["contactsLocationsModule"]
    sites = protocol["contactsLocationsModule"]["locations"]
    url = "/trials/NCT06131398/"
    items = glance(client, url)

    text, links = items["Contact"]
    assert text == "The record names no central contact. Contacts & sites" and links == [url + "contacts/"]
    assert (len(sites), len({site["country"] for site in sites})) == (25, 11)
    assert items["Where"] == ("25 sites in 11 countries All sites", [url + "contacts/#locations-heading"])
    assert items["Treatment"][0] == "AMG 355 (Drug) Pembrolizumab (Drug) Treatment details"
    assert items["Who can join"][0] == "18 to 100 years All sexes No healthy volunteers Criteria and quick check"
    assert items["Lead sponsor"][0] == "Amgen (Industry) Sponsors and investigators"
    assert items["Status"][0] == "Completed Record history"


def test_an_email_a_few_countries_named_and_no_intervention(client, db):
    assert import_paths(SAMPLE_DIR / "NCT06323538.json").failures == []
    items = glance(client, "/trials/NCT06323538/")
    text, links = items["Contact"]
    assert text.startswith("Cornelia Weikert, Prof (Contact) +49 30 184155000 Cornelia.Weikert@bfr.bund.de")
    assert links[:2] == ["tel:+4930184155000", "mailto:Cornelia.Weikert@bfr.bund.de"]
    assert items["Where"][0] == "8 sites in 2 countries Germany, Austria All sites"  # most sites first
    assert items["Treatment"][0] == "None listed Treatment details"
    assert items["Who can join"][0] == "18 to 69 years All sexes (based on gender identity) Criteria and quick check"


def test_women_only_healthy_volunteers_and_more_interventions_than_shown(client, seed_study, write_json):
    study = many_of_each(5)
    study["protocolSection"]["eligibilityModule"] |= {"sex": Sex.FEMALE, "healthyVolunteers": True}
    assert import_paths(write_json("many.json", study)).failures == []
    items = glance(client, "/trials/NCT07107204/")
    assert items["Who can join"][0] == "18 to 70 years Women only Healthy volunteers accepted Criteria and quick check"
    assert items["Treatment"][0] == "Drug 0 (Drug) Drug 1 (Drug) Drug 2 (Drug) and 2 more Treatment details"


def test_the_overview_reads_one_query_and_a_search_near_a_place_one_or_two_more(client, django_assert_num_queries):
    # tests/test_records.py pins the overview's one query with 2 and with 12 interventions, sites and contacts
    assert import_paths(SAMPLE_DIR / "NCT06323538.json").failures == []
    url = "/trials/NCT06323538/"
    with django_assert_num_queries(1):  # the trial with its sponsor, short lists, and the box's lists and counts
        glance(client, url)
    with django_assert_num_queries(2):  # and the nearest recruiting site near the city (trials/nearby.py)
        glance(client, url, near="Berlin")
    with django_assert_num_queries(3):  # and before it, the names sites use for the country
        glance(client, url, near="Germany")
    with django_assert_num_queries(1):  # a place not found costs no query
        glance(client, url, near="Qqqqville")


# Near a place, as the search page reads it (?near=, ?distance=)


@pytest.fixture
def coplant(db):
    assert import_paths(SAMPLE_DIR / "NCT06323538.json").failures == []
    return "/trials/NCT06323538/"


def test_the_nearest_recruiting_site_to_a_city(client, coplant):
    text, links = glance(client, coplant, near="Berlin", distance="500")["Where"]
    assert "Nearest site: The German Federal Institut for Risk Assessment, Berlin, less than 10 km" in text
    assert links == [coplant + "contacts/?near=Berlin#locations-heading"]
    text, _ = glance(client, coplant, near="Jena")["Where"]
    assert "Nearest site: Friedrich-Schiller University, Jena, less than 10 km" in text


def test_no_open_site_near_the_place(client, coplant):
    text, links = glance(client, coplant, near="Paris")["Where"]
    assert text == (
        "8 sites in 2 countries Germany, Austria "
        "No site recruiting now or soon within 100 km of Paris, France. All sites by distance"
    )


def test_a_site_not_yet_recruiting_counts_as_near(client, coplant):
    text, _ = glance(client, coplant, near="Giessen", distance="25")["Where"]  # its Giessen site is not recruiting yet
    assert "Nearest site: Research Institute for Plant-Based Nutrition, Gießen" in text


def test_a_country_names_a_recruiting_site_there(client, coplant):
    text, links = glance(client, coplant, near="Austria")["Where"]
    assert "Site: University Vienna, Vienna" in text
    assert links == [coplant + "contacts/#locations-heading"]  # sites sort by distance from a city only


@pytest.mark.parametrize("near", ["Qqqqville", "\x00"])
def test_a_place_not_found_is_said_in_the_box(client, coplant, near):
    text, _ = glance(client, coplant, near=near)["Where"]
    assert "We could not find this place." in text


def test_a_record_without_recruiting_sites_says_none_near(client, seed_study, write_json):
    study = sited_study(seed_study, "NCT90000010", ("Old clinic", "Beijing", "China", "COMPLETED"))
    assert import_paths(write_json("one.json", study)).failures == []
    text, _ = glance(client, "/trials/NCT90000010/", near="Beijing")["Where"]
    assert text.startswith("1 site in 1 country China No site recruiting now or soon within 100 km of Beijing, China.")


def test_the_box_is_on_the_overview_only(client, seed_trial):
    for section in ["design/", "eligibility/", "contacts/", "full/"]:
        assert 'class="glance"' not in client.get(f"/trials/NCT07107204/{section}").content.decode(), section
