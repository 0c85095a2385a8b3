"""The rules a trial record must follow, shared by the admin's forms and the importer.

Each rule says what is wrong in words staff understand (in the active language), keyed by the field to fix.
Trial.clean() applies the rules on the trial's own fields; the rules on its related
rows (contacts, study groups) are called by the admin's inline formsets and by the
importer's reader with what each of them has.
"""

from itertools import pairwise

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import choices
from .eligibility import age_in_years

# How much of a date each precision keeps: (year,), (year, month) or (year, month, day).
PRECISION_PARTS = {choices.DatePrecision.YEAR: 1, choices.DatePrecision.MONTH: 2}
DATE_ORDER = [
    # (field, label): each date must not come before the one above it
    ("start_date", gettext_lazy("start date")),
    ("primary_completion_date", gettext_lazy("primary completion date")),
    ("completion_date", gettext_lazy("completion date")),
]


def _parts(trial, name):
    day = getattr(trial, name)
    parts = PRECISION_PARTS.get(getattr(trial, f"{name}_precision"), 3)
    return (day.year, day.month, day.day)[:parts]


def _before(trial, earlier, later):
    """True when the later date is before the earlier one, at the coarser of their precisions.

    "2025-09" (a month) is not before "2025-09-14": a date known only to the month may be any day of it.
    """
    first, second = _parts(trial, earlier), _parts(trial, later)
    size = min(len(first), len(second))
    return second[:size] < first[:size]


def age_errors(trial):
    """Ages must read like "18 Years"; the minimum may not be above the maximum. Sets the ages in years."""
    errors = {}
    for name in ("minimum_age", "maximum_age"):
        try:
            setattr(trial, f"{name}_years", age_in_years(getattr(trial, name)))
        except ValueError:
            # Translators: "18 Years" and "6 Months" are ages as the registry writes them: keep them in English.
            message = _('"%(text)s" is not an age like "18 Years" or "6 Months".')
            errors[name] = message % {"text": getattr(trial, name)}
    low, high = trial.minimum_age_years, trial.maximum_age_years
    if not errors and low is not None and high is not None and low > high:
        errors["maximum_age"] = _("The maximum age (%(maximum)s) is below the minimum age (%(minimum)s).") % {
            "maximum": trial.maximum_age,
            "minimum": trial.minimum_age,
        }
    return errors


def date_errors(trial):
    """Start, primary completion and completion come in that order (equal dates are fine)."""
    errors = {}
    given = [(name, label) for name, label in DATE_ORDER if getattr(trial, name)]
    for (earlier, earlier_label), (later, later_label) in pairwise(given):
        if _before(trial, earlier, later):
            errors[later] = _("The %(later)s is before the %(earlier)s.") % {
                "later": later_label,
                "earlier": earlier_label,
            }
    return errors


def design_errors(trial):
    """Only interventional studies have a phase; who is masked needs a masking other than none."""
    errors = {}
    if trial.study_type != choices.StudyType.INTERVENTIONAL and trial.phase not in ("", choices.Phase.NA):
        errors["phase"] = _(
            "Only interventional studies have a phase: leave it empty or “Not applicable” "
            "for a study of type “%(study_type)s”."
        ) % {"study_type": trial.get_study_type_display()}
    if trial.who_masked and trial.masking in ("", choices.Masking.NONE):
        errors["who_masked"] = _("Who is masked is only given when the masking is single, double, triple or quadruple.")
    return errors


def recruiting_errors(trial):
    """A recruiting trial needs its start date (its contact is checked by contact_error)."""
    if trial.overall_status == choices.Status.RECRUITING and not trial.start_date:
        return {"start_date": _("A recruiting trial needs a start date.")}
    return {}


def trial_errors(trial):
    """Every rule on the trial's own fields: {field: message}."""
    return {**age_errors(trial), **date_errors(trial), **design_errors(trial), **recruiting_errors(trial)}


def contact_error(status, contact_count):
    """A recruiting trial must say whom to contact: a central contact or a contact at one of its sites."""
    if status == choices.Status.RECRUITING and contact_count == 0:
        return _("A recruiting trial needs a contact: add a central contact, or a contact at one of its sites.")
    return None


def duplicate_label_error(labels):
    """Each study group of a trial has its own label (interventions name their groups by label)."""
    seen = set()
    for label in labels:
        if label in seen:
            return _("Two study groups are labelled “%(label)s”: each group needs its own label.") % {"label": label}
        seen.add(label)
    return None
