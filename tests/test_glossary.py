"""The glossary page, and the explanations beside registry terms on record pages."""

import re
from pathlib import Path

import pytest
from django.utils.autoreload import file_changed

from trials.glossary import TERMS, TOPICS, explaining
from trials.templatetags import glossary as glossary_tags

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


def test_explanations_are_rendered_once_and_forgotten_when_a_template_changes():
    first = glossary_tags.explain("RECRUITING")
    assert "glossary/#" in first and glossary_tags.explain("RECRUITING") is first  # the same rendering
    file_changed.send(sender=None, file_path=Path("templates/trials/includes/explain.html"))  # runserver's signal
    assert glossary_tags.explain("RECRUITING") is not first
