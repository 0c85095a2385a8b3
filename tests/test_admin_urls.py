"""Every admin URL of the app's models answers a bad id with a 404, whoever asks: change, delete, history, a
version, the custom views (non-numeric ids, huge numbers, ids of other models' rows, of other trials' versions)."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern

from trials.models import Trial

from .conftest import SAMPLE_DIR, import_paths

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "1.5", "-1", "0", "99999999999999999999", "9223372036854775808", "%20", "1%2F2", "NCT07107204"]
ROLES = ["superuser", "Trial readers"]  # all rights; no right to change or delete


def admin_urls():
    """Each admin URL pattern of the app's models that names a row, as (model, URL with {} for each id)."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "trials":
            for pattern in model_admin.urls:
                if isinstance(pattern, URLPattern) and pattern.pattern.regex.groups:
                    route = re.sub(r"<path:object_id>|\(\[\^/\]\+\)", "{}", str(pattern.pattern)).strip("^$")
                    yield model._meta.model_name, f"/admin/trials/{model._meta.model_name}/{route}"


URLS = sorted(set(admin_urls()))


def test_every_page_naming_a_row_is_checked():
    # 5 models: the id alone, change, delete, history; a trial's version and its workflow steps (revise, submit,
    # publish, unpublish, discard)
    assert len(URLS) == 5 * 4 + 6
    assert ("trial", "/admin/trials/trial/{}/history/{}/") in URLS and (
        "trial",
        "/admin/trials/trial/{}/revise/",
    ) in URLS


@pytest.fixture
def trials(db):
    """Two trials with their rows and versions."""
    assert import_paths(SAMPLE_DIR / "NCT07107204.json", SAMPLE_DIR / "NCT06171568.json").failures == []
    return list(Trial.objects.order_by("pk"))


def others_id(model_name):
    """An id some other model's row has (a trial's version, a criterion...) and none of this model's rows."""
    model = apps.get_model("trials", model_name)
    taken = set(model.objects.values_list("pk", flat=True))
    tables = apps.get_app_config("trials").get_models()
    others = (other for other in tables if other is not model and other._meta.managed)  # not SQLite's own tables
    return str(max(pk for other in others for pk in other.objects.values_list("pk", flat=True) if pk not in taken))


def addresses(model_name, url, trials):
    """The URL with each bad id in each of its places (the other places holding good ids)."""
    seed, other = trials
    bad_ids = [*BAD_IDS, others_id(model_name)]
    if url.count("{}") == 1:
        return [url.format(bad) for bad in bad_ids]
    version = str(seed.history.first().history_id)
    others_version = str(other.history.first().history_id)
    return [url.format(bad, version) for bad in bad_ids] + [
        url.format(seed.pk, bad) for bad in [*BAD_IDS, others_version]
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model_name, url", URLS)
def test_a_bad_id_in_any_admin_url_is_a_not_found(client, login, trials, model_name, url, role):
    login(role)
    for address in addresses(model_name, url, trials):
        for method in (client.get, client.post):
            response = method(address, follow=True)
            assert response.status_code == 404, (method.__name__, address, response.redirect_chain)


def test_good_ids_still_open_their_pages(client, login, trials):
    login("superuser")
    seed = trials[0]
    version = seed.history.first().history_id
    for url in (f"{seed.pk}/change/", f"{seed.pk}/history/", f"{seed.pk}/history/{version}/", f"{seed.pk}/delete/"):
        assert client.get(f"/admin/trials/trial/{url}").status_code == 200, url


@pytest.mark.parametrize("model_name", sorted({model_name for model_name, _url in URLS}))
def test_an_action_on_a_selection_with_a_bad_id_is_a_not_found_and_changes_nothing(client, login, trials, model_name):
    login("superuser")
    model = apps.get_model("trials", model_name)
    rows = model.objects.count()
    actions = admin.site._registry[model].actions
    for action in ["delete_selected", *actions]:
        for bad in ["abc", "1.5", "1%2F2"]:
            data = {"action": action, "_selected_action": [bad, "1"], "keep": "1", "confirm": "1", "post": "yes"}
            assert client.post(f"/admin/trials/{model_name}/", data).status_code == 404, (action, bad)
    assert model.objects.count() == rows
