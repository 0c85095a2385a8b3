"""The Simplified Chinese interface: a complete catalogue, and the seed trial's pages with no English left."""

import json
import re
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings

from trials.eligibility import unescape_markdown
from trials.search import synonyms

from .conftest import SAMPLE_DIR

CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
SEED_PAGES = [
    "/trials/NCT07107204/",
    "/trials/NCT07107204/?near=Beijing",
    "/trials/NCT07107204/design/",
    "/trials/NCT07107204/groups/",
    "/trials/NCT07107204/eligibility/",
    "/trials/NCT07107204/eligibility/?age=72&sex=FEMALE&healthy_volunteers=true",
    "/trials/NCT07107204/eligibility/?age=abc",
    "/trials/NCT07107204/eligibility/?age=",
    "/trials/NCT07107204/eligibility/?age=70",
    "/trials/NCT07107204/eligibility/checklist/?age=40",
    "/trials/NCT07107204/contacts/",
    "/trials/NCT07107204/history/",
    "/trials/NCT07107204/full/",
    "/trials/NCT01367860/results/",  # posted results: flow, baseline, outcomes with analyses, adverse events
    "/trials/NCT03064438/results/",
    "/",
    "/trials/?q=leukemia",
    "/trials/?q=zzzzqqqq",
    "/trials/?near=Beijing&distance=500",
    "/conditions/",
    "/sponsors/",
    "/glossary/",
    "/trials/NCT00000000/",
]
# Names that are the same in every language: the registry, formats, and the language switcher's own names.
UNTRANSLATED = ["ClinicalTrials.gov", "API v2", "JSON", "CSV", "RSS", "PubMed", "MeSH", "English", "NCT", "km"]
TYPED = ["leukemia", "zzzzqqqq", "Beijing", "China", "abc"]  # what the person typed, and GeoNames' place names
# the words a search adds to what was typed (trials/search/synonyms.csv), which the page names as they are
ADDED = sorted({" ".join(words) for pair in synonyms.table() for terms in pair.values() for words in terms}, key=len)[
    ::-1
]


class TextNodes(HTMLParser):
    """Visible text and the attributes read aloud, outside <script>, <style> and the <head>, and outside the record's
    text, marked lang="en" (a registry's "Female" or "Yes" is not our untranslated label)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.nodes, self.skipping, self.open = [], 0, []

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("script", "style", "head")
        if tag not in self.VOID:
            self.open.append((tag, tag != "html" and dict(attrs).get("lang") == "en"))
        if not any(english for _, english in self.open):
            self.nodes += [value for name, value in attrs if name in ("aria-label", "placeholder", "title") and value]

    def handle_endtag(self, tag):
        self.skipping -= tag in ("script", "style", "head")
        while self.open and self.open.pop()[0] != tag:  # an element left open closes with its parent
            pass

    def handle_data(self, data):
        if not self.skipping and data.strip() and not any(english for _, english in self.open):
            self.nodes.append(" ".join(data.split()))


def text_nodes(response):
    parser = TextNodes()
    parser.feed(response.content.decode())
    return parser.nodes


def registry_texts(*paths):
    """Every text of the records as pages show it: markdown escapes removed, also lower-cased."""
    texts = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            text = unescape_markdown(value)
            texts.extend([" ".join(text.split()), " ".join(re.sub(r"\*\*|__", "", text).split())])  # as in snippets

    for path in paths:
        walk(json.loads(path.read_text(encoding="utf-8")))
    return sorted({*texts, *(text.lower() for text in texts)}, key=len, reverse=True)


def test_the_catalogue_is_complete_and_compiled():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    assert catalogue.percent_translated() == 100
    assert not catalogue.fuzzy_entries() and not catalogue.obsolete_entries()
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in polib.mofile(str(CATALOGUE / "django.mo"))
    }
    source = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in catalogue}
    assert compiled == source, "django.mo is stale: run `make messages`"


@pytest.mark.django_db
def test_the_chinese_interface_leaves_no_english_label_on_the_seed_trials_pages(client, seed_trial, all_samples):
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    labels = {entry.msgid for entry in catalogue if "%" not in entry.msgid and "<" not in entry.msgid}
    every_record = "\n".join(registry_texts(*SAMPLE_DIR.glob("*.json")))  # the seed, related trials, results…
    for url in SEED_PAGES:
        english = text_nodes(client.get(url))
        chinese = text_nodes(client.get(url, **ZH))
        assert any(node in labels for node in english), url  # the check below has labels to look for
        left = {node for node in chinese if node in labels and re.search(r"[A-Za-z]{2}", node)}
        assert not left, (url, left)
        for node in chinese:  # any other Latin words must be record text (or lists of it) or a name
            if node in every_record:  # markdown splits a record's text into several nodes
                continue
            rest = re.sub(r"https?://\S+", " ", node)
            for name in [*UNTRANSLATED, *TYPED]:
                rest = rest.replace(name, " ")
            parts = [part for part in re.split(r"[,;·()：，、；（）“”…]", rest) if part.strip() not in every_record]
            words = [word for word in re.findall(r"[A-Za-z]{3,}", " ".join(parts)) if word not in ADDED]
            assert all(re.fullmatch("[IVX]+", word) for word in words), (url, node)  # phase numbers: III期
