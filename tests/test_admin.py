"""Staff editing in the admin: roles, the sectioned editor with every inline, workflow actions, history, merges."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trials import workflow
from trials.changes import trials_changed
from trials.choices import Publication
from trials.models import ArmGroup, Investigator, Official, Sponsor, Trial

from .conftest import import_paths
from .factories import TIANJIN, form_data, many_of_each, post_change, sited_study

pytestmark = pytest.mark.django_db

TRIALS = "/admin/trials/trial/"
ROLES = ["Trial readers", "Trial editors", "Trial reviewers"]


@pytest.fixture
def draft(seed_trial, django_user_model):
    """The seed trial as an editable draft (imported trials are published)."""
    workflow.unpublish(seed_trial, None)
    return Trial.objects.get(pk=seed_trial.pk)


# Roles


@pytest.mark.parametrize(
    "role, changelist, add, change, history",
    [
        (None, 403, 403, 403, 403),
        ("Trial readers", 200, 403, 200, 200),
        ("Trial editors", 200, 200, 200, 200),
        ("Trial reviewers", 200, 200, 200, 200),
    ],
)
def test_each_role_opens_the_pages_it_may(client, login, draft, role, changelist, add, change, history):
    login(role)
    assert client.get(TRIALS).status_code == changelist
    assert client.get(f"{TRIALS}add/").status_code == add
    response = client.get(f"{TRIALS}{draft.pk}/change/")
    assert response.status_code == change
    if change == 200:
        page = response.content.decode()
        for heading in ("Study groups (arms)", "Interventions", "Eligibility criteria, item by item", "Locations"):
            assert heading.lower() in page.lower()
        can_save = role != "Trial readers"
        assert ('name="_save"' in page) == can_save
    assert client.get(f"{TRIALS}{draft.pk}/history/").status_code == history


@pytest.mark.parametrize("role, saved", [("Trial readers", False), ("Trial editors", True), ("Trial reviewers", True)])
def test_only_editors_and_reviewers_save_changes(client, login, draft, role, saved):
    login("Trial editors")
    data = form_data(client.get(f"{TRIALS}{draft.pk}/change/"))
    client.logout()
    login(role)
    data["brief_title"] = "Edited title"
    response = client.post(f"{TRIALS}{draft.pk}/change/", data)
    assert response.status_code == (302 if saved else 403)
    draft.refresh_from_db()
    assert (draft.brief_title == "Edited title") == saved


@pytest.mark.parametrize(
    "role, actions",
    [
        ("Trial readers", {"export_json", "export_csv"}),
        ("Trial editors", {"export_json", "export_csv", "submit_for_review"}),
        ("Trial reviewers", {"export_json", "export_csv", "submit_for_review", "publish", "unpublish"}),
    ],
)
def test_workflow_actions_follow_the_roles(client, login, seed_trial, role, actions):
    login(role)
    choices = client.get(TRIALS).context["action_form"].fields["action"].choices
    assert {name for name, _ in choices if name} == actions | (
        {"delete_selected"} if role == "Trial reviewers" else set()
    )


def test_users_and_groups_stay_with_superusers(client, login):
    login("Trial reviewers")
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


# The editor


def test_the_editor_shows_sections_in_the_public_order_with_their_inlines(client, login, draft):
    login("Trial editors")
    page = client.get(f"{TRIALS}{draft.pk}/change/").content.decode()
    headings = [" ".join(h.split()) for h in re.findall(r'<h2 id="[^"]*-heading"[^>]*>([^<]*)</h2>', page)]
    assert headings == [
        "Identification",
        "Secondary identifiers",
        "Status and dates",
        "Sponsors",
        "Collaborators",
        "Oversight",
        "Description and conditions",
        "Conditions",
        "Keywords",
        "References",
        "Design, groups and interventions",
        "Study groups (arms)",
        "Interventions",
        "Outcomes",
        "Eligibility",
        "Eligibility criteria, item by item (kept in step with the criteria text)",
        "Contacts and sites",
        "Overall officials",
        "Central contacts",
        "Locations",
        "Record",
    ]
    assert "dose escalation and expansion" in page and "Clinical development director" in page


def test_an_unchanged_save_of_every_inline_keeps_the_record_and_adds_no_version(client, login, draft):
    login("Trial editors")
    before = draft.history.count()
    response = post_change(client, draft)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert draft.history.count() == before
    assert Trial.objects.get(pk=draft.pk).criteria.count() == draft.criteria.count()


def test_an_admin_edit_is_a_version_with_its_author_and_changed_fields(client, login, draft):
    user = login("Trial editors")
    response = post_change(client, draft, brief_title="A plainer title", **{"arm_groups-0-label": "Dose escalation"})
    assert response.status_code == 302
    version = Trial.objects.get(pk=draft.pk).history.first()
    assert version.history_user == user and version.history_change_reason == "Edited"
    history_page = client.get(f"{TRIALS}{draft.pk}/history/").content.decode()
    assert "Identification: brief title" in history_page and "A <ins>plainer title</ins>" in history_page
    assert "Groups and interventions: arm groups › 1 › label" in history_page


def test_an_intervention_is_linked_to_groups_of_its_own_trial_only(client, login, draft, all_samples):
    login("Trial editors")
    own = list(draft.arm_groups.all())
    other = ArmGroup.objects.exclude(trial=draft).first()
    response = post_change(client, draft, **{"interventions-0-given_in": [str(other.pk)]})
    assert response.status_code == 200
    assert "Choose among this trial&#x27;s own study groups" in response.content.decode()

    response = post_change(client, draft, **{"interventions-0-given_in": [str(own[0].pk)]})
    assert response.status_code == 302
    intervention = draft.interventions.first()
    assert [arm.pk for arm in intervention.ordered_arm_groups] == [own[0].pk]


def test_duplicate_group_labels_and_a_recruiting_trial_without_contacts_are_refused(client, login, draft):
    login("Trial editors")
    data = form_data(client.get(f"{TRIALS}{draft.pk}/change/"))
    new = int(data["arm_groups-TOTAL_FORMS"])
    data.update({"arm_groups-TOTAL_FORMS": new + 1, f"arm_groups-{new}-label": draft.arm_groups.first().label})
    data[f"arm_groups-{new}-position"] = new
    response = client.post(f"{TRIALS}{draft.pk}/change/", data)
    assert response.status_code == 200
    assert "Two study groups are labelled" in response.content.decode()
    response = post_change(
        client,
        draft,
        overall_status="RECRUITING",
        **{f"central_contacts-{i}-DELETE": "on" for i in range(draft.central_contacts.count())},
    )
    assert response.status_code == 200
    assert "A recruiting trial needs a contact" in response.content.decode()


def test_criteria_text_and_items_stay_in_step(client, login, draft):
    login("Trial editors")
    # Editing an item rewrites the text ...
    first = draft.criteria.first()
    response = post_change(client, draft, **{"criteria-0-text": "Aged 18 or over, any sex"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert "Aged 18 or over, any sex" in draft.eligibility_criteria and first.text not in draft.eligibility_criteria
    # ... and editing the text reads the items again.
    text = "Inclusion Criteria:\n\n* Adults\n  * with a diagnosis\n\nExclusion Criteria:\n\n* Pregnancy"
    response = post_change(client, draft, eligibility_criteria=text)
    assert response.status_code == 302
    items = [(c.kind, c.level, c.text) for c in draft.criteria.all()]
    assert items == [("INCLUSION", 0, "Adults"), ("INCLUSION", 1, "with a diagnosis"), ("EXCLUSION", 0, "Pregnancy")]


def test_a_published_trial_is_edited_through_a_revision(client, login, seed_trial):
    login("Trial editors")
    page = client.get(f"{TRIALS}{seed_trial.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "Edit in a new revision" in page
    response = client.post(f"{TRIALS}{seed_trial.pk}/revise/")
    revision = Trial.objects.get(revision_of=seed_trial)
    assert response.status_code == 302 and response["Location"].endswith(f"/{revision.pk}/change/")
    assert post_change(client, revision, brief_title="Revised title").status_code == 302
    assert Trial.objects.get(pk=seed_trial.pk).brief_title != "Revised title"  # the public version is untouched
    assert "Revised title" not in client.get("/trials/NCT07107204/history/").content.decode()

    client.logout()
    login("Trial reviewers")
    client.post(TRIALS, {"action": "publish", "_selected_action": [revision.pk]})
    assert Trial.objects.get(pk=seed_trial.pk).brief_title == "Revised title"
    client.logout()
    public = client.get("/trials/NCT07107204/history/").content.decode()
    diff = public.split("What changed from version 1 to version 2")[1]
    assert "Brief title" in diff and "<ins>Revised title</ins>" in diff


def test_reviewers_publish_from_the_changelist(client, login, draft):
    login("Trial reviewers")
    response = client.post(TRIALS, {"action": "publish", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    assert Trial.objects.get(pk=draft.pk).publication == Publication.PUBLISHED
    assert client.get(f"/trials/{draft.nct_id}/").status_code == 200


def test_editors_cannot_publish(client, login, draft):
    login("Trial editors")
    client.post(TRIALS, {"action": "publish", "_selected_action": [draft.pk]})
    assert Trial.objects.get(pk=draft.pk).publication == Publication.DRAFT


def test_selected_trials_export_as_api_json_and_csv(client, login, all_samples):
    login("Trial readers")
    chosen = list(Trial.objects.order_by("nct_id").values_list("pk", "nct_id")[:3])
    selected = {"_selected_action": [pk for pk, _ in chosen]}
    response = client.post(TRIALS, {"action": "export_json", **selected})
    studies = json.loads(b"".join(response.streaming_content))["studies"]
    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in studies] == [n for _, n in chosen]
    response = client.post(TRIALS, {"action": "export_csv", **selected})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 4 and lines[1].startswith(chosen[0][1])


# Shared rows


def test_shared_rows_list_their_trial_counts_and_search(client, login, all_samples):
    login("Trial readers")
    for model in ("sponsor", "condition", "investigator", "location"):
        assert client.get(f"/admin/trials/{model}/", {"q": "a"}).status_code == 200
    page = client.get("/admin/trials/sponsor/", {"q": "Biotroy"}).content.decode()
    assert "Biotroy" in page and '<td class="field-lead_trial_count">1</td>' in page


def test_reviewers_merge_duplicate_sponsors_and_the_trials_move(client, login, seed_trial):
    login("Trial reviewers")
    kept = seed_trial.lead_sponsor
    duplicate = Sponsor.objects.create(name=kept.name + " Ltd", agency_class=kept.agency_class)
    Trial.objects.filter(pk=seed_trial.pk).update(lead_sponsor=duplicate)  # entered under the duplicate
    trials_changed([seed_trial.pk], None, "Sponsor entered twice")
    selected = {"action": "merge_selected", "_selected_action": [kept.pk, duplicate.pk]}
    confirm = client.post("/admin/trials/sponsor/", selected)
    assert confirm.status_code == 200 and "Choose the one to keep" in confirm.content.decode()
    client.post("/admin/trials/sponsor/", {**selected, "keep": kept.pk, "confirm": "yes"})
    assert not Sponsor.objects.filter(pk=duplicate.pk).exists()
    assert Trial.objects.get(pk=seed_trial.pk).lead_sponsor == kept
    assert Trial.objects.get(pk=seed_trial.pk).history.first().history_change_reason.startswith("Sponsors merged")


def test_editors_cannot_merge(client, login, seed_trial):
    login("Trial editors")
    duplicate = Sponsor.objects.create(name="Duplicate", agency_class="OTHER")
    client.post(
        "/admin/trials/sponsor/",
        {
            "action": "merge_selected",
            "_selected_action": [seed_trial.lead_sponsor.pk, duplicate.pk],
            "keep": duplicate.pk,
        },
    )
    assert Sponsor.objects.filter(pk=duplicate.pk).exists()


def test_merging_investigators_moves_their_official_roles(client, login, seed_trial):
    login("Trial reviewers")
    official = Official.objects.filter(trial=seed_trial).select_related("investigator").first()
    duplicate = Investigator.objects.create(name=official.investigator.name, affiliation="Same person, other spelling")
    Official.objects.create(trial=seed_trial, investigator=duplicate, position=9)
    selected = {"action": "merge_selected", "_selected_action": [official.investigator.pk, duplicate.pk]}
    client.post("/admin/trials/investigator/", {**selected, "keep": official.investigator.pk, "confirm": "yes"})
    assert not Investigator.objects.filter(pk=duplicate.pk).exists()
    assert Official.objects.filter(trial=seed_trial, investigator=official.investigator).count() == 2


# Queries


def test_the_changelist_runs_a_bounded_number_of_queries(client, login, all_samples, django_assert_max_num_queries):
    login("superuser")
    with django_assert_max_num_queries(9):  # session, user, counts x2, trials + sponsors, date hierarchy, filters
        response = client.get(TRIALS)
    assert response.status_code == 200 and b"NCT07107204" in response.content
    response = client.get(TRIALS, {"q": "Biotroy"})
    assert b"NCT07107204" in response.content and b"NCT02210780" not in response.content


def test_the_change_form_queries_do_not_grow_with_groups_sites_and_criteria(client, login, write_json):
    """A trial with 50 groups and interventions, 200 sites and 60 criteria costs what a trial with 2 does."""
    login("superuser")
    counts = {}
    for count, criteria in ((2, 2), (50, 60)):
        study = many_of_each(count)
        protocol = study["protocolSection"]
        protocol["identificationModule"]["nctId"] = f"NCT0000{count:04d}"
        locations = protocol["contactsLocationsModule"]["locations"]
        protocol["contactsLocationsModule"]["locations"] = (locations * (200 // count + 1))[: 200 if count > 2 else 2]
        protocol["eligibilityModule"]["eligibilityCriteria"] = "\n".join(f"* Criterion {i}" for i in range(criteria))
        assert import_paths(write_json(f"many{count}.json", study)).failures == []
        trial = Trial.objects.get(nct_id=f"NCT0000{count:04d}")
        workflow.unpublish(trial, None)  # editable
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{TRIALS}{trial.pk}/change/")
        assert response.status_code == 200
        counts[count] = len(queries)
    assert trial.locations.count() == 200 and trial.arm_groups.count() == 50 and trial.criteria.count() == 60
    assert counts[50] == counts[2], counts
    assert counts[50] <= 40


@pytest.mark.parametrize("object_id", ["abc", "999999"])
def test_revising_an_unknown_trial_is_a_not_found(client, login, object_id):
    login("Trial editors")
    assert client.post(f"{TRIALS}{object_id}/revise/").status_code == 404


# Sites on the map


def test_a_site_placed_by_city_follows_its_city_and_a_typed_point_is_kept(client, login, seed_study, write_json):
    from trials.models import Location

    import_paths(write_json("one.json", sited_study(seed_study, "NCT90000007", ("Clinic", "Beijing", "China"))))
    workflow.unpublish(Trial.objects.get(nct_id="NCT90000007"), None)
    site = Location.objects.get(trial__nct_id="NCT90000007")
    login("Trial editors")
    url = f"/admin/trials/location/{site.pk}/change/"
    data = form_data(client.get(url))

    assert client.post(url, {**data, "city": "Tianjin"}).status_code == 302
    site.refresh_from_db()
    assert (site.latitude, site.longitude, site.geocoded) == (*TIANJIN, True)

    assert client.post(url, {**data, "city": "Tianjin", "latitude": "39.1", "longitude": "117.2"}).status_code == 302
    site.refresh_from_db()
    assert (site.latitude, site.longitude, site.geocoded) == (39.1, 117.2, False)


# Uniqueness: a clash is a message on the field to fix, never a server error


def add_trial(client, nct_id, sponsor):
    """Post the admin's add form for a draft with this NCT ID."""
    data = form_data(client.get(f"{TRIALS}add/"))
    data.update(
        nct_id=nct_id, brief_title="A new study", overall_status="NOT_YET_RECRUITING", study_type="OBSERVATIONAL"
    )
    return client.post(f"{TRIALS}add/", {**data, "lead_sponsor": sponsor.pk})


