"""Offline places and distances (trials/geo.py) and open sites near a place (trials/nearby.py)."""

import copy
import re

import pytest

from trials import geo, nearby
from trials.models import Location, Trial
from trials.registry import study_json

from .conftest import import_paths
from .factories import BEIJING, TIANJIN, sited_study


@pytest.fixture
def beijing_and_tianjin(db, seed_study, write_json):
    studies = [
        sited_study(
            copy.deepcopy(seed_study), "NCT90000001", ("Peking Union Medical College Hospital", "Beijing", "China")
        ),
        sited_study(copy.deepcopy(seed_study), "NCT90000002", ("Blood Diseases Hospital", "Tianjin", "China")),
    ]
    assert import_paths(write_json("sites.json", {"studies": studies})).failures == []


def test_known_cities_and_countries_are_found_offline():
    beijing = geo.find_place("Beijing")
    assert (beijing.name, beijing.country, beijing.country_code, beijing.latitude, beijing.longitude) == (
        "Beijing",
        "China",
        "CN",
        *BEIJING,
    )
    assert str(geo.find_place("lyon, france")) == "Lyon, France"
    assert str(geo.find_place("Sao Paulo")) == "São Paulo, Brazil"
    assert geo.find_place("Korea, Republic of").is_country  # the registry's country name
    assert str(geo.find_place("Saint Louis, Missouri")) == "St. Louis, Missouri, United States"


@pytest.mark.parametrize("text", ["Boston", "Paris, Texas", "Lyon", "Seoul, Korea, Republic of", "Spain"])
def test_a_places_text_names_its_us_state_and_reads_back_as_the_same_place(text):
    place = geo.find_place(text)
    assert geo.find_place(str(place)) == place
    assert str(geo.find_place("Boston")) == "Boston, Massachusetts, United States"


def test_a_city_named_without_its_state_keeps_the_other_cities_of_that_name():
    springfield = geo.find_place("Springfield")
    assert str(springfield) == "Springfield, Missouri, United States"  # the most populous
    others = [str(other) for other in springfield.others]
    assert others[:2] == ["Springfield, Massachusetts, United States", "Springfield, Illinois, United States"]
    assert len(others) == geo.MAX_OTHERS
    assert all(geo.find_place(str(other)) == other for other in springfield.others)
    assert [str(other) for other in geo.find_place("Paris, United States").others][
        0
    ] == "Paris, Tennessee, United States"
    assert geo.find_place("Springfield, Illinois").others == geo.find_place("Paris, France").others == ()


@pytest.mark.parametrize("text", ["", " ", ",", "Nowhere at all", "Lyon, Narnia", "x" * 300])
def test_unknown_places_are_none(text):
    assert geo.find_place(text) is None


def test_beijing_to_tianjin_is_about_110_km():
    assert 105 < geo.distance_km(*BEIJING, *TIANJIN) < 120
    assert geo.distance_km(*BEIJING, *BEIJING) == 0


def test_sites_without_a_registry_point_are_placed_at_their_city_and_not_exported(beijing_and_tianjin):
    site = Location.objects.get(trial__nct_id="NCT90000002")
    assert (site.latitude, site.longitude, site.geocoded) == (*TIANJIN, True)
    exported = study_json(Trial.objects.for_export().get(nct_id="NCT90000002"))
    assert "geoPoint" not in exported["protocolSection"]["contactsLocationsModule"]["locations"][0]


def test_the_registry_point_wins_and_is_exported_unchanged(seed_study, write_json, db):
    study = sited_study(seed_study, "NCT90000003", ("Clinic", "Beijing", "China"))
    study["protocolSection"]["contactsLocationsModule"]["locations"][0]["geoPoint"] = {"lat": 40.0, "lon": 116.0}
    import_paths(write_json("one.json", study))
    site = Location.objects.get(trial__nct_id="NCT90000003")
    assert (site.latitude, site.longitude, site.geocoded) == (40.0, 116.0, False)
    exported = study_json(Trial.objects.for_export().get(nct_id="NCT90000003"))
    assert exported["protocolSection"]["contactsLocationsModule"]["locations"][0]["geoPoint"] == {
        "lat": 40.0,
        "lon": 116.0,
    }


def test_an_unknown_city_stays_off_the_map(seed_study, write_json, db):
    import_paths(write_json("one.json", sited_study(seed_study, "NCT90000004", ("Clinic", "Qqqqville", "China"))))
    site = Location.objects.get(trial__nct_id="NCT90000004")
    assert (site.latitude, site.longitude, site.geocoded) == (None, None, False)


@pytest.mark.parametrize("km, expected", [(150, ["NCT90000001", "NCT90000002"]), (50, ["NCT90000001"])])
def test_near_beijing_finds_tianjin_within_150_km_but_not_50(beijing_and_tianjin, km, expected):
    found = Trial.objects.filter(pk__in=nearby.trial_ids_near(geo.find_place("Beijing"), km))
    assert sorted(found.values_list("nct_id", flat=True)) == expected


def test_nearest_site_carries_its_distance(beijing_and_tianjin):
    tianjin = Trial.objects.get(nct_id="NCT90000002")
    site = nearby.nearest_sites([tianjin.pk], geo.find_place("Beijing"), 250)[tianjin.pk]
    assert site.city == "Tianjin" and site.distance == pytest.approx(geo.distance_km(*BEIJING, *TIANJIN))


