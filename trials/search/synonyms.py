"""The words people type, mapped to the words the registry uses: "leukaemia", "heart attack", "bowel cancer".

synonyms.csv lists each pair with its kind and where it comes from (MeSH entry terms, MedlinePlus and NHS
health topic names, UK/US spellings and drug names). A spelling pair works both ways ("tumour" finds
"tumor" and "tumor" finds "tumour"); a lay term adds the registry's word to what is looked for ("heart
attack" also looks for "myocardial infarction"), not the reverse: trials seldom use the lay words, and the
registry's word is the MeSH heading ClinicalTrials.gov files each trial under, which the index holds with
its ancestors (trials/search/documents.py), so "cancer" reaches every kind of neoplasm.
"""

import csv
import itertools
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

WORD_RE = re.compile(r"\w+")  # a word, as both databases index them (punctuation dropped)
TABLE = Path(__file__).with_name("synonyms.csv")
LONGEST_TERM = 5  # words: typed words are joined into a known term of at most this many
MAX_SPELLINGS = 8  # spellings tried for one multi-word term (each word may have two)


def words_of(text):
    return tuple(WORD_RE.findall(text.lower()))


@cache
def table():
    """({term: {other spellings}}, {term: {registry terms}}), terms as tuples of words."""
    spellings, lay = defaultdict(set), defaultdict(set)
    with TABLE.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            typed, registry = words_of(row["typed"]), words_of(row["registry"])
            if row["kind"] == "spelling":
                spellings[typed].add(registry)
                spellings[registry].add(typed)
            else:
                lay[typed].add(registry)
    return dict(spellings), dict(lay)


def _singular(term):
    """The term with a plain plural on its last word dropped ("heart attacks" -> "heart attack"), or None."""
    last = term[-1]
    if len(last) > 3 and last.endswith("s") and not last.endswith("ss"):
        return (*term[:-1], last[:-1])
    return None


def _spellings(term):
    """The term as typed and in its other spellings, whole or word by word."""
    spellings, _ = table()
    found = [term, *sorted(spellings.get(term, ()))]
    if len(term) > 1:
        one_word = {word: [other[0] for other in spellings.get((word,), ()) if len(other) == 1] for word in term}
        per_word = [[word, *sorted(one_word[word])] for word in term]
        found += itertools.islice(itertools.product(*per_word), MAX_SPELLINGS)
    return list(dict.fromkeys(found))


def alternatives(term):
    """(every term to look for when `term` is typed, those worth naming on the page): its spellings, and the
    registry's terms for each (named as the table has them; their own other spellings are looked for too)."""
    _, lay = table()
    found, named = [], []
    for spelt in _spellings(term):
        found.append(spelt)
        named.append(spelt)
        for form in (spelt, _singular(spelt)):
            for registry in sorted(lay.get(form, ())) if form else ():
                named.append(registry)
                found += _spellings(registry)
    return list(dict.fromkeys(found)), list(dict.fromkeys(named))


def is_known(term):
    """Whether the term, in any of its spellings, is in the table (so typed words may be joined into it)."""
    spellings, lay = table()
    forms = (form for spelt in _spellings(term) for form in (spelt, _singular(spelt)) if form)
    return any(form in spellings or form in lay for form in forms)


def expand(groups):
    """(the groups of a TextQuery widened from what people type to the registry's words, the terms added that
    are worth naming on the page). Consecutive single words that make a known term ("heart" "attack") become
    one group for that term."""
    expanded, named, start = [], [], 0
    while start < len(groups):
        for stop in range(min(len(groups), start + LONGEST_TERM), start + 1, -1):
            run = groups[start:stop]
            if all(len(group) == 1 and len(group[0]) == 1 for group in run):
                typed = [tuple(group[0][0] for group in run)]
                if is_known(typed[0]):
                    start = stop
                    break
        else:
            typed = groups[start]
            start += 1
        widened = [alternatives(term) for term in typed]
        expanded.append(list(dict.fromkeys(found for terms, _ in widened for found in terms)))
        named += [term for _, terms in widened for term in terms if term not in typed]
    return expanded, list(dict.fromkeys(named))
