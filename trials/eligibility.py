"""Eligibility: the registry's criteria text as ordered items, and ages as comparable numbers.

The criteria text is markdown-ish free text. Registry records use headings
("Inclusion Criteria:", "Key Exclusion Criteria", with or without a colon),
bulleted ("*", "-", "•") and numbered ("1.", "1)", "a.") lists, sub-items
indented under their parent, continuation lines, and plain prose.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from .choices import CriterionKind

AGE_UNITS_IN_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / (365.25 * 24),
    "minute": 1 / (365.25 * 24 * 60),
}
AGE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)


def age_in_years(text):
    """ "18 Years" -> 18.0, "6 Months" -> 0.5; "" (no limit) -> None. Raises ValueError on anything else."""
    if not text:
        return None
    match = AGE_RE.match(text)
    if not match:
        raise ValueError(f'"{text}" is not an age like "18 Years" or "6 Months".')
    return round(float(match[1]) * AGE_UNITS_IN_YEARS[match[2].lower()], 6)


# A backslash before markdown punctuation is an escape: "\<70" reads "<70".
MARKDOWN_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~=^])")
HEADING_RE = re.compile(
    r"^[\s*#_\-]*(?:key\s+|main\s+|general\s+)?(?P<kind>inclusion|exclusion)(?P<criteria>\s+criteri(?:a|on))?\b"
    r"(?P<rest>[^:\n]*?)[\s*_]*(?::(?P<after>.*))?$",
    re.IGNORECASE,
)
WORD_RE = re.compile(r"\w")
BULLET_RE = re.compile(
    r"^(?P<indent>\s*)(?:[*\-+•·◦▪]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])\s+(?P<text>.*)$"
)


@dataclass(frozen=True)
class Criterion:
    kind: str
    level: int
    text: str


def unescape_markdown(text):
    return MARKDOWN_ESCAPE_RE.sub(r"\1", text)


def _heading(line):
    """The criterion kind a heading line starts, and any text after its colon; None for other lines."""
    match = HEADING_RE.match(line)
    if not match or not (match["criteria"] or match["after"] is not None) or len(match["rest"].split()) > 4:
        return None
    kind = CriterionKind.INCLUSION if match["kind"].lower() == "inclusion" else CriterionKind.EXCLUSION
    return kind, (match["after"] or "").strip(" *_\t")


def parse_criteria(text, max_level=3):
    """Split eligibility text into ordered Criterion items (inclusion, exclusion or general)."""
    items = []
    kind = CriterionKind.GENERAL
    indents = []  # indentation of the open list levels in the current section
    last_was_item = False
    for raw_line in unescape_markdown(text or "").splitlines():
        line = raw_line.replace("\t", "    ").rstrip()
        if not WORD_RE.search(line):
            last_was_item = False
            continue
        heading = _heading(line)
        if heading:
            kind, after = heading
            indents = []
            last_was_item = False
            if after:
                items.append(Criterion(kind, 0, after))
            continue
        bullet = BULLET_RE.match(line)
        if bullet:
            indent = len(bullet["indent"])
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            items.append(Criterion(kind, min(len(indents) - 1, max_level), bullet["text"].strip()))
            last_was_item = True
        elif last_was_item and items:
            previous = items[-1]
            items[-1] = Criterion(previous.kind, previous.level, f"{previous.text} {line.strip()}")
        else:
            indents = []
            items.append(Criterion(kind, 0, line.strip()))
            last_was_item = True
    return items


SECTION_HEADINGS = {CriterionKind.INCLUSION: "Inclusion Criteria:", CriterionKind.EXCLUSION: "Exclusion Criteria:"}


def criteria_text(items):
    """Items (kind, level, text) written back as criteria text that parse_criteria() reads as the same items.

    General items come first as they were, then each inclusion or exclusion run under its heading;
    a nested item is a bullet indented two spaces per level.
    """
    lines, kind = [], CriterionKind.GENERAL
    for item in items:
        if item.kind != kind:
            kind = item.kind
            lines += ["", SECTION_HEADINGS.get(kind, ""), ""]
        lines.append(f"{'  ' * item.level}* {' '.join(item.text.split())}")
    return "\n".join(lines).strip()


# An age in the reader's language, by the registry's unit ("18 Years" -> "18 years", "18岁").
AGE_WORDS = {
    "year": ngettext_lazy("%(count)s year", "%(count)s years", "count"),
    "month": ngettext_lazy("%(count)s month", "%(count)s months", "count"),
    "week": ngettext_lazy("%(count)s week", "%(count)s weeks", "count"),
    "day": ngettext_lazy("%(count)s day", "%(count)s days", "count"),
    "hour": ngettext_lazy("%(count)s hour", "%(count)s hours", "count"),
    "minute": ngettext_lazy("%(count)s minute", "%(count)s minutes", "count"),
}
AGE_RANGES = {  # two ages in the same unit
    "year": gettext_lazy("%(low)s to %(high)s years"),
    "month": gettext_lazy("%(low)s to %(high)s months"),
    "week": gettext_lazy("%(low)s to %(high)s weeks"),
    "day": gettext_lazy("%(low)s to %(high)s days"),
    "hour": gettext_lazy("%(low)s to %(high)s hours"),
    "minute": gettext_lazy("%(low)s to %(high)s minutes"),
}


def _age_parts(text):
    """ "18 Years" -> (18, "year"); "6.5 Months" -> (6.5, "month")."""
    match = AGE_RE.match(text)
    number = float(match[1])
    return (int(number) if number.is_integer() else number), match[2].lower()


def age_words(text):
    """A registry age ("18 Years") as the reader says it: "18 years" in English."""
    count, unit = _age_parts(text)
    return AGE_WORDS[unit] % {"count": count}


def describe_ages(minimum, maximum):
    """ "18 Years", "70 Years" -> "18 to 70 years"; no maximum -> "18 years and older"; in the reader's language."""
    if minimum and maximum:
        (low, low_unit), (high, high_unit) = _age_parts(minimum), _age_parts(maximum)
        if low_unit == high_unit:
            return AGE_RANGES[high_unit] % {"low": low, "high": high}
        return _("%(minimum)s to %(maximum)s") % {"minimum": age_words(minimum), "maximum": age_words(maximum)}
    if minimum:
        return _("%(minimum)s and older") % {"minimum": age_words(minimum)}
    if maximum:
        return _("up to %(maximum)s") % {"maximum": age_words(maximum)}
    return _("Any age")


@dataclass
class Node:
    item: object
    children: list


def nest_criteria(items):
    """Flat items with a `level` -> a tree of Node(item, children), for nested lists on pages."""
    roots, stack = [], []  # stack: (level, node) of the open parents
    for item in items:
        node = Node(item, [])
        while stack and stack[-1][0] >= item.level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((item.level, node))
    return roots


def keep_criteria_in_step(trial, text_changed, items_changed):
    """After staff edited a trial, make its criteria text and items say the same thing.

    The text changed: the items are read again from it (the importer's parser). Only the items
    changed: the text is written again from them. Returns True when both changed (the text won).
    """
    if text_changed:
        criteria = trial.criteria
        criteria.all().delete()
        criteria.model.objects.bulk_create(
            criteria.model(trial=trial, position=i, kind=item.kind, level=item.level, text=item.text)
            for i, item in enumerate(parse_criteria(trial.eligibility_criteria))
        )
        return items_changed
    if items_changed:
        trial.eligibility_criteria = criteria_text(trial.criteria.all())
        trial.save(update_fields=["eligibility_criteria"])
    return False
