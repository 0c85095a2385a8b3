"""Reading an API v2 study: check every value and map it to a StudyData, or raise RecordError."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from trials import choices, rules
from trials.eligibility import parse_criteria
from trials.identifiers import validate_nct_id
from trials.models import Trial

from .fields import FIELDS, ID, NCT_ID_RE, OUTCOME_KEYS, SPONSORS, RecordError, value_at

TEXT = None  # a spec entry's converter for free text; otherwise the TextChoices its value must be in


@dataclass
class StudyData:
    """A checked study: Trial field values plus its related rows, ready to save."""

    record: dict
    fields: dict
    lead_sponsor: tuple
    organization: tuple | None = None
    collaborators: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    keywords: list = field(default_factory=list)
    arm_groups: list = field(default_factory=list)
    interventions: list = field(default_factory=list)  # (fields, arm group labels)
    outcomes: list = field(default_factory=list)
    criteria: list = field(default_factory=list)
    central_contacts: list = field(default_factory=list)
    officials: list = field(default_factory=list)
    locations: list = field(default_factory=list)  # (fields, [contact fields])
    secondary_ids: list = field(default_factory=list)
    references: list = field(default_factory=list)

    @property
    def nct_id(self):
        return self.fields["nct_id"]


def _list(data, path, where=None):
    value = value_at(data, path)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(where or ".".join(path), f"expected a list, got {type(value).__name__}")
    return value


def _item_fields(item, where, spec):
    """Read one object: spec maps model field -> (JSON key, TEXT or the TextChoices of its values)."""
    if not isinstance(item, dict):
        raise RecordError(where, f"expected an object, got {item!r}")
    values = {}
    for name, (key, enum) in spec.items():
        value = item.get(key)
        if value is None:
            values[name] = ""
            continue
        if enum is not None and value not in enum.values:
            raise RecordError(
                f"{where}.{key}",
                f"unknown value {value!r} (expected one of {', '.join(enum.values)})",
            )
        if not isinstance(value, str):
            raise RecordError(f"{where}.{key}", f"expected text, got {value!r}")
        values[name] = value
    return values


def _organisation(item, where, name_key):
    values = _item_fields(item, where, {"name": (name_key, TEXT), "agency_class": ("class", choices.AgencyClass)})
    if not values["name"]:
        raise RecordError(f"{where}.{name_key}", "missing")
    return values["name"], values["agency_class"] or choices.AgencyClass.OTHER


CONTACT_SPEC = {
    "name": ("name", TEXT),
    "role": ("role", choices.ContactRole),
    "phone": ("phone", TEXT),
    "phone_ext": ("phoneExt", TEXT),
    "email": ("email", TEXT),
}
ARM_SPEC = {"label": ("label", TEXT), "type": ("type", choices.ArmGroupType), "description": ("description", TEXT)}
INTERVENTION_SPEC = {
    "type": ("type", choices.InterventionType),
    "name": ("name", TEXT),
    "description": ("description", TEXT),
}
OUTCOME_SPEC = {"measure": ("measure", TEXT), "description": ("description", TEXT), "time_frame": ("timeFrame", TEXT)}
OFFICIAL_SPEC = {"name": ("name", TEXT), "affiliation": ("affiliation", TEXT), "role": ("role", choices.OfficialRole)}
LOCATION_SPEC = {
    "facility": ("facility", TEXT),
    "status": ("status", choices.Status),
    "city": ("city", TEXT),
    "state": ("state", TEXT),
    "zip": ("zip", TEXT),
    "country": ("country", TEXT),
}
SECONDARY_ID_SPEC = {
    "identifier": ("id", TEXT),
    "type": ("type", choices.SecondaryIdType),
    "domain": ("domain", TEXT),
    "link": ("link", TEXT),
}
REFERENCE_SPEC = {"pmid": ("pmid", TEXT), "type": ("type", choices.ReferenceType), "citation": ("citation", TEXT)}


def _items(data, path, spec, where=None):
    """Read each object of the list at data[path] with spec; yields (its path, the object, its values)."""
    where = where or ".".join(path)
    for i, item in enumerate(_list(data, path, where)):
        yield f"{where}[{i}]", item, _item_fields(item, f"{where}[{i}]", spec)


def parse_study(study):
    """Check an API v2 study dict and map it to a StudyData; raises RecordError with the failing field."""
    if not isinstance(study, dict):
        raise RecordError("study", f"expected a JSON object, got {type(study).__name__}")
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        raise RecordError("protocolSection", "missing")
    nct_id = value_at(protocol, (*ID, "nctId"))
    if not nct_id:
        raise RecordError("identificationModule.nctId", "missing")
    if not isinstance(nct_id, str) or not NCT_ID_RE.match(nct_id):
        raise RecordError("identificationModule.nctId", f"{nct_id!r}: {validate_nct_id.message}")
    for required in (f for f in FIELDS if f.name in {"brief_title", "overall_status", "study_type"}):
        if value_at(protocol, required.path) in (None, ""):
            raise RecordError(required.where, "missing")

    values = {}
    for spec in FIELDS:
        value = value_at(protocol, spec.path)
        values.update(spec.empty() if value is None else spec.load(value))
    has_results = study.get("hasResults", False)
    if not isinstance(has_results, bool):
        raise RecordError("hasResults", f"expected true or false, got {has_results!r}")
    values["has_results"] = has_results

    lead = value_at(protocol, (*SPONSORS, "leadSponsor"))
    if lead is None:
        raise RecordError("sponsorCollaboratorsModule.leadSponsor", "missing")
    organization = value_at(protocol, (*ID, "organization"))
    data = StudyData(
        record=study,
        fields=values,
        lead_sponsor=_organisation(lead, "sponsorCollaboratorsModule.leadSponsor", "name"),
        organization=_organisation(organization, "identificationModule.organization", "fullName")
        if organization is not None
        else None,
    )
    data.collaborators = [
        _organisation(item, f"sponsorCollaboratorsModule.collaborators[{i}]", "name")
        for i, item in enumerate(_list(protocol, (*SPONSORS, "collaborators")))
    ]
    data.conditions = _texts(protocol, ("conditionsModule", "conditions"))
    data.keywords = _texts(protocol, ("conditionsModule", "keywords"))
    _parse_arms(protocol, data)
    for key, kind in OUTCOME_KEYS.items():
        data.outcomes += [{"kind": kind, **o} for _, _, o in _items(protocol, ("outcomesModule", key), OUTCOME_SPEC)]
    data.criteria = parse_criteria(values["eligibility_criteria"])
    _parse_contacts(protocol, data)
    data.secondary_ids = [s for _, _, s in _items(protocol, (*ID, "secondaryIdInfos"), SECONDARY_ID_SPEC)]
    data.references = [r for _, _, r in _items(protocol, ("referencesModule", "references"), REFERENCE_SPEC)]
    _check_rules(data)
    return data


def _texts(data, path, where=None):
    """A list of non-empty strings at data[path], duplicates dropped."""
    where = where or ".".join(path)
    items = _list(data, path, where)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise RecordError(f"{where}[{i}]", f"expected text, got {item!r}")
    return list(dict.fromkeys(items))


def _parse_arms(protocol, data):
    module = "armsInterventionsModule"
    for where, _, arm in _items(protocol, (module, "armGroups"), ARM_SPEC):
        if not arm["label"]:
            raise RecordError(f"{where}.label", "missing")
        data.arm_groups.append(arm)
        if error := rules.duplicate_label_error(a["label"] for a in data.arm_groups):
            raise RecordError(f"{where}.label", error)
    labels = {arm["label"] for arm in data.arm_groups}
    for where, item, intervention in _items(protocol, (module, "interventions"), INTERVENTION_SPEC):
        intervention["other_names"] = _texts(item, ("otherNames",), f"{where}.otherNames")
        arm_labels = _texts(item, ("armGroupLabels",), f"{where}.armGroupLabels")
        unknown = [label for label in arm_labels if label not in labels]
        if unknown:
            raise RecordError(f"{where}.armGroupLabels", f"no study group is labelled {unknown[0]!r}")
        data.interventions.append((intervention, arm_labels))


def _parse_contacts(protocol, data):
    module = "contactsLocationsModule"
    data.central_contacts = [c for _, _, c in _items(protocol, (module, "centralContacts"), CONTACT_SPEC)]
    for where, _, official in _items(protocol, (module, "overallOfficials"), OFFICIAL_SPEC):
        if not official["name"]:
            raise RecordError(f"{where}.name", "missing")
        data.officials.append(official)
    for where, item, location in _items(protocol, (module, "locations"), LOCATION_SPEC):
        geo = item.get("geoPoint") or {}
        if not isinstance(geo, dict):
            raise RecordError(f"{where}.geoPoint", f"expected {{lat, lon}}, got {geo!r}")
        for key, name in (("lat", "latitude"), ("lon", "longitude")):
            value = geo.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise RecordError(f"{where}.geoPoint.{key}", f"expected a number, got {value!r}")
            location[name] = value
        contacts = [c for _, _, c in _items(item, ("contacts",), CONTACT_SPEC, f"{where}.contacts")]
        data.locations.append((location, contacts))


def _check_rules(data):
    """The admin's record rules (trials/rules.py) on the imported values, and the ages in years they derive."""
    trial = Trial(**data.fields)
    try:
        trial.clean()
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        path = next((f.where for f in FIELDS if f.name == name), name)
        raise RecordError(path, messages[0]) from None
    contacts = len(data.central_contacts) + sum(len(site_contacts) for _, site_contacts in data.locations)
    if error := rules.contact_error(trial.overall_status, contacts):
        raise RecordError("contactsLocationsModule.centralContacts", error)
    data.fields["minimum_age_years"] = trial.minimum_age_years
    data.fields["maximum_age_years"] = trial.maximum_age_years
