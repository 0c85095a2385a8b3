"""Word-level and item-level differences (trials/diffs.py): only what changed is marked, every piece escaped."""

import time

from trials.diffs import list_diff, word_diff


def test_only_the_changed_words_of_a_paragraph_are_marked():
    old, new = word_diff("Given every two or three weeks for two years.", "Given every three weeks for three years.")
    assert old == "Given every <del>two or</del> three weeks for <del>two</del> years."
    assert new == "Given every three weeks for <ins>three</ins> years."


def test_unchanged_paragraphs_stay_unmarked_and_keep_their_breaks():
    old, new = word_diff("First part.\n\nSecond part here.\n", "First part.\n\nSecond half here.\n\nThird.")
    assert old == "First part.\n\nSecond <del>part</del> here.\n"
    assert new == "First part.\n\nSecond <ins>half</ins> here.\n\n<ins>Third.</ins>"


def test_a_value_added_or_removed_is_marked_whole():
    assert word_diff("", "80 Years") == ("", "<ins>80 Years</ins>")
    assert word_diff("80 Years", "") == ("<del>80 Years</del>", "")


def test_html_in_registry_text_is_escaped_before_it_is_marked():
    old, new = word_diff("a dose of <b>two</b>", "a dose of <i>three</i>")
    assert old == "a dose of &lt;<del>b</del>&gt;<del>two</del>&lt;/<del>b</del>&gt;"
    assert new == "a dose of &lt;<ins>i</ins>&gt;<ins>three</ins>&lt;/<ins>i</ins>&gt;"
    assert word_diff("", "<script>alert(1)</script>")[1] == "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>"


def test_lists_are_compared_item_by_item():
    old, new = list_diff(["Leukemia", "Lymphoma", "Myeloma"], ["Leukemia", "Myeloma", "Myelodysplastic <Syndromes>"])
    assert old == "Leukemia; <del>Lymphoma</del>; Myeloma"
    assert new == "Leukemia; Myeloma; <ins>Myelodysplastic &lt;Syndromes&gt;</ins>"


def test_a_long_rewritten_text_is_compared_quickly():
    paragraph = " ".join(f"Criterion {n} of the study, or not." for n in range(100))  # 900 words
    old = "\n\n".join([paragraph] * 8)
    new = old.replace(" or ", " and ").replace("study", "trial")
    started = time.monotonic()
    marked_old, marked_new = word_diff(old, new)
    assert time.monotonic() - started < 2
    assert marked_old.count("<del>or</del>") == 800 and marked_new.count("<ins>trial</ins>") == 800


def test_a_sentence_too_long_to_compare_word_by_word_is_marked_whole():
    old = " ".join(f"criterion {n} of the study, or not" for n in range(1000))  # 8,000 words, no full stop
    started = time.monotonic()
    marked_old, marked_new = word_diff(old, old.replace(" or ", " and "))
    assert time.monotonic() - started < 1
    assert marked_old.startswith("<del>criterion 0") and marked_new.endswith("and not</ins>")
