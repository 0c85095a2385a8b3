"""The registry's text stays English on a Chinese page, and says so: each element holding it carries lang="en" (or
sits in one that does), so that screen readers speak it in English and browsers hyphenate and choose fonts for
English; our translated labels beside it stay in the page's language."""

from html.parser import HTMLParser

import pytest

from .conftest import SAMPLE_DIR, import_paths, load_json
from .factories import change

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
NCT_ID = "NCT00000410"  # two groups, two interventions, 13 sites, collaborators, an official, criteria
TITLE = "Spine Patient Outcomes Research Trial, renamed"  # its title as the second version gives it
CONDITION = "Low Back Pain"
INTERVENTION = "Diskectomy"
SPONSOR = "Dartmouth-Hitchcock Medical Center"
SITE = "Kaiser Permanente Spine Care Program"
CRITERION = "Previous lumbar spine surgery."
ARM = "Non-surgical intervention"
PAGES = {
    "": [TITLE, CONDITION, INTERVENTION, SPONSOR],
    "design/": [TITLE, INTERVENTION, ARM],
    "groups/": [ARM, INTERVENTION],
    "eligibility/": [CRITERION],
    "eligibility/checklist/": [CRITERION],
    "contacts/": [SPONSOR, SITE],
    "history/": [TITLE, "Intervertebral Disc Herniation", "renamed"],  # the title; the words removed and added
    "full/": [TITLE, CONDITION, INTERVENTION, SPONSOR, SITE, CRITERION, ARM],
}


class LanguageOfText(HTMLParser):
    """The page's visible texts, each with the language it is marked in: the lang of the nearest element that
    has one (the <html> element's, if no other). The <head>, scripts and styles are left out."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.open, self.texts = [], []  # open: [(tag, lang)]; texts: [(text, lang)]

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs).get("lang", self.open[-1][1] if self.open else None)))

    def handle_endtag(self, tag):
        tags = [open_tag for open_tag, _ in self.open]
        if tag in tags:
            del self.open[len(tags) - 1 - tags[::-1].index(tag) :]

    def handle_data(self, data):
        hidden = any(tag in ("head", "script", "style") for tag, _ in self.open)
        if data.strip() and not hidden:
            self.texts.append((" ".join(data.split()), self.open[-1][1]))


def languages_of(client, url, text):
    """The languages each visible occurrence of `text` on the Chinese page at url is marked in."""
    response = client.get(url, **ZH)
    assert response.status_code == 200, url
    parser = LanguageOfText()
    parser.feed(response.content.decode())
    return [lang for node, lang in parser.texts if text in node]


@pytest.fixture
def renamed(write_json):
    """The record imported, then again under a new title: a second version for the history page to compare."""
    study = load_json(SAMPLE_DIR / f"{NCT_ID}.json")
    assert import_paths(write_json(f"{NCT_ID}.json", study)).failures == []
    change(study, "identificationModule.briefTitle", TITLE)
    assert import_paths(write_json(f"{NCT_ID}.json", study)).failures == []


@pytest.mark.parametrize("tab", PAGES)
def test_registry_text_on_a_chinese_record_page_is_marked_english(client, renamed, tab):
    for text in PAGES[tab]:
        found = languages_of(client, f"/trials/{NCT_ID}/{tab}", text)
        assert found and set(found) == {"en"}, (tab, text, found)


def test_the_chinese_labels_beside_the_registry_text_are_not_marked_english(client, renamed):
    assert languages_of(client, f"/trials/{NCT_ID}/", "招募状态") == ["zh-hans"]  # "Recruitment status"


def test_registry_text_in_a_chinese_search_list_is_marked_english(client, renamed):
    for text in [TITLE, CONDITION, SPONSOR]:
        found = languages_of(client, f"/trials/?q=spine&condition={CONDITION}", text)
        assert found and set(found) == {"en"}, (text, found)
