"""The eligibility quick check: a person's age, sex and health against a trial's basic rules, in plain words.

Nothing is stored: the answers come from the GET form (trials/forms.py: QuickCheckForm) and go back in the
page. The rules checked are those the record states as fields; the criteria themselves are for the person and
their doctor (the checklist). One exception: where the criteria's words state an age limit that gives another
answer for the person's age than the record's ages ("<70 years" beside a maximum of 70: at 70), the answer for
that age is "ask the team" (trials/eligibility.py: stated_ages).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import Sex, Status
from .eligibility import age_words, describe_ages, stated_ages

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
    """The record's ages answer, unless the criteria's own words answer otherwise for this age."""
    answer = _structured_age(trial, age)
    stated = stated_ages(trial.criteria.all())
    if stated is None or _stated_verdict(stated, age) == answer.met:
        return answer
    values = {"age": age, "ages": describe_ages(trial.minimum_age, trial.maximum_age), "criterion": stated.text}
    if trial.minimum_age or trial.maximum_age:
        reason = _("Age %(age)s: the record's ages are %(ages)s, but its criteria say “%(criterion)s”")
    else:
        reason = _("Age %(age)s: the record gives no age limits, but its criteria say “%(criterion)s”")
    return Answer(_("Age"), None, reason % values)


def _stated_verdict(stated, age):
    """Whether the ages the criteria state take this age (in whole years): True, False, or None where their words
    leave it open ("over 18" at 18: past the 18th birthday, or from 19?)."""
    low, high = stated.minimum, stated.maximum
    if (low and age < low.years) or (high and (age > high.years or (age == high.years and not high.inclusive))):
        return False
    return None if low and age == low.years and not low.inclusive else True


def _structured_age(trial, age):
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


OPEN_STATUSES = [Status.RECRUITING, Status.NOT_YET_RECRUITING]
MAX_CONDITIONS = 50  # as many as the search's condition filter takes (trials/forms.py: TextValuesField)


def search_parameters(cleaned, conditions=()):
    """The answers as search filters, [(parameter, value)]: open trials of the same conditions (any of them) the
    same person could check next (healthy volunteers only when so)."""
    parameters = [("condition", condition.name) for condition in conditions[:MAX_CONDITIONS]]
    parameters += [("status", status.value) for status in OPEN_STATUSES]
    parameters.append(("age", cleaned["age"]))
    if cleaned.get("sex"):
        parameters.append(("sex", cleaned["sex"]))
    if cleaned.get("healthy_volunteers") == "true":
        parameters.append(("healthy_volunteers", "true"))
    return parameters
