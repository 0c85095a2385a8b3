"""Conditions grouped under their MeSH term (trials/mesh.py): the rule, kept up to date on every change path, the
grouped /conditions/ and condition pages, the grouped condition facet and filter, name suggestions and "Did you
mean" (trials/names.py). The sample records hold ~90 disc-herniation trials under many names."""

import json
import re
from collections import Counter

import pytest
from django.core.cache import cache

from trials import mesh, workflow
from trials.changes import deleting
from trials.models import Condition, Sponsor, Trial, TrialCondition

from .conftest import import_paths
from .factories import RECORDS, exported, module, post_change, sponsors_of

IDD = "Intervertebral Disc Displacement"
# Names the registry's records map to IDD, however each trial spells it ("disk", word order, punctuation)
IDD_NAMES = [
    "Lumbar Disc Herniation",
    "Disk Herniated Lumbar",  # 14 trials, one vote each for Hernia and IDD: the larger group wins the tie
    "Herniated Disc",
    "Herniated Disk",
    "Disc Herniation",
    "Disk, Herniated",
    "Disc, Herniated",
    "Cervical Disc Herniation",
    "Intervertebral Disk Displacement",
    "Intervertebral Disc Displacement",
    "Prolapsed Intervertebral Disc",
]


def leaf(term, found, relevance="HIGH"):
    return {"id": "M0", "name": term, "asFound": found, "relevance": relevance}


def browse(*leaves, meshes=()):
    return {"browseLeaves": list(leaves), "meshes": [{"id": "D0", "term": term} for term in meshes]}


# The rule


@pytest.mark.parametrize(
    ("names", "module_", "expected"),
    [
        (["Herniated Disc"], browse(leaf(IDD, "Herniated Disc")), {"Herniated Disc": IDD}),
        (["HERNIATED  disc"], browse(leaf(IDD, "Herniated Disc")), {"HERNIATED  disc": IDD}),
        (["Caries, Dental"], browse(leaf("Dental Caries", "Caries,Dental")), {"Caries, Dental": "Dental Caries"}),
        # contained as words, any order; "disk" read as MeSH's "disc"
        (["Lumbar Disc Herniation"], browse(leaf(IDD, "Disc Herniation")), {"Lumbar Disc Herniation": IDD}),
        (["Disk, Herniated"], browse(leaf(IDD, "Herniated Disc")), {"Disk, Herniated": IDD}),
        # the most words win: "Disc Herniation" over "Herniation"
        (
            ["Lumbar Disc Herniation"],
            browse(leaf("Hernia", "Herniation"), leaf(IDD, "Disc Herniation")),
            {"Lumbar Disc Herniation": IDD},
        ),
        # a word is not part of another word: "Hernia" is not in "Herniated"
        (["Herniated Disc", "Pain"], browse(leaf("Hernia", "Hernia")), {}),
        # an exact leaf wins over a longer contained one
        (
            ["Low Back Pain"],
            browse(leaf("Back Pain", "Back Pain"), leaf("Low Back Pain", "Low Back Pain")),
            {"Low Back Pain": "Low Back Pain"},
        ),
        # LOW relevance leaves do not count
        (["Sciatica", "Pain"], browse(leaf("Sciatica", "Sciatica", "LOW")), {}),
        # no leaf matches: one condition and one term
        (["Disk Herniated Lumbar"], browse(meshes=[IDD]), {"Disk Herniated Lumbar": IDD}),
        (["Disk Herniated Lumbar", "Pain"], browse(meshes=[IDD]), {}),
        (["Disk Herniated Lumbar"], browse(meshes=[IDD, "Hernia"]), {}),
        # whatever a record holds there
        (["Asthma"], None, {}),
        (["Asthma"], [], {}),
        (["Asthma"], {"browseLeaves": "x", "meshes": [None, 3, {"term": ["Asthma"]}]}, {}),
        (["Asthma"], browse(leaf("A" * 301, "Asthma"), meshes=["B" * 301]), {}),
        (["Asthma"], {"browseLeaves": [{"name": "Asthma", "asFound": None, "relevance": "HIGH"}, 7]}, {}),
    ],
)
def test_each_trial_votes_for_the_term_of_each_condition(names, module_, expected):
    assert mesh.trial_terms(names, module_) == expected


