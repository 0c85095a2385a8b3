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


# Age limits the criteria text states ("Age: ≥18 and <70 years", "aged 18-65", "under 70 years old"), read
# conservatively: only where the words tie the numbers to age, in years, in the inclusion (or unheaded) criteria,
# not in a condition ("for participants under 18...", "children aged 5-8 years must have..."); limits that
# disagree with each other are left out. The quick check compares them with the record's structured ages.


@dataclass(frozen=True)
class AgeBound:
    years: int
    inclusive: bool  # "≥ 18", "18 or older", "up to 65" are; "> 18", "over 18", "< 70", "under 70" are not


@dataclass(frozen=True)
class StatedAges:
    minimum: AgeBound | None
    maximum: AgeBound | None
    text: str  # the criterion that states them (the first one), quoted


_COMPARATORS = {  # word or sign -> (which limit, inclusive)
    **dict.fromkeys([">=", "at least", "not less than", "no less than", "not younger than", "no younger than",
                     "minimum", "minimum of", "a minimum of"], ("minimum", True)),
    **dict.fromkeys([">", "over", "above", "more than", "older than", "greater than"], ("minimum", False)),
    **dict.fromkeys(["<=", "up to", "no older than", "not older than", "no more than", "not more than",
                     "not exceeding", "maximum", "maximum of", "a maximum of"], ("maximum", True)),
    **dict.fromkeys(["<", "under", "below", "less than", "younger than"], ("maximum", False)),
}  # fmt: skip
_SUFFIXES = {"older": "minimum", "over": "minimum", "above": "minimum", "up": "minimum",
             "younger": "maximum", "under": "maximum", "below": "maximum", "less": "maximum"}  # fmt: skip
_COMPARATOR = "(?P<{name}>" + "|".join(sorted(map(re.escape, _COMPARATORS), key=len, reverse=True)) + ")"
_NUMBER = r"(?<![\d.,])(?P<{name}>\d{{1,3}})(?![\d]|[.,]\d)"
_NOT_YEARS = r"(?!\s*(?:months?|mos?\b|weeks?|wks?\b|days?|hours?|%|kg|cm|mm|mg|ml|g\b|points?|score|cells))"
_YEARS = r"(?:years?|yrs?\.?)"
_OLD = r"(?:of\s+age|old|age)\b"
_AGE = r"\bage[ds]?\b"
_ENDS = r"(?=\s*(?:$|[.,;:)]|and\b|or\b|at\b|on\b|when\b|inclusive|old\b|of\s+age))"
_PERSON = (
    r"\b(?:patients?|participants?|subjects?|individuals?|people|persons?|men|women|males?|females?|adults?|children"
    r"|volunteers?|adolescents?)"
)


def _pattern(template):
    return re.compile(
        template.format(
            low=_NUMBER.format(name="low") + _NOT_YEARS,
            high=_NUMBER.format(name="high") + _NOT_YEARS,
            number=_NUMBER.format(name="number") + _NOT_YEARS,
            comparator=_COMPARATOR.format(name="comparator"),
            years=_YEARS,
            old=_OLD,
            age=_AGE,
            person=_PERSON,
            ends=_ENDS,
        )
    )


_STATEMENTS = [  # each finds one statement: a range (low, high), or a comparator and a number, or a number and suffix
    # aged 18-65, age between 18 and 69
    _pattern(r"{age}[^\d<>=]{{0,30}}?{low}\s*(?:{years}\s*)?(?:-|to|and|through)\s*{high}"),
    _pattern(r"{low}\s*(?:-|to|and)\s*{high}\s*{years}\s*{old}"),  # 18-70 years old, between 18 and 75 years of age
    _pattern(r"^(?:between\s+)?{low}\s*(?:-|to|and)\s*{high}\s*{years}\b"),  # (an item that starts) 18-65 years
    _pattern(r"{age}[^\d<>=]{{0,20}}?{comparator}\s*{number}"),  # age ≥ 18, aged over 19, age must be >= 18
    _pattern(r"{comparator}\s*{number}\s*{years}\s*{old}"),  # over 18 years old, at least 18 years of age
    _pattern(r"{comparator}\s+(?:the\s+)?age\s+(?:of\s+|is\s+)?{number}"),  # under the age of 18, above age 18
    # patients under 70 years, ≥ 18 years (an item that starts so): "years" ends the words, or age is said after it
    _pattern(r"{person}[\s,]*(?:who\s+are\s+|must\s+be\s+|are\s+|being\s+)?{comparator}\s*{number}\s*{years}{ends}"),
    _pattern(r"^{comparator}\s*{number}\s*{years}{ends}"),
    # 18 years of age or older, aged 18 and over, 65 years or younger: a unit, or the word age before it
    _pattern(r"{number}\s*(?:\([^)]{{0,20}}\)\s*)?(?P<unit>{years}\s*)?(?:{old}\s*)?(?:or|and)\s+(?P<suffix>older|over|above|up|younger|under|below|less)\b"),
    _pattern(r"{age}[^\d<>=]{{0,10}}?{number}\s*\+"),  # age 18+
]  # fmt: skip
_SECOND_BOUND = _pattern(
    r"\s*(?:{years}\s*)?(?:{old}\s*)?(?:,|and|&|but)\s*(?:age\s*)?(?:is\s+|be\s+)?{comparator}\s*{number}"
)
_CONDITIONAL_BEFORE = re.compile(r"\b(?:if|for|when|whether|unless|except)\b")
_CONDITIONAL_AFTER = re.compile(
    rf"\s*(?:{_YEARS}\s*)?(?:{_OLD}\s*)?(?:must|should|need|will\s+need|requires?|have\s+to)\b"
)
_SIGNS = str.maketrans({"≥": ">=", "≧": ">=", "≤": "<=", "≦": "<=", "＞": ">", "＜": "<", "–": "-", "—": "-", "−": "-",
                        "~": "-", "～": "-", "\u00a0": " "})  # fmt: skip


