"""A trial's posted results as the results page shows them, read from the stored record's resultsSection.

The registry's results are not modelled: Trial.source_record keeps them exactly as imported, so export writes
them back unchanged and staff cannot edit them. `read_results(record)` turns them into small frozen tables
(trials/registry/result_tables.py), one column per group, in the order the registry gives, reading the record
the page's single query brought. It is forgiving: a missing module is None, a missing or odd value (a list where
a number belongs, an unknown group) shows as given or as MISSING, never as an error, since the page must render
whatever a registry record holds.
"""

from dataclasses import replace
from functools import cache

from django.utils import translation
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from trials.choices import (
    AgreementRestriction,
    Dispersion,
    EventAssessment,
    MeasureParam,
    Milestone,
    NonInferiority,
    OutcomeMeasureType,
)

from .result_tables import (
    MISSING,
    AdverseEvents,
    Analysis,
    Baseline,
    Cell,
    Flow,
    Group,
    Measure,
    MoreInfo,
    Period,
    Results,
    Row,
    RowGroup,
    Table,
)


def read_results(record):
    """The record's posted results, or None when it has no resultsSection."""
    section = _dict((record or {}).get("resultsSection"))
    if not section:
        return None
    more_info = _dict(section.get("moreInfoModule"))
    outcomes = _list(_dict(section.get("outcomeMeasuresModule")).get("outcomeMeasures"))
    return Results(
        flow=_flow(_dict(section.get("participantFlowModule"))),
        baseline=_baseline(_dict(section.get("baselineCharacteristicsModule"))),
        outcomes=_outcomes(outcomes),
        adverse_events=_adverse_events(_dict(section.get("adverseEventsModule"))),
        more_info=_more_info(more_info) if more_info else None,
    )


# Reading the registry's JSON whatever it holds


def _dict(value):
    return value if isinstance(value, dict) else {}


def _list(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value):
    """A value as the page shows it: text stripped, numbers as written; anything else (lists, objects) is ""."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _flag(value):
    return value if isinstance(value, bool) else None


def _count(value):
    """A whole number of people, or None: "6" and 6 are counts, "NA", "6.5" and -1 are not."""
    text = _text(value)
    return int(text) if text.isdigit() else None


def _label(choices, value):
    """An enum value's label in the reader's language, from its name ("STANDARD_DEVIATION") or from the English
    label the registry writes in its place ("Standard Deviation", in outcome measures); anything else as given."""
    text = _text(value)
    choice = _registry_words(choices).get(text.casefold())
    return choice.label if choice is not None else text


@cache
def _registry_words(choices):
    """{name or English label, casefolded: choice}, once: the registry writes English whatever the page's language."""
    with translation.override("en"):
        return {word.casefold(): choice for choice in choices for word in (choice.value, str(choice.label))}


def _groups(module, key="groups"):
    return tuple(
        Group(
            _text(group.get("id")), _text(group.get("title")) or _text(group.get("id")), _text(group.get("description"))
        )
        for group in _list(module.get(key))
    )


def _share(affected, at_risk):
    """ "/6 (16.7%)" after a count of 1 when at_risk is a positive count; "" when either is not a count."""
    if affected is None or not at_risk:
        return ""
    percent = round(100 * affected / at_risk, 1)
    shown = f"{percent:.0f}" if percent.is_integer() else f"{percent:.1f}".replace(".", _decimal_point())
    return f"/{at_risk} ({shown}%)"


def _decimal_point():
    """The reader's decimal separator: get_format() per figure was a fifth of a large results page's reading."""
    return _decimal_point_in(translation.get_language())


@cache
def _decimal_point_in(language):
    with translation.override(language):
        return get_format("DECIMAL_SEPARATOR")


def _by_group(items, key="groupId"):
    return {_text(item.get(key)): item for item in items}


# Participant flow


def _flow(module):
    if not module:
        return None
    groups = _groups(module)
    periods = []
    for number, period in enumerate(_list(module.get("periods")), 1):
        milestones = [
            Row(
                _label(Milestone, milestone.get("type")) or MISSING,
                _counts(groups, _list(milestone.get("achievements")), "numSubjects"),
                registry=_text(milestone.get("type")) not in Milestone.values,
            )
            for milestone in _list(period.get("milestones"))
        ]
        reasons = [
            Row(_text(reason.get("type")) or MISSING, _counts(groups, _list(reason.get("reasons")), "numSubjects"))
            for reason in _list(period.get("dropWithdraws"))
        ]
        periods.append(
            Period(
                f"flow-period-{number}",
                f"flow-period-{number}-drop-outs",
                _text(period.get("title")),
                Table(groups, (RowGroup("", tuple(milestones)),)),
                Table(groups, (RowGroup("", tuple(reasons)),)) if reasons else None,
            )
        )
    return Flow(
        _text(module.get("recruitmentDetails")),
        _text(module.get("preAssignmentDetails")),
        _text(module.get("typeUnitsAnalyzed")),
        groups,
        tuple(periods),
    )