def test_a_country_means_its_sites_whatever_the_distance(beijing_and_tianjin):
    found = Trial.objects.filter(pk__in=nearby.trial_ids_near(geo.find_place("China"), 25))
    assert found.count() == 2
    assert not nearby.trial_ids_near(geo.find_place("France"), 500).exists()


@pytest.mark.parametrize("open_status", ["RECRUITING", "NOT_YET_RECRUITING"])
def test_only_recruiting_and_not_yet_recruiting_sites_count(seed_study, write_json, db, open_status):
    sites = [("Closed clinic", "Beijing", "China", "COMPLETED"), ("Open clinic", "Tianjin", "China", open_status)]
    import_paths(write_json("one.json", sited_study(seed_study, "NCT90000005", *sites)))
    beijing = geo.find_place("Beijing")
    assert not nearby.trial_ids_near(beijing, 50).exists()
    assert nearby.trial_ids_near(beijing, 250).exists()
    [site] = nearby.nearest_sites(Trial.objects.values_list("pk", flat=True), beijing, 250).values()
    assert site.facility == "Open clinic"


@pytest.mark.parametrize("status, counts", [("NOT_YET_RECRUITING", True), ("ACTIVE_NOT_RECRUITING", False)])
def test_a_site_without_a_status_counts_when_its_trial_is_open(seed_study, write_json, db, status, counts):
    import_paths(
        write_json("one.json", sited_study(seed_study, "NCT90000007", ("Clinic", "Beijing", "China"), status=status))
    )
    assert nearby.trial_ids_near(geo.find_place("Beijing"), 25).exists() == counts


def test_a_trials_sites_sorted_nearest_first_unplaced_last(beijing_and_tianjin):
    sites = [Location(city="Nowhere"), *Location.objects.all()]
    ordered = nearby.by_distance(sites, geo.find_place("Tianjin"))
    assert [site.city for site in ordered] == ["Tianjin", "Beijing", "Nowhere"]
    assert ordered[0].distance == 0 and ordered[-1].distance is None


# Searching near a place, and a record's sites by distance


def result_ids(response):
    assert response.status_code == 200
    return re.findall(r'<a href="/trials/(NCT\d{8})/(?:\?[^"]*)?">', response.content.decode())


@pytest.mark.parametrize("km, expected", [("250", ["NCT90000001", "NCT90000002"]), ("50", ["NCT90000001"])])
def test_search_near_beijing_lists_trials_nearest_first(client, beijing_and_tianjin, km, expected):
    assert result_ids(client.get("/trials/", {"near": "Beijing", "distance": km})) == expected


def test_each_result_shows_its_nearest_recruiting_site_city_and_distance(client, beijing_and_tianjin):
    page = client.get("/trials/?near=Beijing&distance=250").content.decode()
    inline = re.sub(r"</?span[^>]*>", "", page)  # '<span lang="en">Tianjin</span>,' reads "Tianjin,"
    text = " ".join(re.sub(r"<[^>]+>", " ", inline).split())
    assert "Nearest site: Blood Diseases Hospital, Tianjin, about 110 km" in text
    assert "Nearest site: Peking Union Medical College Hospital, Beijing, less than 10 km" in text


def test_each_result_links_its_record_with_the_place_so_it_names_the_nearest_site(client, beijing_and_tianjin):
    page = client.get("/trials/", {"near": "Tianjin", "distance": "250"}).content.decode()
    assert '<a href="/trials/NCT90000002/?near=Tianjin&amp;distance=250">' in page
    assert '<a href="/trials/NCT90000002/">' in client.get("/trials/").content.decode()  # no place, no parameters


def test_search_in_a_country(client, beijing_and_tianjin):
    assert len(result_ids(client.get("/trials/", {"near": "China"}))) == 2
    assert result_ids(client.get("/trials/", {"near": "Peru"})) == []


@pytest.mark.parametrize(
    "query",
    [
        {"near": "Qqqqville"},
        {"near": "Beijing", "distance": "7"},
        {"near": "Beijing", "distance": "x"},
        {"near": "\x00"},
    ],
)
def test_an_unknown_place_or_distance_is_explained_not_an_error(client, beijing_and_tianjin, query):
    response = client.get("/trials/", query)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_sites_page_sorts_sites_by_distance_from_a_place(client, seed_study, write_json, db):
    sites = [
        ("Zeta Hospital", "Shanghai", "China"),
        ("Kappa Hospital", "Tianjin", "China"),
        ("Omega Hospital", "Beijing", "China"),
    ]
    import_paths(write_json("one.json", sited_study(seed_study, "NCT90000006", *sites)))
    page = client.get("/trials/NCT90000006/contacts/", {"near": "Beijing"}).content.decode()
    assert page.index("Omega") < page.index("Kappa") < page.index("Zeta")
    assert "about 110 km" in page
    unsorted = client.get("/trials/NCT90000006/contacts/").content.decode()
    assert unsorted.index("Zeta") < unsorted.index("Kappa") < unsorted.index("Omega")
