"""The related rows of a study, declared once: each list's JSON keys <-> the model fields they are stored in.

A declaration reads its part of protocolSection into values (dicts of model field
names, checked), takes the same values from the models (`values(trial)`), and writes
values back as JSON: the reader and the exporter both use it, so they cannot drift apart.
"""

import copy
from operator import attrgetter

from trials import choices
from trials.models import Location, Trial

from .fields import FIELDS, ID, SPONSORS, RecordError, check_length, value_at

ARMS = ("armsInterventionsModule",)
CONTACTS = ("contactsLocationsModule",)


def as_list(value, where):
    """The list at `where`, [] for none."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(where, f"expected a list, got {type(value).__name__}")
    return value


def texts(value, where):
    """A list of non-empty texts, duplicates dropped."""
    items = as_list(value, where)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise RecordError(f"{where}[{i}]", f"expected text, got {item!r}")
    return list(dict.fromkeys(items))


def model_field(model, attr):
    """The model field a dotted attribute path of `model`'s rows ends at, following relations."""
    *steps, name = attr.split(".")
    for step in steps:
        model = model._meta.get_field(step).related_model
    return model._meta.get_field(name)


def max_length(model, attr):
    """How many characters the field at `attr` holds (None: no limit, or not a text field)."""
    return getattr(model_field(model, attr), "max_length", None)


class Key:
    """One key of a JSON object <-> one model field.

    `enum`: the TextChoices its value must be in (None: free text); `attr`: where a row
    holds the value when not under `field` (a dotted path, or a function of the row);
    `default`: its value when the key is missing; `required`: it must not be empty.
    `source`: the attribute path the value is stored at (None when a function reads it).
    """

    def __init__(self, json, field, enum=None, attr=None, default="", required=False):
        self.json, self.field, self.enum, self.default, self.required = json, field, enum, default, required
        self.source = None if callable(attr) else attr or field
        self.get = attr if callable(attr) else attrgetter(self.source)

    def read(self, item, where):
        """{field: value} from a JSON object; raises RecordError."""
        value = item.get(self.json)
        if value is None:
            value = self.default
        elif self.enum is not None and value not in self.enum.values:
            raise RecordError(
                f"{where}.{self.json}",
                f"unknown value {value!r} (expected one of {', '.join(self.enum.values)})",
            )
        elif not isinstance(value, str):
            raise RecordError(f"{where}.{self.json}", f"expected text, got {value!r}")
        if self.required and not value:
            raise RecordError(f"{where}.{self.json}", "missing")
        return {self.field: value}

    def row(self, row):
        """{field: value} from a model row."""
        return {self.field: self.get(row)}

    def write(self, values):
        """The JSON value, or None to leave the key out."""
        return values[self.field] or None


class TextsKey(Key):
    """A list of texts, e.g. an intervention's otherNames."""

    def read(self, item, where):
        return {self.field: texts(item.get(self.json), f"{where}.{self.json}")}


class GeoPoint(Key):
    """{"lat": …, "lon": …} <-> latitude and longitude; a point the portal placed itself (geocoded) is not exported."""

    PARTS = (("lat", "latitude", 90), ("lon", "longitude", 180))  # JSON key, field, largest value either way

    def __init__(self):
        super().__init__("geoPoint", "latitude")

    def read(self, item, where):
        geo = item.get(self.json) or {}
        if not isinstance(geo, dict):
            raise RecordError(f"{where}.{self.json}", f"expected {{lat, lon}}, got {geo!r}")
        values = {}
        for key, name, limit in self.PARTS:
            value = geo.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise RecordError(f"{where}.{self.json}.{key}", f"expected a number, got {value!r}")
            if value is not None and not -limit <= value <= limit:
                raise RecordError(f"{where}.{self.json}.{key}", f"expected a number from -{limit} to {limit}")
            values[name] = value
        return values

    def row(self, location):
        return {name: None if location.geocoded else getattr(location, name) for _, name, _ in self.PARTS}

    def write(self, values):
        point = {key: values[name] for key, name, _ in self.PARTS}
        return None if None in point.values() else point


