"""What the results page shows of a trial's posted results: small frozen tables, one column per group.

trials/registry/results.py reads them from the stored record; the templates (trials/includes/results_*.html)
show them. Each value is text as the page shows it, MISSING where the registry gives none.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MISSING = "—"


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Cell:
    """One group's figure: the value as registered, then what follows it ("(3.33)", "/6 (16.7%)"), the registry's
    comment, and for an adverse event the number of events when given."""

    value: str = MISSING
    detail: str = ""
    comment: str = ""
    events: str = ""


@dataclass(frozen=True)
class Row:
    """A labelled row of cells, one per group; registry=True when the label is the registry's text (lang="en")."""

    label: str
    cells: tuple
    registry: bool = True


@dataclass(frozen=True)
class RowGroup:
    """Rows under a heading row: a measure's class ("Region: Europe") or an organ system; title may be ""."""

    title: str
    rows: tuple


@dataclass(frozen=True)
class Table:
    groups: tuple
    row_groups: tuple


@dataclass(frozen=True)
class Period:
    anchor: str  # the ids of its headings, which name its tables
    drop_outs_anchor: str
    title: str
    milestones: Table
    drop_outs: Table | None


@dataclass(frozen=True)
class Flow:
    recruitment: str
    pre_assignment: str
    units_analyzed: str
    groups: tuple
    periods: tuple


@dataclass(frozen=True)
class Measure:
    """A baseline characteristic or an outcome measure; the outcome fields stay "" for a baseline one."""

    anchor: str
    title: str
    description: str
    population: str
    param: str
    dispersion: str
    unit: str
    table: Table
    kind: str = ""
    primary: bool = False
    time_frame: str = ""
    analyses: tuple = ()

    @property
    def facts(self):
        """(label, value, whether the value is the registry's English text) for what the values are, those given."""
        values = f"{self.param} ({self.dispersion})" if self.param and self.dispersion else self.param
        facts = [(_("Time frame"), self.time_frame, True), (_("Values"), values, False), (_("Unit"), self.unit, True)]
        return _given(facts)


@dataclass(frozen=True)
class Analysis:
    compared: tuple  # group titles
    group_description: str
    method: str
    p_value: str
    estimate: str  # "Mean difference: 1.2", the registry's name for it first
    ci: str
    dispersion: str
    hypothesis: str
    comments: tuple

    @property
    def facts(self):
        """(label, value, whether the value is the registry's English text), those given."""
        facts = [
            (_("Groups compared"), "; ".join(self.compared), True),
            (_("Type of test"), self.hypothesis, False),
            (_("Method"), self.method, True),
            (_("p-value"), self.p_value, False),
            (_("Estimate"), self.estimate, True),
            (_("Confidence interval"), self.ci, False),
            (_("Dispersion"), self.dispersion, False),
        ]
        return _given(facts)


@dataclass(frozen=True)
class Baseline:
    population: str
    groups: tuple
    overall: Table | None
    measures: tuple


@dataclass(frozen=True)
class AdverseEvents:
    time_frame: str
    description: str
    threshold: str
    vocabularies: tuple
    assessments: tuple
    groups: tuple
    totals: Table
    serious: Table | None
    other: Table | None

    @property
    def facts(self):
        """(label, value, whether the value is the registry's English text), those given."""
        facts = [
            (_("Time frame"), self.time_frame, True),
            (_("How events were collected"), "; ".join(map(str, self.assessments)), False),
            (_("Dictionary of terms"), "; ".join(self.vocabularies), True),
            (_("Threshold for listing other events"), self.threshold and f"{self.threshold}%", False),
        ]
        return _given(facts)


@dataclass(frozen=True)
class MoreInfo:
    limitations: str
    pi_employee: bool | None
    restrictive: bool | None
    restriction: str
    agreement_details: str
    contact: dict


@dataclass(frozen=True)
class Results:
    flow: Flow | None
    baseline: Baseline | None
    outcomes: tuple
    adverse_events: AdverseEvents | None
    more_info: MoreInfo | None


def _given(facts):
    """The facts that have a value, each value as text (a label may be lazy)."""
    return [(term, str(value), registry) for term, value, registry in facts if value]
