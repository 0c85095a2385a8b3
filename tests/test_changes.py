"""Every write path takes the one change path (trials.changes): after it, the trial's updated_at has moved, its
search entry says what the trial says, its cached last change is forgotten, a version names who did it and why,
and every related-trials list is the one a full rebuild gives."""

import pytest
from django.core.cache import cache

from trials import changes, choices, workflow
from trials.changes import trials_changed
from trials.models import Investigator, Location, Official, RelatedTrial, SearchEntry, Sponsor, Trial
from trials.record_cache import last_change_key
from trials.related import refresh_related

from .conftest import SAMPLE_DIR, import_paths
from .factories import post_change

pytestmark = pytest.mark.django_db

NCT_ID = "NCT07107204"


@pytest.fixture
def samples(db):
    assert import_paths(SAMPLE_DIR).failures == []


@pytest.fixture
def staff(django_user_model, client):
    user = django_user_model.objects.create_superuser("editor", password=None)
    client.force_login(user)
    return user


def related_lists():
    return sorted(RelatedTrial.objects.values_list("trial_id", "related_id", "reason_kind", "reason_value", "position"))


class Watch:
    """What a change to `trial` must be followed by, checked after it."""

    def __init__(self, trial):
        self.pk, self.nct_id = trial.pk, trial.nct_id
        self.updated_at = Trial.objects.get(pk=trial.pk).updated_at
        self.versions = Trial.history.filter(id=trial.pk).count()
        cache.set(last_change_key(trial.nct_id), 1.0, 60)  # a page's last change, cached
        RelatedTrial.objects.filter(trial_id=trial.pk).delete()  # stale lists, which the change must rebuild

    def followed(self, user, reason):
        trial = Trial.objects.filter(pk=self.pk).first() or Trial.objects.get(nct_id=self.nct_id, revision_of=None)
        assert trial.updated_at > self.updated_at
        entry = SearchEntry.objects.filter(trial=trial).first()
        if trial.is_published:
            assert (entry.status, entry.title) == (trial.overall_status, trial.brief_title.lower())
        else:
            assert entry is None
        assert cache.get(last_change_key(trial.nct_id)) is None
        version = trial.history.order_by("-history_date", "-history_id").first()
        assert Trial.history.filter(id=trial.pk).count() > self.versions or trial.pk != self.pk
        assert (version.history_user, version.history_change_reason) == (user, reason)
        lists = related_lists()
        refresh_related()
        assert lists == related_lists()
        return trial


def test_an_import_that_changes_a_trial(samples, seed_study, write_json):
    watch = Watch(Trial.objects.get(nct_id=NCT_ID))
    seed_study["protocolSection"]["identificationModule"]["briefTitle"] = "Retitled by the registry"
    import_paths(write_json("changed.json", seed_study))
    watch.followed(None, "Imported")


def test_publishing_from_the_admin_gives_related_trials_at_once(samples, staff, client):
    trial = Trial.objects.get(nct_id=NCT_ID)
    imported = set(RelatedTrial.objects.filter(trial=trial).values_list("related_id", flat=True))
    workflow.unpublish(trial, staff)
    assert imported and not RelatedTrial.objects.filter(trial=trial).exists()
    assert not RelatedTrial.objects.filter(related=trial).exists()
    watch = Watch(trial)
    client.post("/admin/trials/trial/", {"action": "publish", "_selected_action": [trial.pk]})
    watch.followed(staff, "Published")
    assert set(RelatedTrial.objects.filter(trial=trial).values_list("related_id", flat=True)) == imported
    assert RelatedTrial.objects.filter(related=trial).exists()  # and it is among its neighbours' again


@pytest.mark.parametrize("step, reason", [(workflow.submit, "Submitted for review"), (workflow.publish, "Published")])
def test_workflow_steps_on_a_draft(samples, staff, step, reason):
    trial = Trial.objects.get(nct_id=NCT_ID)
    workflow.unpublish(trial, staff)
    watch = Watch(trial)
    assert step(Trial.objects.get(pk=trial.pk), staff)
    watch.followed(staff, reason)


