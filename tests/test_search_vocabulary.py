"""Searching in a patient's words on the sample records: UK spellings, lay terms and MeSH headings find the
trials a clinician would expect, and trials about the words rank above trials that only mention them in their
eligibility criteria. Expected trials are read from the sample JSON files (the registry's own MeSH filing in
derivedSection), not asked of the database.
"""

import pytest

from trials.search.query import parse
from trials.search.synonyms import table

from .conftest import load_json, sample_paths
from .factories import RECORDS, exported, found

DERIVED = {path.stem: load_json(path).get("derivedSection", {}) for path in sample_paths()}


def filed_under(heading, ancestors=True):
    """NCT IDs of the samples the registry files under this MeSH heading (conditions or interventions)."""
    matched = set()
    for nct_id, derived in DERIVED.items():
        for module in ("conditionBrowseModule", "interventionBrowseModule"):
            lists = ("meshes", "ancestors") if ancestors else ("meshes",)
            terms = {item["term"].lower() for key in lists for item in derived.get(module, {}).get(key, [])}
            if heading.lower() in terms:
                matched.add(nct_id)
    return matched


def mentions_only_in_criteria(word):
    """NCT IDs of the samples whose eligibility criteria mention the word, and no other text or MeSH term does."""
    matched = set()
    for nct_id, record in RECORDS.items():
        criteria = record.get("eligibilityModule", {}).get("eligibilityCriteria", "").lower()
        elsewhere = dict(record)
        elsewhere.pop("eligibilityModule", None)
        elsewhere.get("descriptionModule", {}).pop("detailedDescription", None)
        if word in criteria and word not in (str(elsewhere) + str(DERIVED[nct_id])).lower():
            matched.add(nct_id)
    return matched


def test_every_row_of_the_vocabulary_names_its_kind_and_source():
    spellings, lay = table()
    assert len(spellings) // 2 + sum(len(terms) for terms in lay.values()) >= 200
    assert lay[("heart", "attack")] == {("myocardial", "infarction")}
    assert ("leukemia",) in spellings[("leukaemia",)] and ("leukaemia",) in spellings[("leukemia",)]


@pytest.mark.parametrize(
    ("typed", "also"),
    [
        ("heart attack", "myocardial infarction"),
        ("leukaemia", "leukemia"),
        ("bowel cancer", "colorectal neoplasms"),
        ("high blood pressure", "hypertension"),
        ("Heart attacks", "myocardial infarction"),  # a plural, any case
        ("oesophageal cancer", "esophageal neoplasms"),  # a spelling and a lay term at once
    ],
)
def test_what_people_type_also_looks_for_the_registrys_words(typed, also):
    query = parse(typed)
    assert also in query.added
    assert tuple(also.split()) in query.groups[0]


def test_words_typed_around_a_term_still_count():
    query = parse("heart attack -surgery women")
    assert query.groups == [[("heart", "attack"), ("myocardial", "infarction")], [("women",)]]
    assert query.excluded == [("surgery",)]


@pytest.mark.parametrize(("uk", "us"), [("oedema", "edema"), ("tumour", "tumor"), ("paediatric", "pediatric")])
def test_a_uk_spelling_finds_what_the_us_spelling_finds(client, samples, db, uk, us):
    us_matches = exported(client, {"q": us})
    assert us_matches
    assert sorted(exported(client, {"q": uk})) == sorted(us_matches)


@pytest.mark.parametrize(
    ("typed", "heading"),
    [
        ("slipped disc", "Intervertebral Disc Displacement"),
        ("impotence", "Erectile Dysfunction"),
        ("tooth decay", "Dental Caries"),
        ("fear of movement", "Kinesiophobia"),
        ("swallowing problems", "Deglutition Disorders"),
        ("eczema", "Dermatitis, Atopic"),
    ],
)
def test_a_lay_term_finds_every_trial_filed_under_its_mesh_heading(client, samples, db, typed, heading):
    expected = filed_under(heading, ancestors=False)
    assert expected
    assert expected <= set(exported(client, {"q": typed}))


@pytest.mark.parametrize(
    ("typed", "heading"),
    [
        ("lung diseases", "Lung Diseases"),  # the asthma trials, which never say "lung"
        ("neoplasms", "Neoplasms"),
        ("cancer", "Neoplasms"),  # a lay word for a heading only the ancestors name
        ("allergy", "Hypersensitivity"),
        ("steroids", "Glucocorticoids"),  # an intervention's ancestor
    ],
)
def test_a_mesh_ancestor_finds_the_trials_filed_under_its_descendants(client, samples, db, typed, heading):
    expected = filed_under(heading)
    assert expected - filed_under(heading, ancestors=False)  # some are filed under a narrower heading only
    assert expected <= set(exported(client, {"q": typed}))


def test_trials_about_cancer_rank_above_trials_that_exclude_it(search):
    about = filed_under("Neoplasms")
    excluding = mentions_only_in_criteria("cancer")
    assert about and excluding
    listed = found(search({"q": "cancer"}))
    assert set(listed[: len(about)]) == about
    assert excluding & set(listed)  # still found: the words are there
    assert max(listed.index(nct_id) for nct_id in about) < min(
        listed.index(nct_id) for nct_id in excluding if nct_id in listed
    )


def test_best_match_lists_open_trials_first_and_withdrawn_ones_last(search):
    page = search({"q": "asthma"}).context["page"]
    about = [trial for trial in page if trial.nct_id in filed_under("Asthma")]
    order = [0 if trial.overall_status in ("RECRUITING", "NOT_YET_RECRUITING") else 1 for trial in about]
    assert len(about) > 2 and order == sorted(order)


def test_the_page_says_which_words_were_added(search):
    response = search({"q": "slipped disc"})
    assert "intervertebral disc displacement" in response.content.decode()
    assert len(found(response)) == 20
