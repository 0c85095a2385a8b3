"""The review workflow: drafts are invisible on every public surface, staff preview them, publishing shows them."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from trials import workflow
from trials.choices import Publication
from trials.models import Trial

from .conftest import SAMPLE_DIR, import_paths, load_json

pytestmark = pytest.mark.django_db

DRAFT_NCT = "NCT02210780"


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user("reviewer", is_staff=True)
    user.groups.add(Group.objects.get(name="Trial reviewers"))
    return user


@pytest.fixture
def draft(reviewer):
    """A sample trial taken off the public site, next to the published seed and another published trial."""
    import_paths(SAMPLE_DIR / "NCT07107204.json", SAMPLE_DIR / f"{DRAFT_NCT}.json")
    trial = Trial.objects.get(nct_id=DRAFT_NCT)
    assert workflow.unpublish(trial, reviewer)
    return trial


def public_surfaces(trial):
    """Every public URL that could show the trial: (url, whether it names the trial when the trial is public)."""
    condition = trial.trial_conditions.first().condition
    official = trial.officials.select_related("investigator").first()
    word = trial.brief_title.split()[0]
    return [
        *(f"/trials/{trial.nct_id}/{section}" for section in ("", "design/", "groups/", "eligibility/", "contacts/")),
        f"/trials/{trial.nct_id}/history/",
        f"/trials/{trial.nct_id}/full/",
        f"/trials/{trial.nct_id}.json",
        f"/trials/?q={word}",
        "/trials/",
        f"/trials/export.csv?q={word}",
        f"/trials/export.json?q={word}",
        "/trials/feed/",
        "/sitemap.xml",
        "/",
        trial.lead_sponsor.get_absolute_url(),
        "/sponsors/",
        condition.get_absolute_url(),
        *([official.investigator.get_absolute_url()] if official else []),
    ]


def page(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode()


def test_a_draft_is_on_no_public_surface_and_publishing_shows_it_on_all(client, draft, reviewer):
    urls = public_surfaces(draft)
    for url in urls:
        status, body = page(client, url)
        assert DRAFT_NCT not in body, url
        assert status in (200, 404), url
    assert page(client, f"/trials/{DRAFT_NCT}/")[0] == 404
    assert page(client, f"/trials/{DRAFT_NCT}.json")[0] == 404

    workflow.publish(draft, reviewer)
    for url in urls:
        if url not in ("/sponsors/",):  # the sponsor list names sponsors, not trials
            status, body = page(client, url)
            assert status == 200 and DRAFT_NCT in body, url


def test_staff_preview_a_draft_at_its_url(client, draft, reviewer):
    client.force_login(reviewer)
    response = client.get(f"/trials/{DRAFT_NCT}/")
    assert response.status_code == 200
    assert "Preview: Draft." in response.content.decode()
    assert (
        client.get(f"/trials/{DRAFT_NCT}.json").json()["protocolSection"]["identificationModule"]["nctId"] == DRAFT_NCT
    )


def test_a_staff_user_without_a_role_does_not_preview(client, draft, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", is_staff=True))
    assert client.get(f"/trials/{DRAFT_NCT}/").status_code == 404


def test_a_revision_stays_private_until_published_then_goes_live_dated_edited_here(client, seed_trial, reviewer):
    revision = workflow.start_revision(seed_trial, reviewer)
    assert revision.pk != seed_trial.pk and revision.revision_of == seed_trial
    assert workflow.start_revision(seed_trial, reviewer) == revision  # one pending revision per trial
    revision.brief_title = "A clearer title for patients"
    revision.save()
    workflow.submit(revision, reviewer)

    public = client.get("/trials/NCT07107204/").content.decode()
    assert "A clearer title for patients" not in public and seed_trial.brief_title in public
    assert "NCT07107204" not in page(client, "/trials/?q=clearer")[1]

    client.force_login(reviewer)
    preview = client.get("/trials/NCT07107204/?preview").content.decode()
    assert "A clearer title for patients" in preview and "Preview: In review revision." in preview
    client.logout()

    live = workflow.publish(revision, reviewer)
    assert live.pk == seed_trial.pk and not Trial.objects.filter(pk=revision.pk).exists()
    live.refresh_from_db()
    assert live.brief_title == "A clearer title for patients" and live.publication == Publication.PUBLISHED
    public = client.get("/trials/NCT07107204/").content.decode()
    assert "A clearer title for patients" in public
    assert "<dt>Last updated</dt><dd>17 September 2025 (actual)</dd>" in public  # the registry's, as posted
    today = timezone.localdate()
    history = client.get("/trials/NCT07107204/history/").content.decode()
    assert "<dt>Last update posted</dt><dd>17 September 2025 (actual)</dd>" in history
    assert f"<dt>Edited here</dt><dd>{today.day} {today:%B %Y}</dd>" in history
    assert "NCT07107204" in page(client, "/trials/?q=clearer")[1]
    # Everything else of the record came through the revision unchanged.
    assert live.arm_groups.count() == seed_trial.arm_groups.count()
    assert live.criteria.count() == seed_trial.criteria.count()


def test_publishing_keeps_the_registrys_dates_and_the_export_equals_the_registry_record(client, draft, reviewer):
    registered = load_json(SAMPLE_DIR / f"{DRAFT_NCT}.json")
    workflow.publish(draft, reviewer)
    draft.refresh_from_db()
    assert draft.publication == Publication.PUBLISHED and draft.edited_at is None  # published, not edited
    assert client.get(f"/trials/{DRAFT_NCT}.json").json() == registered

    revision = workflow.start_revision(draft, reviewer)
    revision.brief_title = "A clearer title"
    revision.save()
    live = workflow.publish(revision, reviewer)
    live.refresh_from_db()
    assert live.edited_at.date() == timezone.localdate()
    exported = client.get(f"/trials/{DRAFT_NCT}.json").json()
    assert exported["protocolSection"]["statusModule"] == registered["protocolSection"]["statusModule"]
    assert exported["protocolSection"]["identificationModule"]["briefTitle"] == "A clearer title"


def test_a_trial_added_here_is_published_without_registry_dates(client, seed_study, write_json, reviewer):
    status = seed_study["protocolSection"]["statusModule"]
    for posted in (
        "studyFirstSubmitDate",
        "studyFirstPostDateStruct",
        "lastUpdateSubmitDate",
        "lastUpdatePostDateStruct",
    ):
        status.pop(posted, None)
    assert import_paths(write_json("new.json", seed_study)).failures == []
    trial = Trial.objects.get(nct_id="NCT07107204")
    workflow.unpublish(trial, reviewer)
    workflow.publish(trial, reviewer)
    trial.refresh_from_db()
    assert (trial.first_posted_date, trial.last_update_posted_date, trial.last_update_submitted_date) == (None,) * 3
    exported = client.get("/trials/NCT07107204.json").json()["protocolSection"]["statusModule"]
    assert "lastUpdatePostDateStruct" not in exported and "studyFirstPostDateStruct" not in exported


def test_imported_trials_are_published_and_a_reimport_keeps_a_staff_decision(draft):
    assert Trial.objects.get(nct_id="NCT07107204").publication == Publication.PUBLISHED
    import_paths(SAMPLE_DIR / f"{DRAFT_NCT}.json")
    assert Trial.objects.get(nct_id=DRAFT_NCT).publication == Publication.DRAFT
