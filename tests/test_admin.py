"""Staff can already open, search and edit trials in the admin."""

import pytest

from trials.models import Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", password=None)
    client.force_login(user)
    return client


def test_the_trial_changelist_lists_and_searches_trials(staff_client, all_samples, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):  # session, user, count x2, trials + sponsors, date hierarchy, filters
        response = staff_client.get("/admin/trials/trial/")
    assert response.status_code == 200
    assert b"NCT07107204" in response.content
    response = staff_client.get("/admin/trials/trial/", {"q": "Biotroy"})
    assert b"NCT07107204" in response.content and b"NCT02210780" not in response.content


def test_a_trial_opens_for_editing_with_its_related_rows(staff_client, seed_trial):
    response = staff_client.get(f"/admin/trials/trial/{seed_trial.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "dose escalation and expansion" in page
    assert "Acute promyelocytic leukemia (APL)." in page
    assert "Clinical development director" in page


@pytest.mark.parametrize("model", ["sponsor", "condition", "investigator", "location"])
def test_shared_rows_have_searchable_changelists(staff_client, all_samples, model):
    assert staff_client.get(f"/admin/trials/{model}/", {"q": "a"}).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login(client, seed_trial):
    response = client.get(f"/admin/trials/trial/{seed_trial.pk}/change/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Trial.objects.count() == 1
