"""Building API v2 study JSON back from the models."""

import copy

from .fields import FIELDS, value_at
from .lists import ARM_GROUPS, INTERVENTIONS, RELATED

MISSING = object()


def protocol_json(trial):
    """The covered part of the API v2 protocolSection, from the models (trial from for_export())."""
    protocol = {}
    for spec in FIELDS:
        value = spec.dump(trial)
        if value not in (None, "", []):
            _put(protocol, spec.path, value)
    names = _names_by_label(INTERVENTIONS.values(trial))
    for spec in RELATED:
        value = spec.write(spec.values(trial))
        if spec is ARM_GROUPS:
            value = [_with_names(arm, names.get(arm["label"])) for arm in value]
        if value:
            _put(protocol, spec.path, value)
    return protocol


def intervention_name(intervention):
    """The registry's "Drug: BT02" form of an intervention's values, as armGroups[].interventionNames uses it."""
    return f"{intervention['type'].replace('_', ' ').title()}: {intervention['name']}"


def _names_by_label(interventions):
    """{arm group label: the names of the interventions given in it, in the interventions' order}."""
    names = {}
    for intervention in interventions:
        for label in intervention["arm_group_labels"]:
            names.setdefault(label, []).append(intervention_name(intervention))
    return names


def _with_names(arm, names):
    return {**arm, "interventionNames": names} if names else arm


def study_json(trial):
    """The trial as an API v2 study: the stored record with every covered field taken from the models."""
    study = copy.deepcopy(trial.source_record) or {}
    protocol = study.setdefault("protocolSection", {})
    covered = protocol_json(trial)
    for path in [spec.path for spec in FIELDS] + [spec.path for spec in RELATED]:
        if value_at(covered, path) is None:
            _drop(protocol, path)
    _merge(protocol, covered)
    study["hasResults"] = trial.has_results
    return study


def _put(data, path, value):
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _drop(data, path):
    """Remove data[path…], and the objects its removal empties."""
    parents = [data]
    for key in path[:-1]:
        child = parents[-1].get(key)
        if not isinstance(child, dict):
            return
        parents.append(child)
    if parents[-1].pop(path[-1], MISSING) is MISSING:
        return  # nothing removed: an object the registry left empty stays
    for depth in range(len(parents) - 1, 0, -1):
        if parents[depth]:
            return
        del parents[depth - 1][path[depth - 1]]


def _merge(into, values):
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
