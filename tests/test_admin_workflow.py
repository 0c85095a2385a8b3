"""The review workflow on the trial editor (trials/admin/workflow.py): a button for each step a role may take in
the trial's state, each a POST checked on the server; the state in the title and the list; the reviewer sees what a
revision changes before publishing it."""

import re

import pytest
from django.test import Client

from trials import workflow
from trials.choices import Publication
from trials.models import Trial

from .factories import post_change

pytestmark = pytest.mark.django_db

TRIALS = "/admin/trials/trial/"
READER, EDITOR, REVIEWER = "Trial readers", "Trial editors", "Trial reviewers"


def change_url(trial):
    return f"{TRIALS}{trial.pk}/change/"


def step_url(trial, step):
    return f"{TRIALS}{trial.pk}/{step}/"


def workflow_bar(page):
    """The workflow section of a change form's HTML."""
    return page.split('<section class="workflow"')[1].split("</section>")[0]


def buttons(client, trial):
    """The labels of the workflow buttons on the trial's change form, in order."""
    bar = workflow_bar(client.get(change_url(trial)).content.decode())
    return re.findall(r'<(?:a class="button[^"]*" href="[^"]*"|button type="submit"[^>]*)>([^<]+)</', bar)


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def draft_of(trial):
    workflow.unpublish(trial, None)
    return Trial.objects.get(pk=trial.pk)


def in_review(trial):
    workflow.submit(trial, None)
    return Trial.objects.get(pk=trial.pk)


@pytest.fixture
def draft(seed_trial):
    workflow.unpublish(seed_trial, None)
    return Trial.objects.get(pk=seed_trial.pk)


@pytest.fixture
def revision(seed_trial):
    """A pending revision of the published seed trial, its title changed."""
    revision = workflow.start_revision(seed_trial, None)
    revision.brief_title = "A clearer title for patients"
    revision.save()
    return revision


# The buttons: only for roles that may take the step, only in states where it applies

SUBMIT, PUBLISH, UNPUBLISH, REVISE, DISCARD = (
    "Submit for review",
    "Review and publish",
    "Unpublish",
    "Edit in a new revision",
    "Discard revision",
)


@pytest.mark.parametrize(
    "role, expected",
    [(READER, []), (EDITOR, [SUBMIT]), (REVIEWER, [SUBMIT, PUBLISH])],
)
def test_a_draft_shows_submit_to_editors_and_publish_to_reviewers(client, login, draft, role, expected):
    login(role)
    assert buttons(client, draft) == expected


@pytest.mark.parametrize("role, expected", [(READER, []), (EDITOR, []), (REVIEWER, [PUBLISH])])
def test_a_trial_in_review_shows_publish_to_reviewers_only(client, login, draft, role, expected):
    login(role)
    assert buttons(client, in_review(draft)) == expected


@pytest.mark.parametrize(
    "role, expected",
    [(READER, []), (EDITOR, [REVISE]), (REVIEWER, [REVISE, UNPUBLISH])],
)
def test_a_published_trial_shows_revise_to_editors_and_unpublish_to_reviewers(
    client, login, seed_trial, role, expected
):
    login(role)
    assert buttons(client, seed_trial) == expected


@pytest.mark.parametrize(
    "role, expected",
    [(READER, []), (EDITOR, [SUBMIT, DISCARD]), (REVIEWER, [SUBMIT, PUBLISH, DISCARD])],
)
def test_a_revision_shows_discard_to_editors_and_reviewers(client, login, revision, role, expected):
    login(role)
    assert buttons(client, revision) == expected


@pytest.mark.parametrize("role", [READER, EDITOR])
def test_a_published_trial_with_a_revision_links_to_it_instead_of_starting_one(client, login, revision, role):
    login(role)
    live = revision.revision_of
    bar = workflow_bar(client.get(change_url(live)).content.decode())
    assert f'href="{change_url(revision)}">Open the pending revision</a>' in bar
    assert REVISE not in bar


