"""Building API v2 study JSON back from the models."""

import copy

from .fields import FIELDS, ID, OUTCOME_KEYS, RELATED_PATHS, SPONSORS, value_at


def _put(data, path, value):
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


def _compact(**values):
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def _organisation_json(sponsor, name_key="name"):
    return {name_key: sponsor.name, "class": sponsor.agency_class}


def protocol_json(trial):
    """The covered part of the API v2 protocolSection, from the models (trial from for_export())."""
    protocol = {}
    for spec in FIELDS:
        value = spec.dump(trial)
        if value not in (None, "", []):
            _put(protocol, spec.path, value)
    related = {
        (*ID, "organization"): trial.organization and _organisation_json(trial.organization, "fullName"),
        (*ID, "secondaryIdInfos"): [
            _compact(id=s.identifier, type=s.type, domain=s.domain, link=s.link) for s in trial.secondary_ids.all()
        ],
        (*SPONSORS, "leadSponsor"): _organisation_json(trial.lead_sponsor),
        (*SPONSORS, "collaborators"): [_organisation_json(s) for s in trial.ordered_collaborators],
        ("conditionsModule", "conditions"): [c.name for c in trial.ordered_conditions],
        ("conditionsModule", "keywords"): [k.term for k in trial.keywords.all()],
        ("armsInterventionsModule", "armGroups"): [
            _compact(
                label=arm.label,
                type=arm.type,
                description=arm.description,
                interventionNames=[intervention_name(i) for i in arm.interventions.all()],
            )
            for arm in trial.arm_groups.all()
        ],
        ("armsInterventionsModule", "interventions"): [
            _compact(
                type=i.type,
                name=i.name,
                description=i.description,
                armGroupLabels=[arm.label for arm in i.ordered_arm_groups],
                otherNames=i.other_names,
            )
            for i in trial.interventions.all()
        ],
        ("contactsLocationsModule", "centralContacts"): [_contact_json(c) for c in trial.central_contacts.all()],
        ("contactsLocationsModule", "overallOfficials"): [
            _compact(
                name=o.investigator.name,
                affiliation=o.investigator.affiliation,
                role=o.role,
            )
            for o in trial.officials.all()
        ],
        ("contactsLocationsModule", "locations"): [_location_json(loc) for loc in trial.locations.all()],
        ("referencesModule", "references"): [
            _compact(pmid=r.pmid, type=r.type, citation=r.citation) for r in trial.references.all()
        ],
    }
    for key, kind in OUTCOME_KEYS.items():
        related[("outcomesModule", key)] = [
            _compact(measure=o.measure, description=o.description, timeFrame=o.time_frame)
            for o in trial.outcomes.all()
            if o.kind == kind
        ]
    for path, value in related.items():
        if value:
            _put(protocol, path, value)
    return protocol


def intervention_name(intervention):
    """The registry's "Drug: BT02" form, as armGroups[].interventionNames uses it."""
    return f"{intervention.type.replace('_', ' ').title()}: {intervention.name}"


def _contact_json(contact):
    return _compact(
        name=contact.name,
        role=contact.role,
        phone=contact.phone,
        phoneExt=contact.phone_ext,
        email=contact.email,
    )


def _location_json(location):
    geo = None
    if location.latitude is not None and location.longitude is not None and not location.geocoded:
        geo = {"lat": location.latitude, "lon": location.longitude}
    return _compact(
        facility=location.facility,
        status=location.status,
        city=location.city,
        state=location.state,
        zip=location.zip,
        country=location.country,
        contacts=[_contact_json(c) for c in location.contacts.all()],
        geoPoint=geo,
    )


def study_json(trial):
    """The trial as an API v2 study: the stored record with every covered field taken from the models."""
    study = copy.deepcopy(trial.source_record) or {}
    protocol = study.setdefault("protocolSection", {})
    covered = protocol_json(trial)
    for path in [spec.path for spec in FIELDS] + list(RELATED_PATHS):
        if value_at(covered, path) is None:
            _drop(protocol, path)
    _merge(protocol, covered)
    study["hasResults"] = trial.has_results
    return study


def _drop(data, path):
    """Remove data[path…], and the objects the removal leaves empty."""
    parents = [data]
    for key in path[:-1]:
        child = parents[-1].get(key)
        if not isinstance(child, dict):
            return
        parents.append(child)
    parents[-1].pop(path[-1], None)
    for depth in range(len(parents) - 1, 0, -1):
        if not parents[depth]:
            del parents[depth - 1][path[depth - 1]]


def _merge(into, values):
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
