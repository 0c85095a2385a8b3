"""Made-up records and edits for tests, shared by several test modules (test modules import from here, never
from each other). Each builds on the seed record; none is real registry data."""

from .conftest import SEED_PATH, load_json

# Where the gazetteer (trials/geo.py) places these two cities.
BEIJING = (39.9075, 116.39723)
TIANJIN = (39.14222, 117.17667)

DELETE = object()  # change(): remove the field instead of setting it


def change(study, path, value):
    """Set (or with DELETE, remove) protocolSection[path], path written "a.b[0].c"."""
    keys = [int(k) if k.isdigit() else k for k in path.replace("[", ".").replace("]", "").split(".")]
    data = study["protocolSection"]
    for key in keys[:-1]:
        data = data[key]
    if value is DELETE:
        del data[keys[-1]]
    else:
        data[keys[-1]] = value


def sited_study(study, nct_id, *sites, status="RECRUITING"):
    """The seed study under another NCT ID, recruiting at the given (facility, city, country[, site status])."""
    study["protocolSection"]["identificationModule"]["nctId"] = nct_id
    study["protocolSection"]["statusModule"]["overallStatus"] = status
    study["protocolSection"]["contactsLocationsModule"]["locations"] = [
        {"facility": site[0], "city": site[1], "country": site[2], **({"status": site[3]} if len(site) > 3 else {})}
        for site in sites
    ]
    return study


def many_of_each(count):
    """The seed with `count` groups, interventions, criteria, officials and sites."""
    study = load_json(SEED_PATH)
    protocol = study["protocolSection"]
    protocol["armsInterventionsModule"] = {
        "armGroups": [{"label": f"Group {i}", "type": "EXPERIMENTAL"} for i in range(count)],
        "interventions": [
            {"type": "DRUG", "name": f"Drug {i}", "armGroupLabels": [f"Group {i}", f"Group {(i + 1) % count}"]}
            for i in range(count)
        ],
    }
    protocol["eligibilityModule"]["eligibilityCriteria"] = "Inclusion Criteria:\n\n" + "\n".join(
        f"* item {i}\n  * sub-item {i}" for i in range(count)
    )
    protocol["contactsLocationsModule"]["overallOfficials"] = [
        {"name": f"Investigator {i}", "affiliation": "A hospital", "role": "PRINCIPAL_INVESTIGATOR"}
        for i in range(count)
    ]
    protocol["contactsLocationsModule"]["locations"] = [
        {"facility": f"Site {i}", "city": "Beijing", "country": "China", "contacts": [{"name": f"Nurse {i}"}]}
        for i in range(count)
    ]
    protocol["conditionsModule"]["keywords"] = [f"keyword {i}" for i in range(count)]
    protocol["outcomesModule"] = {"primaryOutcomes": [{"measure": f"Outcome {i}"} for i in range(count)]}
    return study
