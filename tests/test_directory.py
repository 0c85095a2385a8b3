"""Sponsor, investigator and condition pages."""

import pytest
from django.utils.html import escape

from trials.models import Condition, Investigator, Sponsor, Trial

pytestmark = pytest.mark.django_db


def test_a_sponsor_page_lists_trials_led_and_collaborated_on_with_counts_by_status(client, all_samples):
    sponsor = Sponsor.objects.get(name="Spine Centre of Southern Denmark")
    collaborator = Sponsor.objects.get(name="University of Southern Denmark")
    page = client.get(sponsor.get_absolute_url()).content.decode()
    led = Trial.objects.filter(lead_sponsor=sponsor)
    assert all(trial.nct_id in page for trial in led)
    assert f"<dt>Completed</dt><dd>{led.filter(overall_status='COMPLETED').count()}</dd>" in page
    page = client.get(collaborator.get_absolute_url()).content.decode()
    assert "Trials as collaborator" in page
    assert all(t.nct_id in page for t in Trial.objects.filter(collaborations__sponsor=collaborator))


def test_the_sponsor_list_counts_trials_led_and_collaborations_in_few_queries(
    client, all_samples, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):  # count, page of sponsors with both counts
        page = client.get("/sponsors/").content.decode()
    biotroy = Sponsor.objects.get(name="Biotroy Therapeutics")
    link = f'<a href="{biotroy.get_absolute_url()}" lang="en">Biotroy Therapeutics</a>'
    row = f"{link}</td><td>Industry</td><td>1</td><td>0</td>"
    assert row in page


def test_an_investigator_page_lists_their_trials_with_role_and_affiliation(client, all_samples):
    investigator = Investigator.objects.get(name="Ying Wang, MD")
    page = client.get(investigator.get_absolute_url()).content.decode()
    assert "NCT07107204" in page and "Principal investigator" in page
    assert escape(investigator.affiliation) in page


def test_conditions_are_listed_a_to_z_with_counts(client, all_samples, django_assert_max_num_queries):
    # the index version, then (cached until the index changes) the conditions with their counts and their groups'
    with django_assert_max_num_queries(3):
        page = client.get("/conditions/").content.decode()
    with django_assert_max_num_queries(1):
        assert client.get("/conditions/").content.decode() == page
    leukemia = Condition.objects.get(name="Leukemia")
    assert f'<a href="{leukemia.get_absolute_url()}" lang="en">Leukemia</a> <span class="meta">(1)</span>' in page
    assert page.index('id="letter-A"') < page.index('id="letter-L"')


def test_a_condition_page_lists_its_trials(client, all_samples):
    condition = Condition.objects.get(name="Low Back Pain")
    page = client.get(condition.get_absolute_url()).content.decode()
    trials = condition.trials.order_by("-last_update_posted_date", "nct_id")
    assert f"{trials.count()} trials study this condition" in page
    assert all(t.nct_id in page for t in trials[:20])


@pytest.mark.parametrize("url", ["/sponsors/nobody/", "/conditions/nothing/", "/investigators/999999/"])
def test_unknown_directory_entries_are_404(client, db, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/investigators/99999999999999999999999/",
        "/sponsors/%E2%80%94/",
        "/conditions/%E2%80%94/",
        "/trials/%00/",
        "/trials/NCT99999999999999/",
        "/sitemap.xml?p=abc",
        "/sitemap.xml?p=999",
    ],
)
def test_odd_paths_are_a_404_not_an_error(client, all_samples, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["abc", "-5", "0", "9999999", "1.5"])
def test_odd_page_numbers_on_directory_pages_show_a_page(client, all_samples, page):
    condition = Condition.objects.get(name="Low Back Pain")
    for url in ["/sponsors/", condition.get_absolute_url(), Sponsor.objects.first().get_absolute_url()]:
        assert client.get(url, {"page": page}).status_code == 200, url
