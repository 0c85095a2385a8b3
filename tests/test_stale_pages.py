"""A trial's title and link also show on other trials' pages (their related lists): a change to the trial,
its unpublishing or deletion reaches those pages at once, and their old ETag no longer revalidates."""

import pytest
from django.test import Client

from trials import workflow
from trials.models import RelatedTrial, Trial

from .conftest import SAMPLE_DIR, import_paths

pytestmark = pytest.mark.django_db

NCT_ID = "NCT07107204"


@pytest.fixture
def shown(db):
    """The seed trial, and a published trial whose overview lists it as related (seen once by the public)."""
    assert import_paths(SAMPLE_DIR).failures == []
    trial = Trial.objects.get(nct_id=NCT_ID)
    neighbour = Trial.objects.published().filter(related_links__related=trial).first()
    page = Client().get(neighbour.get_absolute_url())
    assert trial.brief_title in page.content.decode()
    return trial, neighbour, page["ETag"]


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_superuser("reviewer", password=None)


def visit(neighbour, etag):
    """The neighbour's overview fetched anew, and the answer to a browser revalidating its old copy."""
    public = Client()
    return public.get(neighbour.get_absolute_url()).content.decode(), public.get(
        neighbour.get_absolute_url(), headers={"If-None-Match": etag}
    ).status_code


def test_an_unpublished_trial_leaves_the_cached_pages_that_listed_it(shown, reviewer):
    trial, neighbour, etag = shown
    workflow.unpublish(trial, reviewer)
    page, revalidated = visit(neighbour, etag)
    assert trial.brief_title not in page and trial.get_absolute_url() not in page
    assert revalidated == 200


def test_a_retitled_trial_shows_its_new_title_on_the_pages_that_list_it(shown, reviewer):
    trial, neighbour, etag = shown
    revision = workflow.start_revision(trial, reviewer)
    Trial.objects.filter(pk=revision.pk).update(brief_title="A title the reviewer corrected")
    workflow.publish(Trial.objects.get(pk=revision.pk), reviewer)
    page, revalidated = visit(neighbour, etag)
    assert "A title the reviewer corrected" in page and trial.brief_title not in page
    assert revalidated == 200


def test_a_deleted_trial_leaves_the_cached_pages_that_listed_it(shown, reviewer):
    trial, neighbour, etag = shown
    staff = Client()
    staff.force_login(reviewer)
    assert staff.post(f"/admin/trials/trial/{trial.pk}/delete/", {"post": "yes"}).status_code == 302
    page, revalidated = visit(neighbour, etag)
    assert trial.brief_title not in page
    assert revalidated == 200
    assert not RelatedTrial.objects.filter(related_id=trial.pk).exists()


def test_an_unchanged_neighbour_still_revalidates(shown, reviewer):
    trial, _neighbour, _etag = shown
    unrelated = Trial.objects.published().exclude(related_links__related=trial).exclude(pk=trial.pk).first()
    etag = Client().get(unrelated.get_absolute_url())["ETag"]
    workflow.unpublish(trial, reviewer)
    assert visit(unrelated, etag)[1] == 304