def field_errors(response):
    return {name: list(errors) for name, errors in response.context["adminform"].form.errors.items()}


def test_adding_a_trial_with_another_trials_nct_id_is_a_field_error(client, login, seed_trial):
    login("Trial editors")
    response = add_trial(client, seed_trial.nct_id, seed_trial.lead_sponsor)
    assert response.status_code == 200
    assert field_errors(response) == {"nct_id": ["Another trial already has this NCT ID."]}
    assert Trial.objects.filter(nct_id=seed_trial.nct_id).count() == 1


def test_changing_a_drafts_nct_id_to_another_trials_is_a_field_error(client, login, seed_trial):
    login("Trial editors")
    assert add_trial(client, "NCT90000001", seed_trial.lead_sponsor).status_code == 302
    draft = Trial.objects.get(nct_id="NCT90000001")
    response = post_change(client, draft, nct_id=seed_trial.nct_id)
    assert response.status_code == 200
    assert field_errors(response) == {"nct_id": ["Another trial already has this NCT ID."]}
    assert post_change(client, draft, nct_id="NCT90000002").status_code == 302


def test_a_revision_keeps_the_nct_id_of_its_published_trial(client, login, seed_trial):
    login("Trial editors")
    revision = workflow.start_revision(seed_trial, None)
    assert post_change(client, revision, brief_title="Revised").status_code == 302
    assert Trial.objects.get(pk=revision.pk).nct_id == seed_trial.nct_id