def test_unpublishing_takes_the_trial_off_every_list(samples, staff):
    trial = Trial.objects.get(nct_id=NCT_ID)
    assert RelatedTrial.objects.filter(related=trial).exists()
    watch = Watch(trial)
    workflow.unpublish(trial, staff)
    watch.followed(staff, "Unpublished")
    assert not RelatedTrial.objects.filter(related=trial).exists()


def test_a_revision_started_and_published(samples, staff, client):
    trial = Trial.objects.get(nct_id=NCT_ID)
    revision = workflow.start_revision(trial, staff)
    assert revision.history.get().history_change_reason == "Revision started"
    assert not SearchEntry.objects.filter(trial=revision).exists()
    Trial.objects.filter(pk=revision.pk).update(brief_title="Revised title")
    watch = Watch(trial)
    workflow.publish(Trial.objects.get(pk=revision.pk), staff)
    published = watch.followed(staff, "Published a revision")
    assert published.brief_title == "Revised title"


def test_a_revision_discarded(samples, staff, client):
    trial = Trial.objects.get(nct_id=NCT_ID)
    revision = workflow.start_revision(trial, staff)
    Trial.objects.filter(pk=revision.pk).update(brief_title="Revised title")
    lists = related_lists()
    assert workflow.discard(Trial.objects.get(pk=revision.pk), staff) == trial
    assert not Trial.objects.filter(pk=revision.pk).exists()
    assert SearchEntry.objects.get(trial=trial).title == trial.brief_title.lower()  # the published trial's, kept
    assert related_lists() == lists
    assert Trial.history.filter(id=revision.pk).latest("history_date").history_user == staff


def test_an_admin_save_of_a_draft(samples, staff, client):
    trial = Trial.objects.get(nct_id=NCT_ID)
    workflow.unpublish(trial, staff)
    watch = Watch(trial)
    assert post_change(client, trial, brief_title="Edited in the admin").status_code == 302
    watch.followed(staff, "Edited")