def test_the_term_most_trials_vote_for_wins_then_the_larger_group_then_a_to_z():
    assert mesh.winner(Counter({"B": 2, "A": 1}), {}) == "B"
    assert mesh.winner(Counter({"Hernia": 1, IDD: 1}), {"Hernia": 3, IDD: 90}) == IDD
    assert mesh.winner(Counter({"B": 1, "A": 1}), {"A": 5, "B": 5}) == "A"
    assert mesh.winner(Counter(), {}) is None


# On the sample records


def test_the_disc_herniation_names_are_grouped_under_one_term(samples, db):
    terms = dict(Condition.objects.values_list("name", "mesh_term"))
    assert {name: terms[name] for name in IDD_NAMES} == dict.fromkeys(IDD_NAMES, IDD)
    assert terms["Asthmatic"] == terms["Asthmatics"] == "Asthma"
    assert terms["Abdominoplasty"] is None  # no record maps it: listed as itself


def test_the_terms_kept_up_to_date_on_import_are_those_a_rebuild_works_out(samples, db):
    before = dict(Condition.objects.values_list("pk", "mesh_term"))
    assert mesh.rebuild() == (0, 0)
    TrialCondition.objects.update(mesh_term=None)
    Condition.objects.update(mesh_term=None)
    votes, conditions = mesh.rebuild()  # as migration 0014 fills stored trials
    assert votes > 0 and conditions == sum(1 for term in before.values() if term)
    assert dict(Condition.objects.values_list("pk", "mesh_term")) == before