@pytest.mark.parametrize(
    "model, fields, taken",
    [
        ("sponsor", {"agency_class": "OTHER"}, {"name": "Quokka Health", "slug": "quokka-health"}),
        ("condition", {}, {"name": "Quokka fever", "slug": "quokka-fever"}),
        ("investigator", {}, {"name": "Dr Quokka", "affiliation": "Rottnest"}),
    ],
)
def test_a_shared_row_named_as_another_is_refused_with_a_message(client, login, model, fields, taken):
    login("Trial editors")
    assert client.post(f"/admin/trials/{model}/add/", {**fields, **taken}).status_code == 302
    response = client.post(f"/admin/trials/{model}/add/", {**fields, **taken})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert "already exists" in response.content.decode()


def test_a_sponsor_named_twice_among_a_drafts_collaborators_is_refused(client, login, draft):
    login("Trial editors")
    sponsor = draft.lead_sponsor
    data = form_data(client.get(f"{TRIALS}{draft.pk}/change/"))
    new = int(data["collaborations-TOTAL_FORMS"])
    data["collaborations-TOTAL_FORMS"] = new + 2
    for i in (new, new + 1):
        data.update({f"collaborations-{i}-sponsor": sponsor.pk, f"collaborations-{i}-position": i})
    response = client.post(f"{TRIALS}{draft.pk}/change/", data)
    assert response.status_code == 200 and "Please correct the duplicate data" in response.content.decode()