def test_a_site_edit(samples, staff, client):
    site = Location.objects.filter(trial__related_links__isnull=False).select_related("trial").first()
    trial = site.trial
    workflow.unpublish(trial, staff)
    watch = Watch(trial)
    url = f"/admin/trials/location/{site.pk}/change/"
    data = {
        "trial": trial.pk,
        "position": site.position,
        "facility": "Renamed clinic",
        "status": site.status,
        "city": site.city,
        "state": site.state,
        "zip": site.zip,
        "country": site.country,
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    watch.followed(staff, "Site edited")


def test_a_sponsor_renamed_in_the_admin(samples, staff, client):
    trial = Trial.objects.get(nct_id=NCT_ID)
    sponsor = trial.lead_sponsor
    watch = Watch(trial)
    data = {"name": "Renamed Sponsor", "slug": sponsor.slug, "agency_class": sponsor.agency_class}
    assert client.post(f"/admin/trials/sponsor/{sponsor.pk}/change/", data).status_code == 302
    watch.followed(staff, "Sponsor edited: “Renamed Sponsor”")
    assert SearchEntry.objects.filter(lead_sponsor=sponsor).exists()


def test_merging_sponsors(samples, staff, client):
    trial = Trial.objects.get(nct_id=NCT_ID)
    kept = trial.lead_sponsor
    duplicate = Sponsor.objects.create(name=kept.name + " Ltd", slug="dup", agency_class=kept.agency_class)
    Trial.objects.filter(pk=trial.pk).update(lead_sponsor=duplicate)
    trials_changed([trial.pk], None, "Sponsor entered twice")
    watch = Watch(trial)
    selected = {"action": "merge_selected", "_selected_action": [kept.pk, duplicate.pk]}
    client.post("/admin/trials/sponsor/", {**selected, "keep": kept.pk, "confirm": "yes"})
    watch.followed(staff, f"Sponsors merged into “{kept.name}”")


def test_merging_investigators(samples, staff, client):
    trial = Trial.objects.get(nct_id=NCT_ID)
    official = Official.objects.filter(trial=trial).select_related("investigator").first()
    duplicate = Investigator.objects.create(name=official.investigator.name, affiliation="Other spelling")
    Official.objects.create(trial=trial, investigator=duplicate, position=9)
    watch = Watch(trial)
    selected = {"action": "merge_selected", "_selected_action": [official.investigator.pk, duplicate.pk]}
    client.post("/admin/trials/investigator/", {**selected, "keep": official.investigator.pk, "confirm": "yes"})
    watch.followed(staff, f"Investigators merged into “{official.investigator.name}”")


def test_a_drafts_nct_id_typed_in_the_search_box_does_not_lead_the_public_to_a_404(samples, client):
    workflow.unpublish(Trial.objects.get(nct_id=NCT_ID), None)
    response = client.get("/trials/", {"q": NCT_ID})
    assert response.status_code == 200
    published = Trial.objects.published().exclude(nct_id=NCT_ID).first()
    assert client.get("/trials/", {"q": published.nct_id}).status_code == 302


def test_a_trial_deleted_in_the_admin(samples, staff, client):
    trial = Trial.objects.get(nct_id=NCT_ID)
    assert RelatedTrial.objects.filter(related=trial).exists()
    cache.set(last_change_key(NCT_ID), 1.0, 60)
    response = client.post(f"/admin/trials/trial/{trial.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Trial.objects.filter(pk=trial.pk).exists()
    assert cache.get(last_change_key(NCT_ID)) is None
    assert client.get("/trials/", {"q": "BT02"}).context["results"].total == 0
    lists = related_lists()
    refresh_related()
    assert lists == related_lists()  # its neighbours' lists rebuilt without it
    assert not RelatedTrial.objects.filter(related_id=trial.pk).exists()


def test_a_sponsor_of_many_trials_renamed_brings_each_up_to_date(samples, staff, client, monkeypatch):
    monkeypatch.setattr(changes, "BATCH_SIZE", 2)  # the trials go through in several batches
    sponsor = Trial.objects.get(nct_id=NCT_ID).lead_sponsor
    led = list(Trial.objects.published().order_by("pk")[:5].values_list("pk", flat=True))
    Trial.objects.filter(pk__in=led).update(lead_sponsor=sponsor)
    data = {"name": "Quokkaworks Research", "slug": sponsor.slug, "agency_class": sponsor.agency_class}
    assert client.post(f"/admin/trials/sponsor/{sponsor.pk}/change/", data).status_code == 302
    found = client.get("/trials/", {"q": "Quokkaworks"}).context["results"].total
    assert found == Trial.objects.published().filter(lead_sponsor=sponsor).count() >= 5
    for trial in Trial.objects.filter(pk__in=led):
        assert trial.history.first().history_change_reason == "Sponsor edited: “Quokkaworks Research”"


def test_an_edit_that_keeps_what_trials_share_keeps_every_list(samples):
    trial = Trial.objects.get(nct_id=NCT_ID)
    before = related_lists()
    assert RelatedTrial.objects.filter(related=trial).exists()
    Trial.objects.filter(pk=trial.pk).update(brief_summary="Reworded summary.")
    trials_changed([trial.pk], None, "Edited")
    assert related_lists() == before


def test_a_trial_whose_conditions_change_leaves_the_lists_it_no_longer_fits(samples):
    trial = Trial.objects.get(nct_id=NCT_ID)
    assert RelatedTrial.objects.filter(related=trial).exists()
    trial.trial_conditions.all().delete()
    trial.interventions.all().delete()
    Trial.objects.filter(pk=trial.pk).update(brief_title="Quokka")
    trials_changed([trial.pk], None, "Edited")
    assert not RelatedTrial.objects.filter(related=trial).exists()
    lists = related_lists()
    refresh_related()
    assert lists == related_lists()


def test_a_trial_closing_or_opening_moves_in_the_lists_as_a_full_rebuild_would(samples):
    """Open trials come first in related lists: one closing may fall out of a list (a closed trial the list did
    not hold takes its place), one opening may enter lists it did not fit."""
    named = RelatedTrial.objects.values("related_id")
    open_trials = list(Trial.objects.filter(pk__in=named, overall_status__in=choices.OPEN).order_by("pk")[:5])
    assert open_trials
    for trial in open_trials:
        for status in (choices.Status.COMPLETED, trial.overall_status):
            Trial.objects.filter(pk=trial.pk).update(overall_status=status)
            trials_changed([trial.pk], None, "Edited")
            lists = related_lists()
            refresh_related()
            assert lists == related_lists(), (trial.nct_id, status)