def test_every_button_posts_with_the_csrf_token_or_opens_a_confirmation(client, login, revision):
    login(REVIEWER)
    bar = workflow_bar(client.get(change_url(revision)).content.decode())
    forms = re.findall(r"<form .*?</form>", bar, re.S)
    assert len(forms) == 1 and 'method="post"' in forms[0] and "csrfmiddlewaretoken" in forms[0]
    assert f'href="{step_url(revision, "publish")}"' in bar and f'href="{step_url(revision, "discard")}"' in bar


# Each step checked on the server: a refused POST does nothing and says why, never a 500


@pytest.mark.parametrize(
    "role, step, state, message",
    [
        (READER, "submit", "draft", "Only editors and reviewers submit trials for review."),
        (EDITOR, "publish", "in review", "Only reviewers publish trials."),
        (EDITOR, "unpublish", "published", "Only reviewers unpublish trials."),
        (READER, "revise", "published", "Only editors and reviewers edit trials."),
        (READER, "discard", "revision", "Only editors and reviewers discard revisions."),
        (REVIEWER, "submit", "in review", "Only a draft is submitted for review"),
        (REVIEWER, "publish", "published", "This trial is already published."),
        (REVIEWER, "unpublish", "draft", "This trial is not published."),
        (EDITOR, "revise", "draft", "Only a published trial is edited in a revision"),
        (EDITOR, "discard", "published", "Only a pending revision is discarded"),
    ],
)
def test_a_step_the_role_or_the_state_does_not_allow_is_refused_with_a_message(
    client, login, seed_trial, role, step, state, message
):
    trial = {
        "draft": lambda: draft_of(seed_trial),
        "in review": lambda: in_review(draft_of(seed_trial)),
        "published": lambda: seed_trial,
        "revision": lambda: workflow.start_revision(seed_trial, None),
    }[state]()
    states = Trial.objects.filter(nct_id=trial.nct_id).values_list("pk", "publication").order_by("pk")
    before = list(states)
    login(role)
    for method in (client.get, client.post):
        response = method(step_url(trial, step), {"seen": trial.updated_at.isoformat()}, follow=True)
        assert response.redirect_chain == [(change_url(trial), 302)]
        assert any(message in shown for shown in shown_messages(response)), shown_messages(response)
    assert list(states.all()) == before


def test_staff_without_a_role_are_forbidden_the_steps(client, login, draft):
    login(None)
    assert client.post(step_url(draft, "submit")).status_code == 403
    assert Trial.objects.get(pk=draft.pk).publication == Publication.DRAFT


@pytest.mark.parametrize("object_id", ["abc", "999999"])
def test_a_step_on_an_unknown_trial_is_a_not_found(client, login, object_id):
    login(REVIEWER)
    assert client.post(f"{TRIALS}{object_id}/publish/").status_code == 404


@pytest.mark.parametrize("step", ["submit", "revise"])
def test_a_step_without_a_confirmation_page_answers_only_post(client, login, seed_trial, step):
    trial = draft_of(seed_trial) if step == "submit" else seed_trial
    login(EDITOR)
    response = client.get(step_url(trial, step))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert not Trial.objects.filter(revision_of=trial).exists()
    assert Trial.objects.get(pk=trial.pk).publication == trial.publication


