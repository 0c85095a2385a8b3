"""Helpers shared by several test modules (test modules import from here, never from each other): made-up
records and edits, each built on the seed record (none is real registry data); facts of the sample records
read from their JSON, so a search's expected matches are not asked of the database; reading a search's results.
"""

import copy
import csv
import io
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms import CheckboxInput, NullBooleanSelect
from django.test import RequestFactory

from .conftest import SEED_PATH, load_json, sample_paths

# Where the gazetteer (trials/geo.py) places these two cities.
BEIJING = (39.9075, 116.39723)
TIANJIN = (39.14222, 117.17667)

DELETE = object()  # change(): remove the field instead of setting it


def change(study, path, value):
    """Set protocolSection[path] (path written "a.b[0].c") to value, or to value(old value) when it is a function;
    DELETE removes it. Returns the study."""
    keys = [int(k) if k.isdigit() else k for k in path.replace("[", ".").replace("]", "").split(".")]
    data = study["protocolSection"]
    for key in keys[:-1]:
        data = data[key]
    if value is DELETE:
        del data[keys[-1]]
    else:
        data[keys[-1]] = value(data[keys[-1]]) if callable(value) else value
    return study


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


def quokka_study(seed_study, nct_id, title, summary="", criteria="Inclusion Criteria:\n\n* Adults"):
    """The seed under another NCT ID with this title, summary and criteria, and a condition no sample has."""
    study = copy.deepcopy(seed_study)
    protocol = study["protocolSection"]
    protocol["identificationModule"].update(nctId=nct_id, briefTitle=title, officialTitle=title)
    protocol["identificationModule"].pop("acronym", None)
    protocol["descriptionModule"] = {"briefSummary": summary or "A study."}
    protocol["eligibilityModule"]["eligibilityCriteria"] = criteria
    protocol["conditionsModule"] = {"conditions": ["Quokka test condition"]}
    return study


# Facts of the sample records, read from their JSON

RECORDS = {path.stem: load_json(path)["protocolSection"] for path in sample_paths()}
AGE_UNITS = {"year": 1, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25, "hour": 1 / 8766, "minute": 1 / 525960}


def module(record, name):
    return record.get(name, {})


def age_years(text):
    if not text:
        return None
    number, unit = text.split()
    return float(number) * AGE_UNITS[unit.lower().rstrip("s")]


def padded(text):
    return date.fromisoformat((text + "-01-01")[:10] if len(text) == 4 else (text + "-01")[:10])


def record_date(record, struct):
    value = module(record, "statusModule").get(struct, {}).get("date")
    return padded(value) if value else None


def sponsors_of(record):
    sponsors = module(record, "sponsorCollaboratorsModule")
    return {sponsors["leadSponsor"]["name"].lower()} | {c["name"].lower() for c in sponsors.get("collaborators", [])}


def may_join(record, age):
    eligibility = module(record, "eligibilityModule")
    low, high = age_years(eligibility.get("minimumAge")), age_years(eligibility.get("maximumAge"))
    return (low is None or low <= age) and (high is None or high >= age)


MOST_COMMON_CONDITION = Counter(
    c for r in RECORDS.values() for c in module(r, "conditionsModule").get("conditions", [])
).most_common(1)[0][0]
MOST_COMMON_SPONSOR = Counter(
    r["sponsorCollaboratorsModule"]["leadSponsor"]["name"] for r in RECORDS.values()
).most_common(1)[0][0]


# A search's results


def found(response):
    """NCT IDs on a result page, in order."""
    return [trial.nct_id for trial in response.context["page"]]


def exported(client, params):
    """NCT IDs of every match, from the CSV export."""
    response = client.get("/trials/export.csv", params)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return [row[0] for row in rows[1:]]


def form_data(response):
    """The POST data the change form would send back unchanged: the trial's fields and every inline's rows."""
    data = {}

    def add(form):
        for name in form.fields:
            value, widget = form[name].value(), form.fields[name].widget
            key = form.add_prefix(name)
            if isinstance(widget, CheckboxInput):
                if value:
                    data[key] = "on"
            elif isinstance(widget, NullBooleanSelect):
                data[key] = {True: "true", False: "false"}.get(value, "unknown")
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.forms:
            add(form)
    return data


def post_change(client, trial, **changes):
    """Save the trial's admin change form as it stands, with `changes` to its fields."""
    url = f"/admin/trials/trial/{trial.pk}/change/"
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


# What a browser sends