def _normalised(text):
    text = unescape_markdown(text).translate(_SIGNS).lower().replace("=>", ">=").replace("=<", "<=")
    return " ".join(text.split())


def _bounds(match):
    """The (minimum, maximum) AgeBounds one statement gives, or None when it is not about age after all."""
    found = match.groupdict()
    if found.get("low") is not None:
        low, high = int(found["low"]), int(found["high"])
        return (AgeBound(low, True), AgeBound(high, True)) if low < high else None
    number = int(found["number"])
    if found.get("suffix"):
        if not found.get("unit") and not re.search(_AGE, match.string[: match.end()]):
            return None  # "grade 3 or above": no unit and no word "age"
        limit, inclusive = _SUFFIXES[found["suffix"]], True
    elif found.get("comparator"):
        limit, inclusive = _COMPARATORS[found["comparator"]]
    else:  # age 18+
        limit, inclusive = "minimum", True
    bound = AgeBound(number, inclusive)
    return (bound, None) if limit == "minimum" else (None, bound)


def _statement(text):
    """The first age statement of one criterion (normalised): (minimum, maximum), either may be None; or None."""
    matches = [match for pattern in _STATEMENTS if (match := pattern.search(text))]
    for match in sorted(matches, key=lambda match: (match.start(), -len(match[0]))):
        if _CONDITIONAL_BEFORE.search(text[: match.start()]) or _CONDITIONAL_AFTER.match(text, match.end()):
            return None
        bounds = _bounds(match)
        if bounds is None:
            continue
        minimum, maximum = bounds
        if (minimum is None or maximum is None) and (second := _SECOND_BOUND.match(text, match.end())):
            limit, inclusive = _COMPARATORS[second["comparator"]]  # "≥18 and <70": the other side
            bound = AgeBound(int(second["number"]), inclusive)
            minimum = bound if limit == "minimum" and minimum is None else minimum
            maximum = bound if limit == "maximum" and maximum is None else maximum
        if any(bound and bound.years > 120 for bound in (minimum, maximum)):
            return None
        if minimum and maximum and minimum.years > maximum.years:
            return None
        return minimum, maximum
    return None


def stated_ages(criteria):
    """The age limits the inclusion (or unheaded) criteria state, as StatedAges, or None when they state none.

    criteria: parsed items (parse_criteria) or a trial's stored criteria, anything with .kind and .text.
    A limit stated twice the same way counts once; two different minimums (or maximums) leave that limit out.
    """
    minimums, maximums, quotes = set(), set(), []
    for criterion in criteria:
        if criterion.kind == CriterionKind.EXCLUSION:
            continue
        found = _statement(_normalised(criterion.text))
        if found is None:
            continue
        minimum, maximum = found
        minimums |= {minimum} - {None}
        maximums |= {maximum} - {None}
        quotes.append(_quote(criterion.text))
    minimum = minimums.pop() if len(minimums) == 1 else None
    maximum = maximums.pop() if len(maximums) == 1 else None
    if minimum is None and maximum is None:
        return None
    return StatedAges(minimum, maximum, quotes[0])


def _quote(text, limit=100):
    """A criterion as quoted beside an answer: markdown escapes removed, one line, at most about `limit` characters."""
    text = " ".join(unescape_markdown(text).split()).rstrip(" .;,")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
