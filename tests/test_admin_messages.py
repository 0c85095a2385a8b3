"""The admin's messages after an action count in real plurals (one trial, two trials), in English and Chinese."""

import pytest

from trials.models import Sponsor, Trial

from .conftest import SAMPLE_DIR, import_paths

pytestmark = pytest.mark.django_db

TRIALS = "/admin/trials/trial/"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def two_trials(client, django_user_model):
    """Two published trials, and a superuser logged in."""
    assert import_paths(SAMPLE_DIR / "NCT07107204.json", SAMPLE_DIR / "NCT06323538.json").failures == []
    client.force_login(django_user_model.objects.create_superuser("root", password=None))
    return list(Trial.objects.order_by("nct_id").values_list("pk", flat=True))


def act(client, action, pks, **headers):
    """The messages shown after running an admin action on these trials."""
    response = client.post(TRIALS, {"action": action, "_selected_action": pks}, follow=True, **headers)
    return [str(message) for message in response.context["messages"]]


def test_workflow_messages_say_trial_for_one_and_trials_for_more(client, two_trials):
    assert act(client, "unpublish", two_trials[:1]) == ["1 trial unpublished."]
    assert act(client, "unpublish", two_trials) == ["1 trial unpublished."]  # the other one already was
    assert act(client, "submit_for_review", two_trials) == ["2 trials submitted for review."]
    assert act(client, "publish", two_trials) == ["2 trials published."]
    assert act(client, "unpublish", two_trials) == ["2 trials unpublished."]
    assert act(client, "submit_for_review", two_trials[:1]) == ["1 trial submitted for review."]
    assert act(client, "publish", two_trials[:1]) == ["1 trial published."]
    assert act(client, "publish", two_trials[:1]) == ["0 trials published."]  # it already was


def test_workflow_messages_in_chinese(client, two_trials):
    assert act(client, "unpublish", two_trials[:1], **ZH) == ["已撤销发布1项试验。"]
    assert act(client, "unpublish", two_trials, **ZH) == ["已撤销发布1项试验。"]
    assert act(client, "submit_for_review", two_trials, **ZH) == ["已提交2项试验供审核。"]
    assert act(client, "publish", two_trials, **ZH) == ["已发布2项试验。"]


@pytest.mark.parametrize(("duplicated", "message"), [(1, "1 trial updated."), (2, "2 trials updated.")])
def test_the_merge_message_counts_the_trials_moved(client, two_trials, duplicated, message):
    kept = Sponsor.objects.create(name="The one to keep", agency_class="OTHER")
    duplicate = Trial.objects.get(pk=two_trials[0]).lead_sponsor
    Trial.objects.filter(pk__in=two_trials[:duplicated]).update(lead_sponsor=duplicate)
    selected = {"action": "merge_selected", "_selected_action": [kept.pk, duplicate.pk]}
    response = client.post("/admin/trials/sponsor/", {**selected, "keep": kept.pk, "confirm": "yes"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"Merged 1 into “The one to keep”; {message}"]