class BrowserForm(HTMLParser):
    """The fields a browser submits from the form `form_id` of a page, as [(name, value)]: checked boxes only, each
    select's chosen options, text inputs without line breaks, textareas with CRLF line endings (HTML's rules)."""

    TEXT_INPUTS = {"text", "search", "tel", "url", "email", "password"}
    NOT_SENT = {"submit", "button", "image", "reset", "file"}

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.in_form, self.fields = form_id, False, []
        self.textarea = self.select = self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form or "disabled" in attrs:
            return
        if tag == "input":
            self._input(attrs)
        elif tag == "textarea" and "name" in attrs:
            self.textarea = [attrs["name"], ""]
        elif tag == "select" and "name" in attrs:
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.select["options"].append(self.option)

    def _input(self, attrs):
        kind, name, value = attrs.get("type", "text").lower(), attrs.get("name"), attrs.get("value") or ""
        if name is None or kind in self.NOT_SENT or (kind in {"checkbox", "radio"} and "checked" not in attrs):
            return
        if kind in {"checkbox", "radio"}:
            value = attrs.get("value", "on")
        elif kind in self.TEXT_INPUTS:
            value = value.replace("\r", "").replace("\n", "")
        self.fields.append((name, value))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\n")
            self.fields.append((name, text.replace("\n", "\r\n")))
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            self._chosen(self.select)
            self.select = None

    def _chosen(self, select):
        options = [
            (" ".join(text.split()) if value is None else value, chosen) for value, chosen, text in select["options"]
        ]
        chosen = [value for value, selected in options if selected]
        if not select["multiple"]:
            chosen = chosen[-1:] or [value for value, _ in options[:1]]
        self.fields.extend((select["name"], value) for value in chosen)


def browser_form_data(response, form_id):
    """The POST data a browser sends when the form `form_id` of this page is submitted as it stands."""
    parser = BrowserForm(form_id)
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def save_as_a_browser(client, trial, **changes):
    """Open the trial's admin change form and send it back as a browser would (its fields as the page has them,
    textareas with CRLF line endings, URL-encoded as the form has no file field), with `changes` ({name: [values]})."""
    url = f"/admin/trials/trial/{trial.pk}/change/"
    data = {**browser_form_data(client.get(url), "trial_form"), **changes, "_save": ["Save"]}
    return client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")


