"""The markdown filter: registry markdown as sanitised HTML, with a fast path for plain paragraphs."""

import nh3
from hypothesis import example, given, settings
from hypothesis import strategies as st

from trials.templatetags import trials as tags

# Words, spaces, blank lines and the punctuation of registry prose, including list markers ("-", "1)") and "*".
PROSE = st.text(st.sampled_from("ab Z9é.,;:()%/'\"?\n\n  -1)*"), max_size=60)


def through_python_markdown(text):
    """What the filter returns without its fast path."""
    text = tags.REGISTRY_ESCAPES.sub(lambda match: "&lt;" if match[1] == "<" else match[1], text)
    return nh3.clean(tags._markdown_converter().convert(text), tags=tags.ALLOWED_TAGS, link_rel="nofollow noopener")


@settings(max_examples=500)
@given(PROSE)
@example("First paragraph.\nSame paragraph.\n\n\n\nSecond: 'quoted' \"text\" (50%).\n")
@example("Patients aged 18-65 years.\n- a list\n1. and one more")
def test_plain_paragraphs_give_the_html_python_markdown_gives(text):
    html = str(tags.markdown(text))
    assert nh3.clean(html, tags=tags.ALLOWED_TAGS) == nh3.clean(through_python_markdown(text), tags=tags.ALLOWED_TAGS)


def test_most_summaries_take_the_fast_path_and_markup_does_not():
    assert not tags.MARKUP.search("A study of aspirin.\n\nIt lasts 2 years (estimated).")
    for text in (
        "Use *this*",
        "a\n- item",
        "1. first",
        "line  \nbreak",
        "\tcode",
        "x <b>",
        "R&D",
        "\\<70",
        "Title\n===",
    ):
        assert tags.MARKUP.search(text), text
    assert str(tags.markdown("<b>x</b> & y")) == "<p>&lt;b&gt;x&lt;/b&gt; &amp; y</p>"  # HTML in a record is text