class Objects:
    """A list of JSON objects at `path`, each one row of `rows` (a related manager's name).

    `fixed`: field values every row of this list has (outcomes of one kind); `unique`: rows
    are stored once, so a repeated object is read once. `parent`: the model whose `rows` they are.
    """

    def __init__(self, path, rows, *keys, fixed=None, unique=False, parent=Trial):
        self.path, self.rows, self.keys, self.fixed, self.unique = path, rows, keys, fixed or {}, unique
        self.where = ".".join(path)
        model = parent._meta.get_field(rows).related_model
        self.max_lengths = {key: max_length(model, key.source) for key in keys if key.source}

    def read_item(self, item, where):
        if not isinstance(item, dict):
            raise RecordError(where, f"expected an object, got {item!r}")
        values = dict(self.fixed)
        for key in self.keys:
            values.update(key.read(item, where))
            if limit := self.max_lengths.get(key):
                check_length(values[key.field], limit, f"{where}.{key.json}")
        return values

    def read_value(self, value, where=None):
        """The values of each object of the JSON list `value`."""
        where = where or self.where
        items = [self.read_item(item, f"{where}[{i}]") for i, item in enumerate(as_list(value, where))]
        return [v for i, v in enumerate(items) if v not in items[:i]] if self.unique else items

    def read(self, data):
        return self.read_value(value_at(data, self.path))

    def row_values(self, row):
        values = dict(self.fixed)
        for key in self.keys:
            values.update(key.row(row))
        return values

    def values(self, parent):
        """The values of each row, in order."""
        rows = getattr(parent, self.rows).all()
        return [self.row_values(row) for row in rows if all(getattr(row, f) == v for f, v in self.fixed.items())]

    def write_item(self, values):
        return {key.json: value for key in self.keys if (value := key.write(values)) is not None}

    def write(self, values):
        return [self.write_item(v) for v in values]

    def write_over(self, values, stored):
        """`values` as JSON, each as the stored object that reads as it (a copy) when there is one: so the keys
        we do not model and the registry's key order survive. The others are written anew."""
        left = []
        for item in stored:
            try:
                left.append((self.read_item(item, self.where), item))
            except RecordError:
                continue
        written = []
        for row in values:
            found = next((i for i, (read, _) in enumerate(left) if read == row), None)
            written.append(copy.deepcopy(left.pop(found)[1]) if found is not None else self.write_item(row))
        return written


class Object(Objects):
    """One JSON object at `path`: the row `rows` names (a foreign key, maybe None)."""

    def read_value(self, value, where=None):
        return None if value is None else self.read_item(value, where or self.where)

    def values(self, trial):
        row = getattr(trial, self.rows)
        return None if row is None else self.row_values(row)

    def write(self, values):
        return None if values is None else self.write_item(values)

    def write_over(self, values, stored):
        return self.write(values)


class ObjectsKey(Key):
    """A list of objects inside an object, e.g. a site's contacts: `objects` declares them."""

    def __init__(self, objects):
        (json,) = objects.path
        super().__init__(json, objects.rows)
        self.objects = objects

    def read(self, item, where):
        return {self.field: self.objects.read_value(item.get(self.json), f"{where}.{self.json}")}

    def row(self, row):
        return {self.field: self.objects.values(row)}

    def write(self, values):
        return self.objects.write(values[self.field]) or None


class Texts:
    """A list of texts at `path` (conditions, keywords), each one row of `rows`; `attr` holds its text."""

    def __init__(self, path, rows, attr):
        self.path, self.rows, self.get = path, rows, attrgetter(attr)
        self.where = ".".join(path)
        self.max_length = max_length(Trial._meta.get_field(rows).related_model, attr)

    def read_value(self, value):
        items = texts(value, self.where)
        for i, item in enumerate(items):
            check_length(item, self.max_length, f"{self.where}[{i}]")
        return items

    def read(self, data):
        return self.read_value(value_at(data, self.path))

    def values(self, trial):
        return [self.get(row) for row in getattr(trial, self.rows).all()]

    def write(self, values):
        return values

    def write_over(self, values, stored):
        return self.write(values)


