"""What changed between two values of a record, marked up word by word (text) or item by item (lists).

    >>> word_diff("every two or three weeks", "every three weeks")
    ('every <del>two or</del> three weeks', 'every three weeks')
    >>> list_diff(["Leukemia", "Lymphoma"], ["Leukemia", "Myeloma"])
    ('Leukemia; <del>Lymphoma</del>', 'Leukemia; <ins>Myeloma</ins>')

Each returns the old and the new value as HTML: what only the old one has in <del>, what only the new
one has in <ins>, the rest as it was. Every piece of text is escaped before it is marked up, so registry
text holding HTML shows as the text it is. trials.history.changes() gives them for every changed field.
"""

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

# Sentences and lines: split after a full stop, question or exclamation mark before a space, and after a line end.
SENTENCE_ENDS = re.compile(r"(?<=[.!?])(?=\s)|(?<=\n)")
# Words and single other characters, each with the white space after it: joined, they give the text back.
TOKENS = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")
# Beyond this many (old word, new word) pairs in changed sentences compared together, difflib takes over a
# tenth of a second: they are marked as a whole instead (about 500 words on each side).
MOST_WORD_PAIRS = 250_000
MARKS = {"del": "{}<del>{}</del>{}", "ins": "{}<ins>{}</ins>{}"}


def word_diff(old, new):
    """(old, new) as HTML, the words that changed marked: <del> in the old text, <ins> in the new one.

    Sentences and lines are compared first, then the words of those that changed; a change of the white
    space after a word alone is not marked.
    """
    old_html, new_html = [], []
    old_sentences, new_sentences = _sentences(old), _sentences(new)
    for changed, old_span, new_span in _runs(old_sentences, new_sentences):
        old_part, new_part = old_sentences[old_span], new_sentences[new_span]
        if not changed:
            pieces = [(False, "".join(old_part), "".join(new_part))]
        elif len(old_part) == len(new_part):  # each sentence edited: compared with its own new version
            pieces = [piece for pair in zip(old_part, new_part, strict=True) for piece in _word_runs(*pair)]
        else:
            pieces = _word_runs("".join(old_part), "".join(new_part))
        for words_changed, old_piece, new_piece in pieces:
            old_html.append(_mark("del", old_piece) if words_changed else escape(old_piece))
            new_html.append(_mark("ins", new_piece) if words_changed else escape(new_piece))
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # noqa: S308 - every piece escaped


def list_diff(old_items, new_items):
    """(old, new) as HTML, items joined by "; ": items removed in <del> in the old list, added in <ins> in the new."""
    old_items, new_items = [str(item) for item in old_items], [str(item) for item in new_items]
    old_html, new_html = [], []
    for changed, old_span, new_span in _runs(old_items, new_items):
        old_html.extend(format_html("<del>{}</del>", item) if changed else escape(item) for item in old_items[old_span])
        new_html.extend(format_html("<ins>{}</ins>", item) if changed else escape(item) for item in new_items[new_span])
    return mark_safe("; ".join(old_html)), mark_safe("; ".join(new_html))  # noqa: S308 - every item escaped


def _word_runs(old, new):
    """(changed, old text, new text) for each run of words that are the same or differ in two pieces of text."""
    old_words, new_words = TOKENS.findall(old), TOKENS.findall(new)
    if len(old_words) * len(new_words) > MOST_WORD_PAIRS:
        return [(True, old, new)]
    runs = _runs(_keys(old_words), _keys(new_words))
    return [(changed, "".join(old_words[o]), "".join(new_words[n])) for changed, o, n in runs]


def _sentences(text):
    return [sentence for sentence in SENTENCE_ENDS.split(text) if sentence]


def _keys(words):
    """What is compared of each word: the word without the white space after it."""
    return [word.rstrip() or word for word in words]


def _runs(old, new):
    """(changed, old slice, new slice) for each run of pieces that are the same or differ, in order."""
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return [(tag != "equal", slice(i1, i2), slice(j1, j2)) for tag, i1, i2, j1, j2 in opcodes]


def _mark(tag, text):
    """The text in one <del> or <ins>, escaped; white space around its words left outside."""
    words = text.strip()
    if not words:
        return escape(text)
    start = text.index(words)
    return format_html(MARKS[tag], text[:start], words, text[start + len(words) :])
