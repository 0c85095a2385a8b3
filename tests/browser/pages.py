"""Every public page type, for the browser tests that visit them all (accessibility, security policy).

A value is a path, or a function giving one once the sample records are imported."""

from .conftest import SEED_NCT

SEED_SECTIONS = ["", "design/", "groups/", "eligibility/", "contacts/", "history/", "full/"]


def seed_trial():
    from trials.models import Trial

    return Trial.objects.get(nct_id=SEED_NCT)


def sponsor_path():
    return seed_trial().lead_sponsor.get_absolute_url()


def investigator_path():
    official = seed_trial().officials.select_related("investigator").first()
    assert official is not None, f"{SEED_NCT} lists no investigator"
    return official.investigator.get_absolute_url()


def condition_path():
    condition = seed_trial().ordered_conditions[0]
    return condition.get_absolute_url()


PAGES = {
    "home": "/",
    "search-results": "/trials/?q=herniation",
    "search-no-results": "/trials/?q=zzzzqqqq",
    "search-filters": "/trials/?q=disc&status=OPEN&status=COMPLETED&phase=NA&country=Turkey&start_from=2015-01-01",
    "search-bare": "/trials/",
    "search-did-you-mean": "/trials/?condition=herniated&sponsor=zzqqzz",
    **{f"record-{section.rstrip('/') or 'overview'}": f"/trials/{SEED_NCT}/{section}" for section in SEED_SECTIONS},
    "sponsor": sponsor_path,
    "investigator": investigator_path,
    "condition": condition_path,
    "condition-in-group": "/conditions/lumbar-disc-herniation/",  # with its MeSH group and the group's other names
    "conditions": "/conditions/",
    "sponsors": "/sponsors/",
    "search-near": "/trials/?near=Beijing&distance=500",
    "search-near-namesakes": "/trials/?near=Paris",  # the place understood, and links to the other Parises
    "search-bad-input": "/trials/?near=Qqqqville&age=abc",
    "record-eligibility-checked": f"/trials/{SEED_NCT}/eligibility/?age=72&sex=FEMALE&healthy_volunteers=true",
    "record-eligibility-bad-input": f"/trials/{SEED_NCT}/eligibility/?age=abc",
    "checklist": f"/trials/{SEED_NCT}/eligibility/checklist/?age=40",
    "record-contacts-near": "/trials/NCT06388018/contacts/?near=Boston",
    "record-overview-near": "/trials/NCT06323538/?near=Berlin&distance=500",  # sites, contacts with an email
    "record-overview-no-contacts": "/trials/NCT06131398/",  # 25 sites in 11 countries, no central contact
    "record-eligibility-ask-the-team": f"/trials/{SEED_NCT}/eligibility/?age=70",
    "record-results": "/trials/NCT01978912/results/",  # 4 groups, 49 adverse-event terms over 10 organ systems
    "record-results-analyses": "/trials/NCT01367860/results/",  # 17 measures, with statistical analyses
    "record-full-with-results": "/trials/NCT00353704/full/",
    "glossary": "/glossary/",
    "home-chinese": "/?lang=zh-hans",
    "record-full-chinese": f"/trials/{SEED_NCT}/full/?lang=zh-hans",  # Chinese labels, the record lang="en"
    "not-found": "/trials/NCT00000000/",
}