def _counts(groups, items, key):
    given = _by_group(items)
    cells = []
    for group in groups:
        item = given.get(group.id, {})
        units = _text(item.get("numUnits"))
        cells.append(Cell(_text(item.get(key)) or MISSING, f" ({units})" if units else "", _text(item.get("comment"))))
    return tuple(cells)


# Baseline characteristics and outcome measures: both are measures with classes, categories and measurements


def _baseline(module):
    if not module:
        return None
    groups = _groups(module)
    denoms = _list(module.get("denoms"))
    overall = None
    if denoms:
        overall = Table(groups, (RowGroup("", (_denominator(denoms[0], groups),)),))
    measures = tuple(
        _measure(measure, groups, denoms, f"baseline-{number}")
        for number, measure in enumerate(_list(module.get("measures")), 1)
    )
    return Baseline(_text(module.get("populationDescription")), groups, overall, measures)


def _denominator(denom, groups):
    """The row of how many were analysed in each group: "Participants analysed", or the units counted ("Eyes")."""
    units = _text(denom.get("units"))
    cells = _counts(groups, _list(denom.get("counts")), "value")
    if units.casefold() == "participants":
        return Row(_("Participants analysed"), cells, registry=False)
    return Row(units or MISSING, cells)


def _outcomes(measures):
    """Outcome measures, primary first, then secondary, other pre-specified and post-hoc, each in registry order."""
    order = {kind: rank for rank, kind in enumerate(OutcomeMeasureType.values)}
    ranked = sorted(measures, key=lambda measure: order.get(_text(measure.get("type")), len(order)))  # stable
    outcomes = []
    for number, measure in enumerate(ranked, 1):
        groups = _groups(measure)
        outcomes.append(
            replace(
                _measure(measure, groups, [], f"outcome-{number}"),
                kind=_label(OutcomeMeasureType, measure.get("type")),
                primary=_text(measure.get("type")) == OutcomeMeasureType.PRIMARY,
                time_frame=_text(measure.get("timeFrame")),
                analyses=tuple(_analysis(analysis, groups) for analysis in _list(measure.get("analyses"))),
            )
        )
    return tuple(outcomes)


def _measure(measure, groups, denoms, anchor):
    """A measure's table: its participants analysed, then a row per category under its class.

    Counts of participants read "n/N (x%)" against the denominator of their class, or else of the measure.
    """
    counting = _text(measure.get("paramType")) == MeasureParam.COUNT_OF_PARTICIPANTS
    param = _label(MeasureParam, measure.get("paramType"))
    row_groups = []
    measure_denoms = _list(measure.get("denoms")) or denoms
    if _list(measure.get("denoms")):
        row_groups.append(RowGroup("", (_denominator(measure_denoms[0], groups),)))
    for klass in _list(measure.get("classes")):
        class_denoms = _list(klass.get("denoms")) or measure_denoms
        totals = _by_group(_list(class_denoms[0].get("counts"))) if class_denoms and counting else {}
        rows = []
        for category in _list(klass.get("categories")):
            given = _by_group(_list(category.get("measurements")))
            cells = tuple(
                _measurement(given.get(group.id), _count(totals.get(group.id, {}).get("value"))) for group in groups
            )
            title = _text(category.get("title")) or _text(klass.get("title"))
            rows.append(Row(title, cells) if title else Row(param or MISSING, cells, registry=False))
        has_own_rows = any(_text(category.get("title")) for category in _list(klass.get("categories")))
        row_groups.append(RowGroup(_text(klass.get("title")) if has_own_rows else "", tuple(rows)))
    return Measure(
        anchor=anchor,
        title=_text(measure.get("title")),
        description=_text(measure.get("description")),
        population=_text(measure.get("populationDescription")),
        param=param,
        dispersion=_label(Dispersion, measure.get("dispersionType")),
        unit=_text(measure.get("unitOfMeasure")),
        table=Table(groups, tuple(row_groups)),
    )


def _measurement(given, total):
    """One group's value with its spread ("(3.33)"), its limits ("(18 to 70)") or, for a count, "/N (x%)"."""
    if given is None:
        return Cell()
    value = _text(given.get("value")) or MISSING
    spread, lower, upper = (_text(given.get(key)) for key in ("spread", "lowerLimit", "upperLimit"))
    if lower or upper:
        detail = f" ({lower or MISSING} to {upper or MISSING})"
    elif spread:
        detail = f" ({spread})"
    else:
        detail = _share(_count(value), total)
    return Cell(value, detail, _text(given.get("comment")))


