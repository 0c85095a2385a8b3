"""The results page (/trials/<NCT>/results/): every bundled record with results shows the registry's numbers in the
right cells, in one query whatever its size, and a record with odd values still renders."""

import copy
from html.parser import HTMLParser

import pytest
from django.utils import translation

from trials.choices import Dispersion, MeasureParam
from trials.eligibility import unescape_markdown
from trials.glossary import TERMS
from trials.models import Trial
from trials.registry.results import MISSING, read_results

from .conftest import import_paths, load_json, sample_paths
from .factories import many_results

pytestmark = pytest.mark.django_db

WITH_RESULTS = {path.stem: load_json(path) for path in sample_paths() if "resultsSection" in load_json(path)}
OUTCOME_ORDER = ["PRIMARY", "SECONDARY", "OTHER_PRE_SPECIFIED", "POST_HOC"]


class Tables(HTMLParser):
    """The page's results tables by the id that labels them: {"columns": [group titles], "rows": [(label, [values])]}.

    A value is the text of a cell's <span class="value">, the registry's figure before its "/N (x%)" or spread.
    """

    def __init__(self, html):
        super().__init__()
        self.tables, self.table, self.text, self.in_value, self.cell = {}, None, None, False, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "results-table" in attrs.get("class", ""):
            self.table = self.tables.setdefault(attrs["aria-labelledby"], {"columns": [], "rows": [], "lang": []})
        elif self.table is None:
            return
        elif tag == "th":
            self.text, self.cell = [], attrs.get("scope")
            self.table["lang"].append((attrs.get("scope"), attrs.get("lang")))
        elif tag == "td" and self.table["rows"]:  # not the header row's empty corner
            self.table["rows"][-1][1].append("")
        elif tag == "span" and attrs.get("class") == "value":
            self.in_value = True

    def handle_endtag(self, tag):
        if self.table is None:
            return
        if tag == "table":
            self.table = None
        elif tag == "th" and self.text is not None:
            text = " ".join("".join(self.text).split())
            if self.cell == "col":
                self.table["columns"].append(text)
            elif self.cell in ("row", "rowgroup"):
                self.table["rows"].append((text, []))
            self.text = None
        elif tag == "span":
            self.in_value = False

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)
        elif self.in_value:
            self.table["rows"][-1][1][-1] += data.strip()


def text(value):
    return " ".join(unescape_markdown(str(value)).split())


def row(table, label):
    """The values of the table's first row with this label."""
    return next(values for found, values in table["rows"] if found == label)


def by_group(items, key):
    return {item["groupId"]: text(item[key]) for item in items}


@pytest.fixture
def results_page(client, samples):
    def get(nct_id):
        response = client.get(f"/trials/{nct_id}/results/")
        assert response.status_code == 200, nct_id
        return Tables(response.content.decode())

    return get


