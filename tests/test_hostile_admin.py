"""Hostile record text in the admin and in CSV: payloads shown as text on the staff pages, and CSV cells that a
spreadsheet would run as a formula neutralised with a leading quote (tests/hostile.py makes the record).
"""

import csv
import io
import json
from urllib.parse import quote

import pytest
from django.conf import settings
from django.utils.html import escape

from trials import workflow
from trials.models import Investigator, Location, Trial

from .conftest import import_paths
from .hostile import FORMULAS, NCT_ID, PAYLOAD, assert_no_raw_markup, body

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password=None))
    return client


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