def test_a_step_posted_without_the_csrf_token_is_refused(draft, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("csrf-editor", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(step_url(draft, "submit")).status_code == 403
    assert Trial.objects.get(pk=draft.pk).publication == Publication.DRAFT


# The steps done from the change form


def test_an_editor_submits_a_draft_from_its_page(client, login, draft):
    login(EDITOR)
    response = client.post(step_url(draft, "submit"), follow=True)
    assert response.redirect_chain == [(change_url(draft), 302)]
    assert shown_messages(response) == ["Submitted for review: a reviewer can now publish it."]
    assert Trial.objects.get(pk=draft.pk).publication == Publication.IN_REVIEW
    assert 'class="trial-state trial-state-in_review">In review</span>' in response.content.decode()


def test_an_editor_starts_a_revision_and_opens_the_same_one_again(client, login, seed_trial):
    login(EDITOR)
    response = client.post(step_url(seed_trial, "revise"))
    revision = Trial.objects.get(revision_of=seed_trial)
    assert response.status_code == 302 and response["Location"] == change_url(revision)
    assert client.post(step_url(seed_trial, "revise"))["Location"] == change_url(revision)
    assert Trial.objects.filter(revision_of=seed_trial).count() == 1


def test_a_reviewer_sees_what_a_revision_changes_then_publishes_it(client, login, seed_trial, revision):
    old_title = seed_trial.brief_title
    login(REVIEWER)
    page = client.get(step_url(revision, "publish")).content.decode()
    assert "1 field changed:" in page
    diff = page.split('<div class="workflow-changes">')[1].split("</table>")[0]
    assert "brief title" in diff.lower() and old_title.split()[-1] in diff
    assert re.search(r"<del>[^<]*Malignancies", diff) and re.search(r"<ins>[^<]*clearer title", diff)
    assert 'name="seen"' in page and "csrfmiddlewaretoken" in page

    response = client.post(step_url(revision, "publish"), {"seen": revision.updated_at.isoformat()}, follow=True)
    assert response.redirect_chain == [(change_url(seed_trial), 302)]
    assert shown_messages(response) == ["Published: the public sees this version now."]
    assert not Trial.objects.filter(pk=revision.pk).exists()
    assert Trial.objects.get(pk=seed_trial.pk).brief_title == "A clearer title for patients"
    client.logout()
    assert "A clearer title for patients" in client.get(f"/trials/{seed_trial.nct_id}/").content.decode()


def test_a_revision_published_after_its_trial_was_unpublished_puts_the_trial_back_online(
    client, login, seed_trial, revision
):
    login(REVIEWER)
    client.post(step_url(seed_trial, "unpublish"), {"seen": seed_trial.updated_at.isoformat()})
    assert client.get(change_url(revision)).status_code == 200  # the revision is still there, to publish
    client.post(step_url(revision, "publish"), {"seen": Trial.objects.get(pk=revision.pk).updated_at.isoformat()})
    assert Trial.objects.get(pk=seed_trial.pk).publication == Publication.PUBLISHED
    client.logout()
    assert "A clearer title for patients" in client.get(f"/trials/{seed_trial.nct_id}/").content.decode()


def test_publishing_is_refused_when_the_revision_changed_after_the_reviewer_saw_it(client, login, revision):
    login(REVIEWER)
    seen = client.get(step_url(revision, "publish")).context["seen"]
    client.logout()
    login(EDITOR)
    assert post_change(client, revision, brief_title="A title the reviewer has not seen").status_code == 302
    client.logout()
    login(REVIEWER)
    response = client.post(step_url(revision, "publish"), {"seen": seen}, follow=True)
    assert response.redirect_chain == [(step_url(revision, "publish"), 302)]
    assert shown_messages(response) == ["The trial changed since this page was opened: check it again."]
    assert re.search(r"<ins>[^<]*has not seen", response.content.decode())
    assert Trial.objects.get(pk=revision.pk).revision_of_id  # still a pending revision


def test_publishing_a_trial_never_public_says_so(client, login, draft):
    Trial.history.model.objects.filter(id=draft.pk).delete()  # as if added by staff, never published
    login(REVIEWER)
    page = client.get(step_url(draft, "publish")).content.decode()
    assert "This trial has never been public" in page and "workflow-changes" not in page


def test_publishing_a_draft_once_public_shows_what_changed_since(client, login, draft):
    draft.brief_title = "Changed while unpublished"
    draft.save()
    login(REVIEWER)
    page = client.get(step_url(draft, "publish")).content.decode()
    assert "against the version the public last saw" in page
    assert re.search(r"<ins>[^<]*while unpublished", page)


def test_a_revision_breaking_a_record_rule_is_not_published_and_says_why(client, login, revision):
    Trial.objects.filter(pk=revision.pk).update(brief_title="")
    revision.refresh_from_db()
    login(REVIEWER)
    response = client.post(step_url(revision, "publish"), {"seen": revision.updated_at.isoformat()}, follow=True)
    assert response.redirect_chain == [(change_url(revision), 302)]
    assert any("was not published" in message for message in shown_messages(response))
    assert Trial.objects.filter(pk=revision.pk).exists()


def test_a_reviewer_unpublishes_after_confirming(client, login, seed_trial):
    login(REVIEWER)
    page = client.get(step_url(seed_trial, "unpublish")).content.decode()
    assert "takes this trial off every public page" in page and "Yes, unpublish" in page
    response = client.post(step_url(seed_trial, "unpublish"), {"seen": seed_trial.updated_at.isoformat()})
    assert response["Location"] == change_url(seed_trial)
    assert Trial.objects.get(pk=seed_trial.pk).publication == Publication.DRAFT
    client.logout()
    assert client.get(f"/trials/{seed_trial.nct_id}/").status_code == 404


def test_an_editor_discards_a_revision_and_the_published_record_is_untouched(client, login, seed_trial, revision):
    user = login(EDITOR)
    assert "Discarding deletes this revision" in client.get(step_url(revision, "discard")).content.decode()
    response = client.post(step_url(revision, "discard"), {"seen": revision.updated_at.isoformat()}, follow=True)
    assert response.redirect_chain == [(change_url(seed_trial), 302)]
    assert shown_messages(response) == ["The revision was discarded; the published record is as it was."]
    assert not Trial.objects.filter(revision_of=seed_trial).exists()
    assert Trial.objects.get(pk=seed_trial.pk).brief_title == seed_trial.brief_title
    deletion = Trial.history.model.objects.get(id=revision.pk, history_type="-")
    assert deletion.history_user == user


# The state: in the title, as the list's second column; a revision and its published record link to each other


def test_the_title_shows_the_state_and_a_revision_links_to_its_published_record(client, login, seed_trial, revision):
    login(EDITOR)
    title = client.get(change_url(revision)).content.decode().split('<h1 class="trial-title">')[1].split("</h1>")[0]
    assert "In review" not in title and ">Draft</span>" in title
    revision_link = f'<a class="trial-revision" href="{change_url(seed_trial)}">Revision'
    assert revision_link in title and f"of {seed_trial.nct_id}</span></a>" in title
    title = client.get(change_url(seed_trial)).content.decode().split('<h1 class="trial-title">')[1].split("</h1>")[0]
    assert ">Published</span>" in title
    assert f'<a class="trial-revision" href="{change_url(revision)}">Revision pending</a>' in title


def test_the_list_shows_the_state_second_and_marks_the_revision(client, login, seed_trial, revision):
    login(READER)
    page = client.get(TRIALS).content.decode()
    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert columns[:3] == ["nct_id", "published_state", "brief_title"]  # after the selection box
    rows = {
        row.split('href="')[1].split('"')[0]: row
        for row in re.findall(r"<tr>.*?</tr>", page, re.S)
        if 'class="action-select"' in row
    }
    assert f'href="{change_url(seed_trial)}">Revision<span' in rows[change_url(revision)]
    assert f'href="{change_url(revision)}">Revision pending</a>' in rows[change_url(seed_trial)]


def test_the_bulk_actions_still_submit_and_publish(client, login, revision):
    login(REVIEWER)
    client.post(TRIALS, {"action": "submit_for_review", "_selected_action": [revision.pk]})
    assert Trial.objects.get(pk=revision.pk).publication == Publication.IN_REVIEW
    client.post(TRIALS, {"action": "publish", "_selected_action": [revision.pk]})
    assert Trial.objects.get(pk=revision.revision_of_id).brief_title == "A clearer title for patients"