@pytest.mark.parametrize("nct_id", sorted(WITH_RESULTS))
def test_every_bundled_result_shows_the_records_numbers_in_its_cells(results_page, nct_id):
    results = WITH_RESULTS[nct_id]["resultsSection"]
    tables = results_page(nct_id).tables

    flow = results["participantFlowModule"]
    titles = [text(group["title"]) for group in flow["groups"]]
    for number, period in enumerate(flow["periods"], 1):
        table = tables[f"flow-period-{number}"]
        assert table["columns"] == titles
        for milestone in period["milestones"]:
            label = {"STARTED": "Started", "COMPLETED": "Completed", "NOT COMPLETED": "Not completed"}.get(
                milestone["type"], text(milestone["type"])
            )
            given = by_group(milestone["achievements"], "numSubjects")
            assert row(table, label) == [given.get(group["id"], MISSING) for group in flow["groups"]], label

    baseline = results["baselineCharacteristicsModule"]
    overall = tables["baseline-overall"]
    assert overall["columns"] == [text(group["title"]) for group in baseline["groups"]]
    counts = by_group(baseline["denoms"][0]["counts"], "value")
    assert row(overall, "Participants analysed") == [counts[group["id"]] for group in baseline["groups"]]

    measures = results["outcomeMeasuresModule"]["outcomeMeasures"]
    for number, measure in enumerate(sorted(measures, key=lambda m: OUTCOME_ORDER.index(m["type"])), 1):
        table = tables[f"outcome-{number}"]
        groups = [group["id"] for group in measure["groups"]]
        assert table["columns"] == [text(group["title"]) for group in measure["groups"]]
        values = [values for _, values in table["rows"] if values]
        if "denoms" in measure:  # the first row counts the participants analysed
            assert values.pop(0) == [by_group(measure["denoms"][0]["counts"], "value").get(g, MISSING) for g in groups]
        categories = [category for klass in measure.get("classes", []) for category in klass["categories"]]
        assert len(values) == len(categories), measure["title"]
        for shown, category in [(values[0], categories[0]), (values[-1], categories[-1])] if categories else []:
            assert shown == [by_group(category["measurements"], "value").get(g, MISSING) for g in groups]

    events = results["adverseEventsModule"]
    totals = tables["adverse-events-totals"]
    assert totals["columns"] == [text(group["title"]) for group in events["eventGroups"]]
    for kind, label in [("deaths", "All-cause mortality"), ("serious", "Serious adverse events, any")]:
        expected = [text(group.get(f"{kind}NumAffected", MISSING)) for group in events["eventGroups"]]
        assert row(totals, label) == expected, kind
    for key, table_id in [("seriousEvents", "serious-adverse-events"), ("otherEvents", "other-adverse-events")]:
        for event in events.get(key, [])[:: max(1, len(events.get(key, [])) // 5)]:  # about five terms of each
            expected = [by_group(event["stats"], "numAffected")[group["id"]] for group in events["eventGroups"]]
            assert expected in [values for label, values in tables[table_id]["rows"] if label == text(event["term"])]


def test_counts_read_as_affected_of_at_risk_with_the_percentage(client, samples):
    page = client.get("/trials/NCT01978912/results/").content.decode()
    # Appendicitis, serious, group 1: 1 of 6 at risk
    assert '<span class="value">1</span>/6 (16.7%)' in page
    # baseline, women in cohort 1: 5 of the 6 counted
    assert '<span class="value">5</span>/6 (83.3%)' in page


def test_outcome_measures_come_primary_first_with_their_analyses(client, samples):
    page = client.get("/trials/NCT01367860/results/").content.decode()
    kinds = [part.split("</span>")[0] for part in page.split('<span class="measure-kind')[1:]]
    primary = [kind for kind in kinds if "Primary outcome" in kind]
    assert primary and kinds[: len(primary)] == primary
    assert "Statistical analysis" in page and "p-value" in page and "Confidence interval" in page


def test_the_page_reads_one_query_whatever_the_number_of_measures(client, write_json, django_assert_num_queries):
    # The trial with its sponsor and short lists (RECORD_LISTS), whose stored record holds the results.
    sizes = {"NCT00000001": (1, 4), "NCT00000002": (20, 80)}
    for nct_id, (measures, terms) in sizes.items():
        study = many_results(measures=measures, terms=terms)
        study["protocolSection"]["identificationModule"]["nctId"] = nct_id
        assert import_paths(write_json(f"{nct_id}.json", study)).failures == []
        with django_assert_num_queries(1):
            response = client.get(f"/trials/{nct_id}/results/")
        assert response.status_code == 200
        tables = Tables(response.content.decode()).tables
        assert len([name for name in tables if name.startswith("outcome-")]) == measures
        events = [row for name in ("serious-adverse-events", "other-adverse-events") for row in tables[name]["rows"]]
        assert len([label for label, values in events if values]) == terms


def test_odd_values_render_as_given_or_as_a_dash(client, seed_study, write_json):
    study = many_results(measures=2, terms=4)
    results = study["resultsSection"]
    results["participantFlowModule"]["groups"].append("not a group")
    results["participantFlowModule"]["periods"][0]["milestones"][0]["achievements"][0]["numSubjects"] = ["?"]
    results["baselineCharacteristicsModule"]["measures"] = [{"title": "Age", "classes": "none"}, 3]
    measure = results["outcomeMeasuresModule"]["outcomeMeasures"][0]
    measure["classes"][0]["categories"][0]["measurements"][0] = {"groupId": "OG000", "value": "NA", "comment": "Not"}
    measure["classes"][0]["categories"][0]["measurements"][1] = {"groupId": "OG999", "value": "9"}
    measure["analyses"] = [{"groupIds": "OG000", "pValue": {"x": 1}}, None]
    measure["type"] = "SOMETHING_NEW"
    results["adverseEventsModule"]["eventGroups"][0]["deathsNumAtRisk"] = "many"
    results["adverseEventsModule"]["seriousEvents"][0]["stats"] = [{"groupId": "EG000", "numAffected": "x"}]
    results["adverseEventsModule"]["otherEvents"] = {"not": "a list"}
    results["moreInfoModule"] = {"certainAgreement": "yes", "pointOfContact": None}
    assert import_paths(write_json("odd.json", study)).failures == []
    response = client.get("/trials/NCT07107204/results/")
    assert response.status_code == 200
    tables = Tables(response.content.decode()).tables
    assert row(tables["flow-period-1"], "Started")[0] == MISSING
    assert row(tables["outcome-2"], "Mean")[:2] == ["NA", MISSING]  # the unknown type comes last
    assert row(tables["serious-adverse-events"], "Event 0")[0] == "x"


def test_the_registrys_english_labels_are_read_whatever_the_pages_language():
    measure = {"type": "PRIMARY", "paramType": "MEAN", "dispersionType": "Standard Deviation"}
    with translation.override("zh-hans"):
        (read,) = read_results({"resultsSection": {"outcomeMeasuresModule": {"outcomeMeasures": [measure]}}}).outcomes
    assert (read.param, read.dispersion) == (MeasureParam.MEAN.label, Dispersion.STANDARD_DEVIATION.label)


def test_unreadable_sections_read_as_none():
    assert read_results(None) is None
    assert read_results({"resultsSection": []}) is None
    results = read_results({"resultsSection": {"outcomeMeasuresModule": "x", "adverseEventsModule": []}})
    assert (results.flow, results.baseline, results.outcomes, results.adverse_events) == (None, None, (), None)


def test_the_results_tab_shows_only_for_trials_with_results(client, samples):
    with_results = client.get("/trials/NCT01978912/").content.decode()
    assert 'href="/trials/NCT01978912/results/"' in with_results
    without = Trial.objects.filter(has_results=False).values_list("nct_id", flat=True).first()
    assert "/results/" not in client.get(f"/trials/{without}/").content.decode()
    assert client.get(f"/trials/{without}/results/").status_code == 404


def test_the_full_record_prints_every_results_table(client, samples):
    results = Tables(client.get("/trials/NCT01978912/results/").content.decode()).tables
    full = Tables(client.get("/trials/NCT01978912/full/").content.decode()).tables
    assert full == results


def test_search_results_say_results_posted_with_a_link(search):
    page = search({"has_results": "true"}).content.decode()
    for nct_id in WITH_RESULTS:
        assert f'<a href="/trials/{nct_id}/results/">Results posted' in page


def test_registry_text_is_marked_english_on_chinese_pages(client, samples):
    response = client.get("/trials/NCT01978912/results/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    for table in Tables(response.content.decode()).tables.values():
        assert {lang for scope, lang in table["lang"] if scope in ("col", "rowgroup")} <= {"en"}


def test_the_glossary_explains_the_results_terms(client):
    slugs = ["primary-outcome", "adverse-event", "serious-adverse-event", "confidence-interval", "p-value"]
    slugs += ["baseline", "participant-flow"]
    page = client.get("/glossary/").content.decode()
    for slug in slugs:
        assert slug in TERMS
        assert f'id="{slug}"' in page


def test_export_keeps_the_results_unchanged(client, samples):
    for nct_id, study in WITH_RESULTS.items():
        exported = client.get(f"/trials/{nct_id}.json").json()
        assert exported["resultsSection"] == copy.deepcopy(study["resultsSection"]), nct_id


def test_staff_see_the_posted_results_read_only(client, samples, login):
    login("superuser")
    trial = Trial.objects.get(nct_id="NCT01978912")
    page = client.get(f"/admin/trials/trial/{trial.pk}/change/").content.decode()
    assert "10 outcome measures with results" in page
    assert 'href="/trials/NCT01978912/results/"' in page
    assert "resultsSection" not in page and 'name="source_record"' not in page


def test_the_page_is_revalidated_like_every_record_page(client, samples):
    first = client.get("/trials/NCT00353704/results/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/trials/NCT00353704/results/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
