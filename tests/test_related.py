"""Related trials are precomputed after each import, best match first, with a reason."""

from collections import Counter

import pytest

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
    nct_ids = {i: f"NCT0000000{i}" for i in features}
    assert related_for(1, features, postings, nct_ids) == [
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
