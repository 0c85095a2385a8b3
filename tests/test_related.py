"""Related trials are precomputed after each import, open trials first, then the best match, with a reason."""

from collections import Counter

import pytest

from trials import choices
from trials.models import RelatedTrial, Trial
from trials.related import related_for

from .conftest import SAMPLE_DIR, import_paths, load_json

pytestmark = pytest.mark.django_db


def test_trials_sharing_a_condition_are_related_with_that_reason():
    import_paths(SAMPLE_DIR)
    lymphoma = set(Trial.objects.filter(conditions__name="Lymphoma").values_list("nct_id", flat=True))
    seed = Trial.objects.get(nct_id="NCT07107204")
    links = list(seed.related_links.select_related("related"))
    assert {link.related.nct_id for link in links} >= lymphoma - {"NCT07107204"}
    assert all(link.related_id != seed.pk for link in links)
    assert any((link.reason_kind, link.reason_value) == ("condition", "Lymphoma") for link in links)


def test_at_most_five_related_trials_each():
    import_paths(SAMPLE_DIR)
    per_trial = Counter(RelatedTrial.objects.values_list("trial_id", flat=True))
    assert per_trial and max(per_trial.values()) == 5


def test_scores_rank_conditions_over_interventions_over_title_words():
    features = {
        1: {"condition": {"Asthma"}, "intervention": {"Salbutamol"}, "word": {"inhaler"}},
        2: {"condition": set(), "intervention": {"Salbutamol"}, "word": set()},  # 4
        3: {"condition": {"Asthma"}, "intervention": set(), "word": set()},  # 6
        4: {"condition": set(), "intervention": set(), "word": {"inhaler"}},  # 1: below the threshold
    }
    postings = {}
    for trial_id, kinds in features.items():
        for kind, values in kinds.items():
            for value in values:
                postings.setdefault((kind, value.lower()), []).append(trial_id)
    standing = {i: (True, f"NCT0000000{i}") for i in features}  # all closed: by score
    assert related_for(1, features, postings, standing) == [
        (3, 6, ("condition", "Asthma")),
        (2, 4, ("intervention", "Salbutamol")),
    ]


def test_reimport_refreshes_the_lists(write_json):
    import_paths(SAMPLE_DIR / "NCT07107204.json", SAMPLE_DIR / "NCT02576665.json")  # both list Lymphoma
    seed = Trial.objects.get(nct_id="NCT07107204")
    assert [link.related.nct_id for link in seed.related_links.all()] == ["NCT02576665"]
    other = load_json(SAMPLE_DIR / "NCT02576665.json")
    other["protocolSection"]["conditionsModule"]["conditions"] = ["Glioma"]
    other["protocolSection"]["armsInterventionsModule"]["interventions"] = []
    for arm in other["protocolSection"]["armsInterventionsModule"].get("armGroups", []):
        arm.pop("interventionNames", None)
    import_paths(write_json("changed.json", other))
    assert list(seed.related_links.all()) == []


def test_open_trials_come_first_then_the_score():
    features = {
        1: {"condition": {"Asthma"}, "intervention": {"Salbutamol"}, "word": set()},
        2: {"condition": {"Asthma"}, "intervention": {"Salbutamol"}, "word": set()},  # 10, completed
        3: {"condition": {"Asthma"}, "intervention": set(), "word": set()},  # 6, completed
        4: {"condition": set(), "intervention": {"Salbutamol"}, "word": set()},  # 4, not yet recruiting
        5: {"condition": set(), "intervention": {"Salbutamol"}, "word": set()},  # 4, enrolling by invitation
    }
    postings = {}
    for trial_id, kinds in features.items():
        for kind, values in kinds.items():
            for value in values:
                postings.setdefault((kind, value.lower()), []).append(trial_id)
    closed = {1: True, 2: True, 3: True, 4: False, 5: False}
    standing = {i: (closed[i], f"NCT0000000{6 - i}") for i in features}  # NCT IDs in the reverse order
    assert [other for other, _score, _reason in related_for(1, features, postings, standing)] == [5, 4, 2, 3]


def test_every_list_holds_its_open_trials_first():
    import_paths(SAMPLE_DIR)
    lists = {}
    for link in RelatedTrial.objects.select_related("related").order_by("trial_id", "position"):
        lists.setdefault(link.trial_id, []).append((link.related.overall_status not in choices.OPEN, -link.score))
    assert all(ranks == sorted(ranks) for ranks in lists.values())
    assert any(ranks[0][0] is False and ranks[-1][0] is True for ranks in lists.values())  # both kinds in a list