def organisation(name_key="name", of=""):
    """An organisation's keys: its name and agency class (OTHER when not given); `of`: where a row holds it."""
    return (
        Key(name_key, "name", attr=f"{of}name", required=True),
        Key("class", "agency_class", choices.AgencyClass, attr=f"{of}agency_class", default=choices.AgencyClass.OTHER),
    )


CONTACT_KEYS = (
    Key("name", "name"),
    Key("role", "role", choices.ContactRole),
    Key("phone", "phone"),
    Key("phoneExt", "phone_ext"),
    Key("email", "email"),
)
OUTCOME_KEYS = (Key("measure", "measure"), Key("description", "description"), Key("timeFrame", "time_frame"))

ORGANIZATION = Object((*ID, "organization"), "organization", *organisation("fullName"))
SECONDARY_IDS = Objects(
    (*ID, "secondaryIdInfos"),
    "secondary_ids",
    Key("id", "identifier"),
    Key("type", "type", choices.SecondaryIdType),
    Key("domain", "domain"),
    Key("link", "link"),
)
LEAD_SPONSOR = Object((*SPONSORS, "leadSponsor"), "lead_sponsor", *organisation())
COLLABORATORS = Objects((*SPONSORS, "collaborators"), "collaborations", *organisation(of="sponsor."), unique=True)
CONDITIONS = Texts(("conditionsModule", "conditions"), "trial_conditions", "condition.name")
KEYWORDS = Texts(("conditionsModule", "keywords"), "keywords", "term")
ARM_GROUPS = Objects(
    (*ARMS, "armGroups"),
    "arm_groups",
    Key("label", "label", required=True),
    Key("type", "type", choices.ArmGroupType),
    Key("description", "description"),
)
INTERVENTIONS = Objects(
    (*ARMS, "interventions"),
    "interventions",
    Key("type", "type", choices.InterventionType),
    Key("name", "name"),
    Key("description", "description"),
    TextsKey("armGroupLabels", "arm_group_labels", attr=lambda i: [arm.label for arm in i.ordered_arm_groups]),
    TextsKey("otherNames", "other_names"),
)
OUTCOMES = [
    Objects(("outcomesModule", key), "outcomes", *OUTCOME_KEYS, fixed={"kind": kind})
    for key, kind in (
        ("primaryOutcomes", choices.OutcomeKind.PRIMARY),
        ("secondaryOutcomes", choices.OutcomeKind.SECONDARY),
        ("otherOutcomes", choices.OutcomeKind.OTHER),
    )
]
CENTRAL_CONTACTS = Objects((*CONTACTS, "centralContacts"), "central_contacts", *CONTACT_KEYS)
OFFICIALS = Objects(
    (*CONTACTS, "overallOfficials"),
    "officials",
    Key("name", "name", attr="investigator.name", required=True),
    Key("affiliation", "affiliation", attr="investigator.affiliation"),
    Key("role", "role", choices.OfficialRole),
)
LOCATIONS = Objects(
    (*CONTACTS, "locations"),
    "locations",
    Key("facility", "facility"),
    Key("status", "status", choices.Status),
    Key("city", "city"),
    Key("state", "state"),
    Key("zip", "zip"),
    Key("country", "country"),
    ObjectsKey(Objects(("contacts",), "contacts", *CONTACT_KEYS, parent=Location)),
    GeoPoint(),
)
REFERENCES = Objects(
    ("referencesModule", "references"),
    "references",
    Key("pmid", "pmid"),
    Key("type", "type", choices.ReferenceType),
    Key("citation", "citation"),
)

# Every list and object of protocolSection kept as related rows, in the registry's order.
RELATED = [
    ORGANIZATION,
    SECONDARY_IDS,
    LEAD_SPONSOR,
    COLLABORATORS,
    CONDITIONS,
    KEYWORDS,
    ARM_GROUPS,
    INTERVENTIONS,
    *OUTCOMES,
    CENTRAL_CONTACTS,
    OFFICIALS,
    LOCATIONS,
    REFERENCES,
]
# Everything import then export reproduces: the FIELDS paths, the related lists above, and hasResults.
COVERED_PATHS = (
    [("protocolSection", *f.path) for f in FIELDS] + [("protocolSection", *r.path) for r in RELATED] + [("hasResults",)]
)
