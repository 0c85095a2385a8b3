"""Versions of a trial: who changed what, when, and the difference between any two versions.

A version is a django-simple-history record of the trial row (Trial.history) that also
keeps the whole API v2 protocol section as it then was (`record`), so the related rows
(groups, interventions, sites, criteria...) are part of every version. Versions are
written here, after a change is complete: by the importer for each study it writes, by
the admin after a save with its inlines, and by the workflow (submit, publish...).
"""

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from . import choices
from .diffs import list_diff, word_diff
from .models import Trial
from .registry.fields import FIELDS, Enum

# The protocol's modules as the sections staff and readers know them (names in the active language:
# changes() and sections_changed() give plain strings, read when they are called).
SECTIONS = {
    "identificationModule": _("Identification"),
    "statusModule": _("Status and dates"),
    "sponsorCollaboratorsModule": _("Sponsors"),
    "oversightModule": _("Oversight"),
    "descriptionModule": _("Description"),
    "conditionsModule": _("Conditions"),
    "designModule": _("Design"),
    "armsInterventionsModule": _("Groups and interventions"),
    "outcomesModule": _("Outcomes"),
    "eligibilityModule": _("Eligibility"),
    "contactsLocationsModule": _("Contacts and sites"),
    "referencesModule": _("References"),
    "ipdSharingStatementModule": _("Data sharing"),
}
# Registry codes shown by their labels ("OLDER_ADULT" is "Older adult"), by the field's path in the record.
CODE_LABELS = {field.path: field.enum for field in FIELDS if isinstance(field, Enum)}
CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
NAME_SUFFIXES = ("Struct", "Info", "Infos", "Module")


@dataclass(frozen=True)
class Change:
    """A field that differs between two versions, its values as plain text and as HTML with what changed marked:
    removed words or list items in <del> (old_html), added ones in <ins> (new_html); see trials/diffs.py.
    `registry_text` is false for values shown in our words (a code's label, yes or no), true for the registry's
    own English, which a page in another language marks lang="en"."""

    section: str
    field: str
    old: str
    new: str
    old_html: str
    new_html: str
    registry_text: bool


def record_versions(trials, records, user=None, reason="", created=()):
    """Store a version of each trial with its protocol section (records, in the same order): one INSERT.

    `created` holds the trials that are new (their first version is an addition, "+").
    """
    Version = Trial.history.model
    now = timezone.now()
    Version.objects.bulk_create(
        Version(
            history_date=now,
            history_type="+" if trial in created else "~",
            history_user=user,
            history_change_reason=reason[:100],
            record=record,
            **{field.attname: getattr(trial, field.attname) for field in Version.tracked_fields},
        )
        for trial, record in zip(trials, records, strict=True)
    )


def record_change(trial, record, user, reason, created=False):
    """Store a version of one trial unless it is the same as its latest (same record and published state).

    Returns whether the record itself changed (a trial without a version yet counts as changed).
    """
    latest = trial.history.order_by("-history_date", "-history_id").first()
    edited = latest is None or latest.record != record
    if edited or latest.publication != trial.publication:
        record_versions([trial], [record], user, reason, created=[trial] if created else ())
    return edited


def published(trial):
    """The trial's versions the public saw, oldest first."""
    return trial.history.filter(publication=choices.Publication.PUBLISHED).order_by("history_date", "history_id")


def was_published(trial):
    """Whether the public has seen the trial: a version of it was published."""
    return published(trial).exists()


def _label(key):
    for suffix in NAME_SUFFIXES:
        if key.endswith(suffix) and key != suffix:
            key = key[: -len(suffix)]
    return CAMEL_RE.sub(" ", key).lower()


def _section(key):
    """The name of the protocol module `key`, as a string in the active language."""
    return str(SECTIONS[key]) if key in SECTIONS else _label(key)


def _flatten(value, path=()):
    """(path, value) for each leaf; a list of plain values (conditions, phases...) is one leaf."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, (*path, key))
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for number, item in enumerate(value, start=1):
            yield from _flatten(item, (*path, number))
    else:
        yield path, value


def _text(value, codes=None):
    if value is None:
        return ""
    if isinstance(value, bool):
        if value:
            return pgettext("a true or false value in a record", "yes")
        return pgettext("a true or false value in a record", "no")
    if isinstance(value, list):
        return "; ".join(_text(item, codes) for item in value)
    if codes is not None and value in codes.values:
        return str(codes(value).label)
    return str(value)


def _items(value, codes):
    """A list value's items as text; a single value is a list of one."""
    if value is None:
        return []
    return [_text(item, codes) for item in value] if isinstance(value, list) else [_text(value, codes)]


def _change(path, old, new):
    codes = CODE_LABELS.get(path)
    field = " › ".join(_label(part) if isinstance(part, str) else str(part) for part in path[1:])
    if isinstance(old, list) or isinstance(new, list):
        marked = list_diff(_items(old, codes), _items(new, codes))
    else:
        marked = word_diff(_text(old, codes), _text(new, codes))
    registry_text = codes is None and not isinstance(new if old is None else old, bool)
    return Change(_section(path[0]), field, _text(old, codes), _text(new, codes), *marked, registry_text)


def changes(old_record, new_record):
    """Every field that differs between two protocol sections (API v2 `protocolSection` dicts, either may be
    empty), section by section in the record's order, as Change rows with their differences marked word by
    word (text) or item by item (lists). The public history, the admin's history and a reviewer's diff before
    publishing all show these; templates/trials/includes/changes.html lays them out."""
    old, new = dict(_flatten(old_record or {})), dict(_flatten(new_record or {}))
    order = list(SECTIONS)
    found = []  # (place of the section in the record, change)
    for path in dict.fromkeys([*old, *new]):
        if old.get(path) != new.get(path):
            change = _change(path, old.get(path), new.get(path))
            found.append((order.index(path[0]) if path[0] in SECTIONS else len(order), change))
    return [change for _place, change in sorted(found, key=lambda item: item[0])]


def sections_changed(old_record, new_record):
    old_record, new_record = old_record or {}, new_record or {}
    return [
        _section(key) for key in dict.fromkeys([*old_record, *new_record]) if old_record.get(key) != new_record.get(key)
    ]


@dataclass
class PublishedVersion:
    number: int
    version: object  # the historical record
    sections: list  # sections changed since the version before (all of them for the first)

    @property
    def date(self):
        return self.version.history_date


def published_versions(trial):
    """The versions the public saw, oldest first, numbered from 1, each with the sections it changed."""
    versions = published(trial)
    listed, previous = [], None
    for number, version in enumerate(versions, start=1):
        sections = sections_changed(previous.record if previous else {}, version.record)
        listed.append(PublishedVersion(number, version, sections))
        previous = version
    return listed