def _analysis(analysis, groups):
    titles = {group.id: group.title for group in groups}
    ids = analysis.get("groupIds") if isinstance(analysis.get("groupIds"), list) else []
    lower, upper = _text(analysis.get("ciLowerLimit")), _text(analysis.get("ciUpperLimit"))
    percent = _text(analysis.get("ciPctValue"))
    ci = f"{percent}%: {lower or MISSING} to {upper or MISSING}" if lower or upper else ""
    dispersion = _text(analysis.get("dispersionValue"))
    comment_keys = ("statisticalComment", "pValueComment", "estimateComment", "otherAnalysisDescription")
    return Analysis(
        compared=tuple(titles.get(_text(group_id), _text(group_id)) for group_id in ids),
        group_description=_text(analysis.get("groupDescription")),
        method=_text(analysis.get("statisticalMethod")),
        p_value=_text(analysis.get("pValue")),
        estimate=": ".join(filter(None, (_text(analysis.get("paramType")), _text(analysis.get("paramValue"))))),
        ci=ci,
        dispersion=f"{_label(Dispersion, analysis.get('dispersionType'))}: {dispersion}" if dispersion else "",
        hypothesis=_label(NonInferiority, analysis.get("nonInferiorityType")),
        comments=tuple(text for key in comment_keys if (text := _text(analysis.get(key)))),
    )


# Adverse events

TOTALS = (  # the rows of the per-group totals: (the eventGroups keys' prefix, label)
    ("deaths", _("All-cause mortality")),
    ("serious", _("Serious adverse events, any")),
    ("other", _("Other adverse events, any")),
)


def _adverse_events(module):
    if not module:
        return None
    groups = _groups(module, "eventGroups")
    given = _by_group(_list(module.get("eventGroups")), key="id")
    totals = [
        Row(
            label,
            tuple(_affected(given.get(group.id, {}), f"{kind}NumAffected", f"{kind}NumAtRisk") for group in groups),
            False,
        )
        for kind, label in TOTALS
    ]
    events = [*_list(module.get("seriousEvents")), *_list(module.get("otherEvents"))]
    return AdverseEvents(
        time_frame=_text(module.get("timeFrame")),
        description=_text(module.get("description")),
        threshold=_text(module.get("frequencyThreshold")),
        vocabularies=tuple(dict.fromkeys(filter(None, (_text(event.get("sourceVocabulary")) for event in events)))),
        assessments=tuple(
            dict.fromkeys(filter(None, (_label(EventAssessment, event.get("assessmentType")) for event in events)))
        ),
        groups=groups,
        totals=Table(groups, (RowGroup("", tuple(totals)),)),
        serious=_events(groups, _list(module.get("seriousEvents"))),
        other=_events(groups, _list(module.get("otherEvents"))),
    )


def _events(groups, events):
    """The events by organ system, in the order the registry first names each system; None when there are none."""
    if not events:
        return None
    systems = {}
    for event in events:
        stats = _by_group(_list(event.get("stats")))
        cells = tuple(_affected(stats.get(group.id, {}), "numAffected", "numAtRisk", "numEvents") for group in groups)
        systems.setdefault(_text(event.get("organSystem")), []).append(Row(_text(event.get("term")) or MISSING, cells))
    return Table(groups, tuple(RowGroup(system, tuple(rows)) for system, rows in systems.items()))


def _affected(stats, affected_key, at_risk_key, events_key=None):
    """ "1/6 (16.7%)": people affected of those at risk, and the number of events when given."""
    affected = _text(stats.get(affected_key))
    if not affected:
        return Cell()
    events = _text(stats.get(events_key)) if events_key else ""
    return Cell(affected, _share(_count(affected), _count(stats.get(at_risk_key))), events=events)


# Limitations, agreements and the point of contact


def _more_info(module):
    agreement = _dict(module.get("certainAgreement"))
    contact = _dict(module.get("pointOfContact"))
    return MoreInfo(
        limitations=_text(_dict(module.get("limitationsAndCaveats")).get("description")),
        pi_employee=_flag(agreement.get("piSponsorEmployee")),
        restrictive=_flag(agreement.get("restrictiveAgreement")),
        restriction=_label(AgreementRestriction, agreement.get("restrictionType")),
        agreement_details=_text(agreement.get("otherDetails")),
        contact={key: _text(contact.get(key)) for key in ("title", "organization", "email", "phone", "phoneExt")},
    )
