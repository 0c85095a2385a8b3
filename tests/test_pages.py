"""The minimal public pages: the trial list, a record, its JSON, and the health check."""

import pytest

from trials.models import Trial

from .conftest import SAMPLE_DIR, import_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def all_samples(db):
    assert import_paths(SAMPLE_DIR).failures == []


def test_the_list_shows_twenty_trials_a_page_newest_update_first(client, all_samples, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # count, trials + lead sponsors, conditions (with their links)
        response = client.get("/trials/")
    assert response.status_code == 200
    page = response.content.decode()
    newest = Trial.objects.order_by("-last_update_posted_date", "nct_id")
    for trial in newest[:20]:
        assert trial.nct_id in page
    assert newest[20].nct_id not in page
    assert f"{Trial.objects.count()} trials" in page
    assert "Not yet recruiting" in page and "Biotroy Therapeutics" in page
    second = client.get("/trials/", {"page": 2}).content.decode()
    assert newest[20].nct_id in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9", "1%00"])
def test_odd_page_numbers_show_a_page_not_an_error(client, all_samples, page):
    assert client.get("/trials/", {"page": page}).status_code == 200


def test_the_record_page_shows_the_seed_facts(client, seed_trial):
    response = client.get("/trials/NCT07107204/")
    assert response.status_code == 200
    page = response.content.decode()
    for fact in [
        "A Clinical Study of BT02 in Patients With Relapsed or Refractory Hematologic Malignancies",
        "Not yet recruiting",
        "Phase 1/Phase 2",
        "116 participants (estimated)",
        "31 October 2025 (estimated)",
        "30 April 2028 (estimated)",
        "17 September 2025",
        "Results pending",
        "Multiple Myeloma (MM)",
        "Sequential",
        "dose escalation and expansion",
        "BT02 monoclonal antibody injection",
        "Age:≥18 and &lt;70 years, any gender.",
        "Other severe physical or mental illnesses",
        "18 to 70 years",
        "Biotroy Therapeutics (Industry)",
        "Ying Wang, MD, Principal investigator, Institute of Hematology &amp; Blood Diseases Hospital",
        "Clinical development director",
        'href="tel:+86-18602185973"',
        "BT02-201",
    ]:
        assert fact in page, fact
    assert page.index("Voluntary participation") < page.index("Exclusion criteria") < page.index("Acute promyelocytic")


def test_the_record_page_reads_every_related_table_once(client, all_samples, django_assert_max_num_queries):
    richest = Trial.objects.get(nct_id="NCT02210780")  # 42 sites, results, outcomes
    # trial + sponsors, then one query each: conditions, collaborators, keywords, arms, their interventions,
    # interventions, their arms, outcomes, criteria, officials + investigators, central contacts, sites,
    # site contacts, secondary ids, references
    with django_assert_max_num_queries(16):
        response = client.get(richest.get_absolute_url())
    assert response.status_code == 200


def test_a_lower_case_nct_id_redirects_to_the_record(client, seed_trial):
    response = client.get("/trials/nct07107204/")
    assert response.status_code == 301 and response["Location"] == "/trials/NCT07107204/"


@pytest.mark.parametrize("url", ["/trials/NCT99999999/", "/trials/not-a-trial/", "/trials/NCT99999999.json"])
def test_unknown_trials_are_a_friendly_404(client, seed_trial, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_the_json_is_the_registry_record(client, seed_trial):
    from .conftest import SEED_PATH, load_json

    response = client.get("/trials/NCT07107204.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == load_json(SEED_PATH)


def test_html_in_registry_text_is_shown_as_text(client, seed_trial):
    Trial.objects.filter(pk=seed_trial.pk).update(
        brief_title="<script>alert(1)</script> trial",
        brief_summary="Safe *markdown* <img src=x onerror=alert(1)> [link](javascript:alert(1))",
    )
    page = client.get("/trials/NCT07107204/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; trial" in page
    assert "<em>markdown</em>" in page
    assert "onerror" not in page and "javascript:" not in page


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