def test_the_conditions_page_lists_the_variants_under_their_term(client, samples, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        page = client.get("/conditions/").content.decode()
    groups = re.findall(r'<li class="condition-group">(.*?)</ul>\s*</li>', page, re.S)
    idd = next(group for group in groups if f">{IDD}</a>" in group)
    assert '<a href="/trials/?condition=Intervertebral%20Disc%20Displacement" class="group-term" lang="en">' in idd
    for name in IDD_NAMES:  # each variant under it, linking to its own page
        condition = Condition.objects.get(name=name)
        assert f'<a href="{condition.get_absolute_url()}" lang="en">{name}</a>' in idd
    trials = TrialCondition.objects.filter(condition__mesh_term=IDD).values("trial_id").distinct().count()
    assert f'class="group-term" lang="en">{IDD}</a>\n              <span class="meta">({trials})</span>' in idd
    # A–Z by term: the group under I; a condition without a term listed as itself
    assert page.index('id="letter-I"') < page.index(IDD) < page.index('id="letter-L"')
    assert '<li><a href="/conditions/abdominoplasty/" lang="en">Abdominoplasty</a>' in page
    assert ">Disk Herniated Lumbar</a>" not in page.split('id="letter-D"')[1].split('id="letter-E"')[0]


def test_a_condition_page_shows_its_group_and_the_other_names_in_it(client, samples, db, django_assert_max_num_queries):
    condition = Condition.objects.get(name="Disk Herniated Lumbar")
    with django_assert_max_num_queries(8):
        page = client.get(condition.get_absolute_url()).content.decode()
    assert f'MeSH term: <span lang="en">{IDD}</span>' in page
    group_trials = TrialCondition.objects.filter(condition__mesh_term=IDD).values("trial_id").distinct().count()
    assert f'All {group_trials} trials of <span lang="en">{IDD}</span>, under any of its names' in page
    siblings = page.split("Other names in this group")[1].split("trials study this condition")[0]
    for name in IDD_NAMES:
        if name != condition.name:
            assert f'<a href="{Condition.objects.get(name=name).get_absolute_url()}" lang="en">{name}</a>' in siblings
    assert ">Disk Herniated Lumbar</a>" not in siblings
    assert "14 trials study this condition" in page
    sibling = Condition.objects.get(name=next(name for name in IDD_NAMES if name != condition.name))
    # the group's figures come from /conditions/ (cached): the condition, whether it names a group, the index
    # version; the page's count and trials
    with django_assert_max_num_queries(5):
        assert f"All {group_trials} trials of" in client.get(sibling.get_absolute_url()).content.decode()
    plain = client.get(Condition.objects.get(name="Abdominoplasty").get_absolute_url()).content.decode()
    assert "MeSH term" not in plain


def group_trials(term):
    """NCT IDs of the sample records naming a condition of the group, read from their JSON and the stored terms."""
    names = set(Condition.objects.filter(mesh_term=term).values_list("name", flat=True))
    return {
        nct_id
        for nct_id, record in RECORDS.items()
        if names & set(module(record, "conditionsModule").get("conditions", []))
    }


def test_the_condition_filter_takes_a_mesh_term_for_every_name_of_its_group(client, search):
    expected = group_trials(IDD)
    assert len(expected) > 80
    assert set(exported(client, {"condition": IDD})) == expected
    assert set(exported(client, {"condition": IDD.lower()})) == expected
    # a name of the group stays that name alone
    one = {
        n for n, r in RECORDS.items() if "Disk Herniated Lumbar" in module(r, "conditionsModule").get("conditions", [])
    }
    assert set(exported(client, {"condition": "Disk Herniated Lumbar"})) == one


def test_the_condition_facet_counts_each_trial_once_per_group(search):
    conditions = search({}).context["results"].facets.conditions
    counts = {value: count for value, _, count in conditions}
    assert counts[IDD] == len(group_trials(IDD))
    assert counts["Asthma"] == len(group_trials("Asthma"))
    assert not {"Lumbar Disc Herniation", "Herniated Disc", "Asthmatic"} & counts.keys()  # variants are not rows
    for value, _, count in conditions:  # each row finds what it counted (on SQLite and PostgreSQL alike)
        assert search({"condition": value}).context["results"].total == count, value
    narrowed = search({"status": "COMPLETED"}).context["results"].facets.conditions
    assert dict((v, c) for v, _, c in narrowed)[IDD] == len(
        {n for n in group_trials(IDD) if RECORDS[n]["statusModule"]["overallStatus"] == "COMPLETED"}
    )


# Suggestions as one types


def test_condition_suggestions_put_mesh_groups_first_and_are_bounded(
    client, samples, db, django_assert_max_num_queries
):
    cache.clear()
    with django_assert_max_num_queries(2):  # the index version, one query of at most 200 rows
        response = client.get("/conditions/suggest", {"q": "herniat"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    answer = json.loads(response.content)
    assert answer["q"] == "herniat"
    assert answer["names"][0] == IDD and len(answer["names"]) == 10
    assert answer["groups"][IDD]  # reached through one of its names, which the list labels it with
    assert all("herniat" in name.lower() for name in answer["names"][1:])
    with django_assert_max_num_queries(1):  # the same text again: from the cache
        assert json.loads(client.get("/conditions/suggest", {"q": "HERNIAT "}).content)["names"] == answer["names"]
    for short in ["", "h", " h ", "%%", "'"]:
        assert json.loads(client.get("/conditions/suggest", {"q": short}).content)["names"] == []
    long = client.get("/conditions/suggest", {"q": "disc " * 1000})
    assert long.status_code == 200 and len(json.loads(long.content)["q"]) <= 100
    odd = client.get("/conditions/suggest", {"q": "disc\x00\x1b herniat"})
    assert odd.status_code == 200 and json.loads(odd.content)["q"] == "disc herniat"
    assert client.post("/conditions/suggest", {"q": "disc"}).status_code == 405


def test_sponsor_suggestions(client, samples, db):
    names = json.loads(client.get("/sponsors/suggest", {"q": "univ"}).content)["names"]
    assert 0 < len(names) <= 10 and all("univ" in name.lower() for name in names)
    assert json.loads(client.get("/sponsors/suggest", {"q": "zzqqzz"}).content)["names"] == []


def test_suggestions_never_name_what_only_unpublished_trials_name(client, seed_trial, db):
    condition = seed_trial.ordered_conditions[1]
    sponsor = seed_trial.lead_sponsor
    assert condition.name in json.loads(client.get("/conditions/suggest", {"q": condition.name}).content)["names"]
    workflow.unpublish(seed_trial, None)
    cache.clear()
    assert json.loads(client.get("/conditions/suggest", {"q": condition.name}).content)["names"] == []
    assert json.loads(client.get("/sponsors/suggest", {"q": sponsor.name}).content)["names"] == []
    page = client.get("/trials/", {"condition": condition.name[:5]}).content.decode()
    assert condition.name not in page


# Without JavaScript: a partial name, and "Did you mean"


def test_a_partial_condition_finds_the_names_holding_its_words_and_offers_the_closest(client, search):
    response = search({"condition": "herniated LUMBAR"})
    page = response.content.decode()
    names = {
        name
        for name in Condition.objects.values_list("name", flat=True)
        if {"herniated", "lumbar"} <= set(name.lower().replace(",", "").split())
    }
    expected = {n for n, r in RECORDS.items() if names & set(module(r, "conditionsModule").get("conditions", []))}
    assert response.context["results"].total == len(expected) > 0
    assert set(exported(client, {"condition": "herniated LUMBAR"})) == expected
    assert "No condition is named exactly “herniated LUMBAR”" in page and "Did you mean:" in page
    links = re.findall(
        r'<a href="\?condition=([^"]+)" lang="en">([^<]+)</a>', page.split("Did you mean:")[1].split("</p>")[0]
    )
    assert links and all(value.replace("+", " ") == name for value, name in links)
    assert links[0][1] == IDD
    # the other filters kept, the page dropped
    kept = search({"condition": "herniat", "status": "COMPLETED", "page": "2"}).content.decode()
    offered = re.findall(r'<a href="(\?[^"]+)" lang="en">', kept.split("Did you mean:")[1].split("</p>")[0])
    assert offered and all("status=COMPLETED" in url and "page=" not in url for url in offered)


def test_an_exact_name_or_slug_offers_nothing(search):
    for value in [IDD, "lumbar disc herniation", "lumbar-disc-herniation"]:
        assert "Did you mean" not in search({"condition": value}).content.decode()


@pytest.mark.parametrize("value", ["%%", "—", "_", "'; --", "disc%", "a" * 300])
def test_odd_partial_names_never_fail(search, value):
    assert search({"condition": value, "sponsor": value}).status_code == 200


def test_a_name_nothing_holds_says_so(search):
    response = search({"condition": "zzqqzz", "sponsor": "university of"})
    page = response.content.decode()
    assert response.status_code == 200 and response.context["results"].total == 0
    assert "No condition is named “zzqqzz”, nor has a name holding its words." in page
    assert "No sponsor is named exactly “university of”" in page
    assert "?condition=zzqqzz&amp;sponsor=University+of" in page


def test_a_partial_sponsor_finds_the_sponsors_holding_its_words(client, search):
    sponsors = set(Sponsor.objects.filter(name__icontains="hospital").values_list("name", flat=True))
    expected = {n for n, r in RECORDS.items() if set(sponsors_of(r)) & {name.lower() for name in sponsors}}
    assert expected and set(exported(client, {"sponsor": "HOSPITAL"})) == expected


# Every change path keeps the terms up to date


@pytest.fixture
def quokka(seed_study, write_json, db):
    """Two trials naming "Quokka Fever", which their records map to "Quokka Syndrome" and "Marsupial Disease"."""

    def study(nct_id, conditions, leaves):
        data = json.loads(json.dumps(seed_study))
        data["protocolSection"]["identificationModule"]["nctId"] = nct_id
        data["protocolSection"]["conditionsModule"]["conditions"] = conditions
        data["derivedSection"] = {"conditionBrowseModule": browse(*leaves)}
        return write_json(f"{nct_id}.json", data)

    def write(nct_id, conditions, *leaves):
        assert import_paths(study(nct_id, conditions, leaves)).failures == []
        return Trial.objects.get(nct_id=nct_id)

    return write


def term_of(name):
    return Condition.objects.get(name=name).mesh_term


def test_an_import_that_stops_naming_a_condition_takes_its_vote_away(quokka):
    quokka("NCT90000011", ["Quokka Fever"], leaf("Quokka Syndrome", "Quokka Fever"))
    assert term_of("Quokka Fever") == "Quokka Syndrome"
    quokka("NCT90000012", ["Quokka Fever", "Numbat Cough"], leaf("Marsupial Disease", "Quokka Fever"))
    quokka("NCT90000013", ["Quokka Fever"], leaf("Marsupial Disease", "Fever"))
    assert term_of("Quokka Fever") == "Marsupial Disease"  # two votes to one
    quokka("NCT90000013", ["Numbat Cough"])  # re-imported without it: one vote each, A–Z
    assert term_of("Quokka Fever") == "Marsupial Disease"
    quokka("NCT90000012", ["Numbat Cough"])
    assert term_of("Quokka Fever") == "Quokka Syndrome"
    with deleting(Trial.objects.filter(nct_id="NCT90000011")):
        Trial.objects.filter(nct_id="NCT90000011").delete()
    assert term_of("Quokka Fever") is None


def test_an_admin_edit_that_takes_a_condition_off_a_trial_takes_its_vote_away(client, login, quokka):
    trial = quokka("NCT90000021", ["Quokka Fever", "Numbat Cough"], leaf("Quokka Syndrome", "Quokka Fever"))
    assert term_of("Quokka Fever") == "Quokka Syndrome"
    workflow.unpublish(trial, None)
    login("Trial editors")
    response = post_change(client, trial, **{"trial_conditions-0-DELETE": "on"})
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(Trial.objects.get(pk=trial.pk).conditions.values_list("name", flat=True)) == ["Numbat Cough"]
    assert term_of("Quokka Fever") is None


def test_a_renamed_condition_is_matched_again(client, login, quokka):
    quokka("NCT90000031", ["Quokka Fever", "Numbat Cough"], leaf("Quokka Syndrome", "Quokka Fever"))
    condition = Condition.objects.get(name="Numbat Cough")
    assert condition.mesh_term is None
    login("superuser")
    url = f"/admin/trials/condition/{condition.pk}/change/"
    response = client.post(url, {"name": "Quokka Fever Cough", "slug": condition.slug})
    assert response.status_code == 302, response.context and response.context["errors"]
    assert term_of("Quokka Fever Cough") == "Quokka Syndrome"


def test_the_rebuild_command_repairs_what_a_previous_release_left_empty(samples, db):
    from io import StringIO

    from django.core.management import call_command

    before = dict(Condition.objects.values_list("pk", "mesh_term"))
    TrialCondition.objects.filter(condition__mesh_term=IDD).update(mesh_term=None)
    out = StringIO()
    call_command("rebuild_condition_terms", stdout=out)
    assert re.fullmatch(r"[1-9]\d* trial votes and 0 condition terms changed.\n", out.getvalue())
    Condition.objects.filter(mesh_term=IDD).update(mesh_term=None)
    call_command("rebuild_condition_terms", stdout=out)
    assert dict(Condition.objects.values_list("pk", "mesh_term")) == before


def test_the_home_page_browses_condition_groups_not_their_variants(client, search):
    page = client.get("/").content.decode()
    cloud = page[page.index('class="condition-cloud"') : page.index("All conditions A–Z")]
    assert f'?condition={IDD.replace(" ", "%20")}" lang="en">{IDD}</a>' in cloud
    assert f'<span class="count">{len(group_trials(IDD))}</span>' in cloud
    for name in IDD_NAMES:  # every variant counted under the term, none listed beside it
        assert f">{name}</a>" not in cloud or name == IDD
