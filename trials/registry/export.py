"""Building API v2 study JSON back from the models, over the record as the registry gave it.

Every covered value is written from the models, unless the stored record (Trial.source_record)
already says the same thing, read as the importer reads it: then the registry's own JSON stays
as it is, with its key order, the keys we do not model (interventionMappedName), its empty
values ("", [], {}) and the repeats the models keep once. So an imported record exports
unchanged, and whatever staff changed in the models wins.
"""

import copy

from .fields import FIELDS, RecordError
from .lists import ARM_GROUPS, INTERVENTIONS, RELATED

MISSING = object()


def study_json(trial):
    """The trial as an API v2 study: the stored record with every covered field taken from the models."""
    source = trial.source_record or {}
    study = copy.deepcopy(source)
    protocol = study.setdefault("protocolSection", {})
    _lay_over(protocol, source.get("protocolSection", {}), trial)
    if not source or source.get("hasResults", False) != trial.has_results:  # a record without it has no results
        study["hasResults"] = trial.has_results
    return study


def protocol_json(trial):
    """The covered part of the API v2 protocolSection, from the models alone (trial from for_export())."""
    protocol = {}
    _lay_over(protocol, {}, trial)
    return protocol


def _lay_over(protocol, source, trial):
    """Write the models' values into protocol (a copy of source, which stays as it is) where source does not
    already say them."""
    for spec in FIELDS:
        if not _agrees(source, spec, spec.values(trial)):
            _set(protocol, spec.path, spec.dump(trial))
    for spec in RELATED:
        values = spec.values(trial)
        if not _agrees(source, spec, values):
            _set(protocol, spec.path, spec.write_over(values, _items(source, spec.path)))
    _intervention_names(protocol, source, trial)


def _agrees(source, spec, values):
    """Whether source has a value at the spec's path that reads as `values`, what the models now say."""
    value = _get(source, spec.path)
    if value is MISSING:
        return False
    try:
        return spec.read_value(value) == values
    except RecordError:  # a stored record our checks no longer accept: the models say what it means
        return False


def intervention_name(intervention):
    """The registry's "Drug: BT02" form of an intervention's values, as armGroups[].interventionNames uses it."""
    return f"{intervention['type'].replace('_', ' ').title()}: {intervention['name']}"


def _names_by_label(interventions):
    """{group label: the names of the interventions given in that group, in the interventions' order}."""
    names = {}
    for intervention in interventions:
        for label in intervention["arm_group_labels"]:
            names.setdefault(label, []).append(intervention_name(intervention))
    return names


def _intervention_names(protocol, source, trial):
    """Each group's interventionNames: the registry's own list while the group is given the same
    interventions as when it was imported, else the names of the interventions it is linked to now."""
    now = _names_by_label(INTERVENTIONS.values(trial))
    try:
        before = _names_by_label(INTERVENTIONS.read(source))
    except RecordError:
        before = None
    stored = {arm.get("label"): arm for arm in _items(source, ARM_GROUPS.path)}
    for arm in _items(protocol, ARM_GROUPS.path):
        label = arm.get("label")
        linked = now.get(label, [])
        if before is not None and label in stored and before.get(label, []) == linked:
            names = stored[label].get("interventionNames", MISSING)  # as the registry wrote them, or left them out
        else:
            names = list(dict.fromkeys(linked)) or MISSING
        if names is MISSING:
            arm.pop("interventionNames", None)
        else:
            arm["interventionNames"] = copy.deepcopy(names)


def _items(data, path):
    """The objects of the list at data[path…]."""
    value = _get(data, path)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _get(data, path):
    """data[path…], or MISSING."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return MISSING
        data = data[key]
    return data


def _set(data, path, value):
    """data[path…] = value; an empty value (None, "", []) removes the key, and the objects its removal empties."""
    if value not in (None, "", []):
        for key in path[:-1]:
            if not isinstance(data.get(key), dict):
                data[key] = {}
            data = data[key]
        data[path[-1]] = value
        return
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
