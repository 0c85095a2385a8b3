"""Read-only pages of the trial editor show values as a reader reads them, not as they are stored.

A published trial (edited in a revision) and every trial a reader opens are shown read-only. Django would
show a registry date as "Sept. 1, 2025" beside a separate "Month", and lists as JSON (`["ADULT",
"OLDER_ADULT"]`, `[]`). readable() swaps those fields for displays: the date at its precision with its type
("September 2025 (estimated)", as the public pages), the labels of a list ("Adult (18–64), Older adult
(65+)"), "—" for an empty one.
"""

from functools import cache

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from trials import choices, models
from trials.templatetags.trials import registry_date

EMPTY = "—"


@cache  # one function per date: the admin finds a read-only field by equality, in the form's fields and exclude
def shown_date(name):
    """A registry date at its precision with its type, in place of the (date, precision, type) fields."""

    @admin.display(description=models.Trial._meta.get_field(name).verbose_name)
    def shown(trial):
        return registry_date(trial, name) or EMPTY

    shown.__name__ = name
    return shown


def shown_list(model, name, codes=None):
    """A list field's items (their labels when they are registry codes), or "—"."""

    @admin.display(description=model._meta.get_field(name).verbose_name)
    def shown(row):
        items = getattr(row, name)
        return ", ".join(str(codes(item).label) if codes else str(item) for item in items) or EMPTY

    shown.__name__ = name
    return shown


@admin.display(description=_("Given in groups"))
def given_in(intervention):
    """The study groups an intervention is given in, by their labels, in the registry's order."""
    return ", ".join(group.label for group in intervention.ordered_arm_groups) or EMPTY


SHOWN = {
    "nct_id_aliases": shown_list(models.Trial, "nct_id_aliases"),
    "who_masked": shown_list(models.Trial, "who_masked", choices.WhoMasked),
    "std_ages": shown_list(models.Trial, "std_ages", choices.StandardAge),
    "other_names": shown_list(models.Intervention, "other_names"),
    "given_in": given_in,
}


def readable(fields):
    """Field names (or rows of them) with each stored-as-is field swapped for its display."""
    return [_readable(field) for field in fields]


def readable_fieldsets(fieldsets):
    return [(name, {**options, "fields": readable(options["fields"])}) for name, options in fieldsets]


def _readable(field):
    if isinstance(field, tuple | list):
        if field[1:2] == (f"{field[0]}_precision",):
            return shown_date(field[0])
        return tuple(_readable(name) for name in field)
    return SHOWN.get(field, field)