def many_results(measures, terms, groups=4):
    """The seed with posted results: `measures` outcome measures (each with a category per group, a count and an
    analysis) and `terms` adverse-event terms over ten organ systems, for `groups` groups."""
    study = load_json(SEED_PATH)
    study["hasResults"] = True

    def arms(prefix):
        return [{"id": f"{prefix}{i:03d}", "title": f"Group {i}", "description": f"Dose {i}"} for i in range(groups)]

    def counts(prefix, value):
        return [{"groupId": f"{prefix}{i:03d}", "value": str(value + i)} for i in range(groups)]

    def stats(affected):
        return [{"groupId": f"EG{i:03d}", "numAffected": affected % 7, "numAtRisk": 60} for i in range(groups)]

    outcome = {
        "type": "SECONDARY",
        "title": "Change in pain score",
        "timeFrame": "12 weeks",
        "paramType": "MEAN",
        "dispersionType": "Standard Deviation",
        "unitOfMeasure": "points",
        "groups": arms("OG"),
        "denoms": [{"units": "Participants", "counts": counts("OG", 50)}],
        "classes": [
            {
                "categories": [
                    {
                        "measurements": [
                            {"groupId": f"OG{i:03d}", "value": f"{i}.5", "spread": "1.1"} for i in range(groups)
                        ]
                    }
                ]
            }
        ],
        "analyses": [
            {
                "groupIds": ["OG000", "OG001"],
                "nonInferiorityType": "SUPERIORITY",
                "pValue": "0.04",
                "statisticalMethod": "ANCOVA",
                "paramType": "Mean Difference (Final Values)",
                "paramValue": "-1.0",
                "ciPctValue": "95",
                "ciNumSides": "TWO_SIDED",
                "ciLowerLimit": "-1.9",
                "ciUpperLimit": "-0.1",
            }
        ],
    }
    event_groups = [
        {"id": f"EG{i:03d}", "title": f"Group {i}", "seriousNumAffected": 3, "seriousNumAtRisk": 60}
        | {"otherNumAffected": 30, "otherNumAtRisk": 60, "deathsNumAffected": 0, "deathsNumAtRisk": 60}
        for i in range(groups)
    ]
    events = [{"term": f"Event {n}", "organSystem": f"System {n % 10}", "stats": stats(n)} for n in range(terms)]
    study["resultsSection"] = {
        "participantFlowModule": {
            "groups": arms("FG"),
            "periods": [
                {
                    "title": "Overall Study",
                    "milestones": [
                        {
                            "type": "STARTED",
                            "achievements": [
                                {"groupId": f"FG{i:03d}", "numSubjects": str(60 + i)} for i in range(groups)
                            ],
                        }
                    ],
                }
            ],
        },
        "baselineCharacteristicsModule": {
            "groups": arms("BG"),
            "denoms": [{"units": "Participants", "counts": counts("BG", 60)}],
            "measures": [],
        },
        "outcomeMeasuresModule": {
            "outcomeMeasures": [dict(outcome, type="PRIMARY" if n < 2 else "SECONDARY") for n in range(measures)]
        },
        "adverseEventsModule": {
            "timeFrame": "12 weeks",
            "eventGroups": event_groups,
            "seriousEvents": events[: terms // 4],
            "otherEvents": events[terms // 4 :],
        },
    }
    return study


# What a browser sends, read from the admin's forms (no page drawn)


def admin_form_data(user, trial):
    """What browser_form_data() reads from the trial's admin change page, read instead from the forms that page is
    drawn from: the admin's own change view, its response left undrawn (drawing the ~300 KB page and parsing it back
    is most of a save's cost). Each field's widget gives the context its template draws (its name, value, options
    chosen, checked, disabled), and the browser's rules of BrowserForm apply to that: the same fields, in the main
    form, every inline form (the empty one copied by "Add another" too) and the management forms."""
    request = RequestFactory().get(f"/admin/trials/trial/{trial.pk}/change/")
    request.user = user
    context = admin.site._registry[type(trial)].change_view(request, str(trial.pk)).context_data
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *(inline_form.form for inline_form in inline)]
    data = {}
    for name, value in (pair for form in forms for field in form for pair in _field_sent(field)):
        data.setdefault(name, []).append(value)
    return data


def _field_sent(field):
    """[(name, value)] a browser sends for a form's field as the admin draws it, with its hidden initial value if it
    has one (a field with a callable default)."""
    widget = field.field.widget
    if isinstance(widget, RelatedFieldWidgetWrapper):  # draws the widget it wraps, and links without fields
        widget = widget.widget
    drawn = [(widget, field.html_name)]
    if field.field.show_hidden_initial:
        drawn.append((field.field.hidden_widget(), field.html_initial_name))
    sent = []
    for widget, name in drawn:  # as BoundField.as_widget() draws it
        if field.field.localize:
            widget.is_localized = True
        sent += _widget_sent(widget.get_context(name, field.value(), field.build_widget_attrs({}, widget))["widget"])
    return sent


def _widget_sent(widget):
    """[(name, value)] a browser sends for a widget drawn from this template context, by BrowserForm's rules."""
    if widget["attrs"].get("disabled"):
        return []
    if "subwidgets" in widget:  # a MultiWidget, or a MultipleHiddenInput
        return [pair for subwidget in widget["subwidgets"] for pair in _widget_sent(subwidget)]
    if "optgroups" in widget:  # a select, or radio buttons and checkboxes of choices
        options = [option for _group, group_options, _index in widget["optgroups"] for option in group_options]
        chosen = [str(option["value"]) for option in options if option["selected"]]
        if widget["template_name"].endswith("/select.html") and not widget["attrs"].get("multiple"):
            chosen = chosen[-1:] or [str(option["value"]) for option in options[:1]]
        return [(widget["name"], value) for value in chosen]
    kind, value = widget.get("type"), widget["value"]
    if widget["template_name"].endswith("/textarea.html"):  # CRLF line endings
        text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
        return [(widget["name"], text.replace("\n", "\r\n"))]
    if kind in BrowserForm.NOT_SENT or (kind in {"checkbox", "radio"} and not widget["attrs"].get("checked")):
        return []
    if kind in {"checkbox", "radio"}:
        return [(widget["name"], "on" if value is None else str(value))]
    text = "" if value is None else str(value)
    return [(widget["name"], text.replace("\r", "").replace("\n", "") if kind in BrowserForm.TEXT_INPUTS else text)]


def save_unchanged(client, user, trial):
    """Send the trial's admin change form back unchanged, its data read from the admin's forms (admin_form_data)."""
    data = {**admin_form_data(user, trial), "_save": ["Save"]}
    url = f"/admin/trials/trial/{trial.pk}/change/"
    return client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")
