"""Reading an API v2 study: check every value and map it to a StudyData, or raise RecordError."""

import json
import math
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from trials import rules
from trials.eligibility import parse_criteria
from trials.identifiers import validate_nct_id
from trials.models import Trial

from .fields import FIELDS, ID, NCT_ID_RE, RecordError, value_at
from .lists import (
    ARM_GROUPS,
    CENTRAL_CONTACTS,
    COLLABORATORS,
    CONDITIONS,
    INTERVENTIONS,
    KEYWORDS,
    LEAD_SPONSOR,
    LOCATIONS,
    OFFICIALS,
    ORGANIZATION,
    OUTCOMES,
    REFERENCES,
    SECONDARY_IDS,
)

MAX_DEPTH = 32  # the registry's records nest about 8 levels deep
NOT_TEXT_RE = re.compile("[\x00\ud800-\udfff]")  # NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8)


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


def parse_study(study):
    """Check an API v2 study dict and map it to a StudyData; raises RecordError with the failing field."""
    if not isinstance(study, dict):
        raise RecordError("study", f"expected a JSON object, got {type(study).__name__}")
    check_storable(study)
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
        values.update(spec.read_value(value_at(protocol, spec.path)))
    has_results = study.get("hasResults", False)
    if not isinstance(has_results, bool):
        raise RecordError("hasResults", f"expected true or false, got {has_results!r}")
    values["has_results"] = has_results

    lead = LEAD_SPONSOR.read(protocol)
    if lead is None:
        raise RecordError(LEAD_SPONSOR.where, "missing")
    organization = ORGANIZATION.read(protocol)
    data = StudyData(
        record=study,
        fields=values,
        lead_sponsor=_organisation(lead),
        organization=organization and _organisation(organization),
        collaborators=[_organisation(c) for c in COLLABORATORS.read(protocol)],
        conditions=CONDITIONS.read(protocol),
        keywords=KEYWORDS.read(protocol),
        outcomes=[o for outcomes in OUTCOMES for o in outcomes.read(protocol)],
        criteria=parse_criteria(values["eligibility_criteria"]),
        central_contacts=CENTRAL_CONTACTS.read(protocol),
        officials=OFFICIALS.read(protocol),
        locations=[(location, location.pop("contacts")) for location in LOCATIONS.read(protocol)],
        secondary_ids=SECONDARY_IDS.read(protocol),
        references=REFERENCES.read(protocol),
    )
    _read_arms(protocol, data)
    _check_rules(data)
    return data


def check_storable(study):
    """Refuse, anywhere in the study (modelled or only kept in the stored record), what no database stores as
    JSON or text: nesting deeper than MAX_DEPTH, NaN or an infinite number, a NUL or a lone surrogate."""
    stack = [(study, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise RecordError(_where(path), f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            if bad := next((key for key in value if NOT_TEXT_RE.search(key)), None):
                raise RecordError(_where(path), f"the key {bad!r} holds a NUL or a lone surrogate, which are not text")
            stack.extend((item, (*path, key)) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            raise RecordError(_where(path), f"{json.dumps(value)} is not a number JSON allows")
        elif isinstance(value, str) and NOT_TEXT_RE.search(value):
            raise RecordError(_where(path), f"{value[:40]!r} holds a NUL or a lone surrogate, which are not text")


def _where(path):
    """("protocolSection", "armsInterventionsModule", "armGroups", 0) -> "armsInterventionsModule.armGroups[0]"."""
    if path[:1] == ("protocolSection",):  # the fields are named from protocolSection, as everywhere else
        path = path[1:]
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".") or "study"


def _organisation(values):
    return values["name"], values["agency_class"]


def _read_arms(protocol, data):
    data.arm_groups = ARM_GROUPS.read(protocol)
    labels = [arm["label"] for arm in data.arm_groups]
    if error := rules.duplicate_label_error(labels):
        i = next(i for i, label in enumerate(labels) if label in labels[:i])
        raise RecordError(f"{ARM_GROUPS.where}[{i}].label", error)
    for i, intervention in enumerate(INTERVENTIONS.read(protocol)):
        arm_labels = intervention.pop("arm_group_labels")
        unknown = [label for label in arm_labels if label not in labels]
        if unknown:
            where = f"{INTERVENTIONS.where}[{i}].armGroupLabels"
            raise RecordError(where, f"no study group is labelled {unknown[0]!r}")
        data.interventions.append((intervention, arm_labels))


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
