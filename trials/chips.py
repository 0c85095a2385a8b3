"""The search's filters in use as chips, each a link to the same search without it, and the other links that
add or remove one filter value: a facet's option, "Recruiting or not yet recruiting" and "Clear all".

Links are built from the address's own parameters (a QueryDict), so a value the form refused stays in them
until "Clear all"; chips are built from the values the form accepted, labelled as the page labels them.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .filters import OPEN, OPEN_LABEL, OPEN_STATUSES, expand_statuses
from .models import Condition, Sponsor
from .names import names_of

KEPT = ("q", "near", "distance", "sort")  # the search itself: "Clear all" keeps them, no chip shows them
NAMED_BY_VALUE = ("status", "phase", "study_type")  # a value that names itself: "Recruiting", "Phase 2"
NAMED_ROWS = {"condition": Condition, "sponsor": Sponsor}  # values that may be slugs: their rows' names


@dataclass(frozen=True)
class Chip:
    label: str  # "Recruiting", "Country: France"; a registry name in it marked lang="en" (safe HTML then)
    url: str  # this search without it


@dataclass(frozen=True)
class ActiveFilters:
    chips: list
    clear_all_url: str  # this search without any filter: its words, place and sort kept


def link(params):
    """The address of this search with these parameters ({name: [values]}), on its first page. The search's links
    are built from plain dicts, not copies of the QueryDict: a page makes ~50 of them, and each copy was a deepcopy
    (~3 ms of a search page; tests/test_chips.py checks the links)."""
    return "?" + urlencode([(name, value) for name, values in params.items() if name != "page" for value in values])


def parameters(query):
    """The address's parameters (a QueryDict) as {name: [values]}, in its order, to change and pass to link()."""
    return dict(query.lists())


def _with(query, name, values):
    return link({**parameters(query), name: values})


def chosen(query, name):
    """The values of a facet the address chose (a status through OPEN too)."""
    values = query.getlist(name)
    return expand_statuses(values) if name == "status" else values


def toggled(query, name, value):
    """This search with `value` added to or removed from the repeatable parameter `name`. A status chosen as part
    of OPEN is removed by spelling OPEN out: without RECRUITING, status=OPEN is status=NOT_YET_RECRUITING."""
    values = query.getlist(name)
    if value in chosen(query, name):
        values = chosen(query, name)
    return _with(query, name, [v for v in values if v != value] if value in values else [*values, value])


def open_choice(query):
    """(chosen?, link): whether the search keeps to trials open to new patients, and the link that turns it over."""
    values = query.getlist("status")
    others = [value for value in values if value != OPEN and value not in OPEN_STATUSES]
    chosen = set(OPEN_STATUSES) <= set(expand_statuses(values))
    return chosen, _with(query, "status", others if chosen else [OPEN, *others])


def active_filters(filterset):
    """The filters in use (valid values only) as chips, in the form's order, and the "Clear all" link."""
    query = filterset.data
    chips = []
    for name, value in filterset.in_use().items():
        if name in KEPT:
            continue
        if isinstance(value, list):
            chips += _chips_of(filterset, query, name, value)
        else:
            params = parameters(query)
            params.pop(name)
            chips.append(Chip(_labelled(filterset, name, _shown(filterset, name, value)), link(params)))
    params = parameters(query)
    for name in filterset.filters:
        if name not in KEPT:
            params.pop(name, None)
    return ActiveFilters(chips=chips, clear_all_url=link(params))


def _chips_of(filterset, query, name, values):
    """A chip for each value of a repeatable filter; status=OPEN is one chip for the two statuses it stands for."""
    raw = query.getlist(name)
    chips = []
    if name == "status" and OPEN in raw:
        chips.append(Chip(str(OPEN_LABEL), _with(query, name, [v for v in raw if v not in (OPEN, *OPEN_STATUSES)])))
        values = [value for value in values if value not in OPEN_STATUSES]
    names = names_of(NAMED_ROWS[name], values) if name in NAMED_ROWS else {}
    for value in dict.fromkeys(values):
        if registry_name := names.get(value):
            shown = format_html('<span lang="en">{}</span>', registry_name)  # the registry's English on any page
        else:
            shown = _shown(filterset, name, value)
        label = shown if name in NAMED_BY_VALUE else _labelled(filterset, name, shown)
        chips.append(Chip(label, _with(query, name, [v for v in raw if v.strip() != value])))
    return chips


def _shown(filterset, name, value):
    """A value as the page shows it: a choice's label, a date in the reader's format, else the value."""
    field = filterset.form.fields[name]
    if hasattr(field, "choices"):
        return str(dict(field.choices).get(value, value))
    if hasattr(value, "isoformat"):
        return formats.date_format(value)
    return str(value)


def _labelled(filterset, name, shown):
    """The chip's "Filter: value" as escaped HTML, so that a registry name marked lang="en" stays marked."""
    # Translators: a filter in use above the search results, e.g. "Country: France".
    label = conditional_escape(_("%(filter)s: %(value)s"))
    filter_label = conditional_escape(filterset.form.fields[name].label)
    return mark_safe(label % {"filter": filter_label, "value": conditional_escape(shown)})  # noqa: S308 - escaped
