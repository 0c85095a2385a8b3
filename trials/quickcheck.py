"""The eligibility quick check: a person's age, sex and health against a trial's basic rules, in plain words.

Nothing is stored: the answers come from the GET form (trials/forms.py: QuickCheckForm) and go back in the
page. Only the rules the record states as fields are checked; the criteria themselves are for the person and
their doctor (the checklist).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import Sex
from .eligibility import age_words

MAX_AGE = 130


@dataclass(frozen=True)
class Answer:
    rule: str
    met: bool | None  # None: the record does not say, or the person did not answer
    reason: str


def check(trial, age, sex="", healthy_volunteers=""):
    """One Answer per rule the record states: age, then sex, then healthy volunteers."""
    return [_age(trial, age), _sex(trial, sex), _healthy(trial, healthy_volunteers)]


def _age(trial, age):
    low, high = trial.minimum_age_years, trial.maximum_age_years
    values = {
        "age": age,
        "minimum": age_words(trial.minimum_age) if trial.minimum_age else "",
        "maximum": age_words(trial.maximum_age) if trial.maximum_age else "",
    }
    if low is not None and age < low:
        return Answer(_("Age"), False, _("Age %(age)s: below this trial's minimum of %(minimum)s") % values)
    if high is not None and age > high:
        return Answer(_("Age"), False, _("Age %(age)s: above this trial's maximum of %(maximum)s") % values)
    if low is None and high is None:
        return Answer(_("Age"), True, _("Age %(age)s: this trial has no age limits") % values)
    if high is None:
        reason = _("Age %(age)s: at or above this trial's minimum of %(minimum)s, with no maximum")
    elif low is None:
        reason = _("Age %(age)s: at or below this trial's maximum of %(maximum)s, with no minimum")
    else:
        reason = _("Age %(age)s: within this trial's ages, %(minimum)s to %(maximum)s")
    return Answer(_("Age"), True, reason % values)


def _sex(trial, sex):
    if trial.sex in ("", Sex.ALL):
        return Answer(_("Sex"), True, _("Sex: any"))
    only = _("Sex: this trial takes women only") if trial.sex == Sex.FEMALE else _("Sex: this trial takes men only")
    if trial.gender_based:
        only = _("%(rule)s (by gender identity)") % {"rule": only}
    return Answer(_("Sex"), sex == trial.sex if sex else None, only)


def _healthy(trial, healthy_volunteers):
    rule = _("Healthy volunteers")
    if trial.healthy_volunteers is None:
        return Answer(rule, None, _("Healthy volunteers: the record does not say"))
    if trial.healthy_volunteers:  # accepted: says nothing of whether people with the condition are
        return Answer(rule, True if healthy_volunteers == "true" else None, _("Healthy volunteers: accepted"))
    met = {"true": False, "false": True}.get(healthy_volunteers)
    return Answer(rule, met, _("Healthy volunteers: not accepted; this trial is for people with the condition"))


def search_parameters(cleaned):
    """The answers as search filters: trials the same person could check next (healthy volunteers only when so)."""
    parameters = {"age": cleaned["age"]}
    if cleaned.get("sex"):
        parameters["sex"] = cleaned["sex"]
    if cleaned.get("healthy_volunteers") == "true":
        parameters["healthy_volunteers"] = "true"
    return parameters
