"""Nothing of a trial the public cannot see leaks through another page: not its NCT ID typed in the search box,
nor the sponsor, investigators or conditions that only it names."""

import pytest

from trials import workflow
from trials.models import Collaboration, Sponsor, Trial

pytestmark = pytest.mark.django_db

NCT_ID = "NCT07107204"
UNKNOWN_ID = "NCT00000000"


@pytest.fixture
def draft(seed_trial):
    workflow.unpublish(seed_trial, None)
    return Trial.objects.get(pk=seed_trial.pk)


def named_by(trial):
    return [
        trial.lead_sponsor.get_absolute_url(),
        *(official.investigator.get_absolute_url() for official in trial.officials.all()),
        *(condition.get_absolute_url() for condition in trial.conditions.all()),
    ]


def test_a_drafts_nct_id_is_answered_as_an_unknown_one(client, draft):
    unknown = client.get("/trials/", {"q": UNKNOWN_ID})
    typed = client.get("/trials/", {"q": NCT_ID})
    assert typed.status_code == unknown.status_code == 200
    assert typed.context["results"].total == unknown.context["results"].total == 0


def test_what_only_a_draft_names_has_no_public_page(client, draft):
    urls = named_by(draft)
    assert len(urls) >= 3  # a sponsor, an investigator and a condition at least
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_the_same_pages_are_public_once_the_trial_is_published(client, seed_trial):
    for url in named_by(seed_trial):
        assert client.get(url).status_code == 200, url


def test_a_sponsor_that_only_collaborates_is_shown_while_a_published_trial_names_it(client, seed_trial):
    partner = Sponsor.objects.create(name="Quokka Partners")
    Collaboration.objects.create(trial=seed_trial, sponsor=partner, position=0)
    assert client.get(partner.get_absolute_url()).status_code == 200
    workflow.unpublish(seed_trial, None)
    assert client.get(partner.get_absolute_url()).status_code == 404
