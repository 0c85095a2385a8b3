"""The glossary page, and the explanations beside registry terms on record pages."""

import re

import pytest

from trials.glossary import TERMS, TOPICS, explaining

pytestmark = pytest.mark.django_db


def test_the_glossary_has_every_term_with_an_anchor(client):
    page = client.get("/glossary/").content.decode()
    for term in TERMS.values():
        assert f'id="{term.slug}"' in page and str(term.term) in page


def test_the_issue_s_terms_are_all_there():
    wanted = {"early-phase-1", "phase-1", "phase-2", "phase-3", "phase-4", "randomized", "allocation", "masking"}
    wanted |= {"placebo", "arm-group", "intervention-model", "primary-purpose", "enrollment", "healthy-volunteers"}
    wanted |= {"expanded-access", "recruiting", "not-yet-recruiting", "completed", "terminated", "withdrawn"}
    assert wanted <= TERMS.keys()
    assert sum(len(topic.terms) for topic in TOPICS) == len(TERMS)  # slugs are unique


def test_every_recruitment_status_and_phase_is_explained():
    from trials.choices import Phase, Status

    for value in [*Status.values, *(phase for phase, _ in Phase.single_choices())]:
        assert explaining(value) is not None, value


def test_record_pages_explain_their_terms_in_disclosures_linked_to_the_glossary(client, seed_trial):
    design = client.get("/trials/NCT07107204/design/").content.decode()
    for slug in (
        "study-type",
        "phase-1",
        "allocation",
        "intervention-model",
        "masking",
        "primary-purpose",
        "enrollment",
    ):
        assert f'href="/glossary/#{slug}"' in design, slug
    assert re.search(r"<details class=\"explain\"><summary>What is this\?", design)
    eligibility = client.get("/trials/NCT07107204/eligibility/").content.decode()
    assert 'href="/glossary/#healthy-volunteers"' in eligibility
    overview = client.get("/trials/NCT07107204/").content.decode()
    assert 'href="/glossary/#not-yet-recruiting"' in overview
