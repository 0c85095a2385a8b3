"""A readable admin: the portal's name on every page, values shown as read (dates at their precision, lists by
their labels), and each version's changes word by word with who made them."""

import pytest
from django.utils.html import strip_tags

from trials import workflow
from trials.models import Trial

from .conftest import import_paths
from .factories import change

pytestmark = pytest.mark.django_db

TRIALS = "/admin/trials/trial/"


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", TRIALS])
def test_every_admin_page_names_the_portal(client, login, path):
    if path != "/admin/login/":
        login("superuser")
    page = client.get(path).content.decode()
    assert "<title>" in page and "Trial portal staff</title>" in page
    assert "Trial portal: staff editing" in page and "Django administration" not in page


def test_a_published_trial_reads_as_the_public_record(client, login, seed_trial):
    login("Trial editors")  # a published trial is read-only, edited in a revision
    page = client.get(f"{TRIALS}{seed_trial.pk}/change/").content.decode()
    assert "September 2025" in page and "Sept. 1, 2025" not in page  # status verified: a month
    assert "31 October 2025 (estimated)" in page  # start: a day, estimated
    assert "Adult (18–64), Older adult (65+)" in page and "OLDER_ADULT" not in page
    assert '<div class="readonly">—</div>' in page  # earlier NCT IDs: none, not []
    assert '<div class="readonly">[]</div>' not in page
    given_in = page.split("Given in groups:</label>")[1].split("</div>")[0]
    assert given_in.split('<div class="readonly">')[1] == "dose escalation and expansion"


def test_a_past_version_of_a_published_trial_reads_the_same_way(client, login, seed_trial):
    login("Trial readers")
    version = seed_trial.history.get()
    page = client.get(f"{TRIALS}{seed_trial.pk}/history/{version.history_id}/").content.decode()
    assert "September 2025" in page and "Adult (18–64), Older adult (65+)" in page


def test_the_history_names_who_changed_and_marks_only_the_changed_words(client, login, seed_study, write_json):
    assert import_paths(write_json("NCT07107204.json", seed_study)).failures == []
    change(seed_study, "descriptionModule.briefSummary", lambda text: text.replace("two or three", "<i>three</i>"))
    assert import_paths(write_json("NCT07107204.json", seed_study)).failures == []
    trial = Trial.objects.get(nct_id="NCT07107204")
    workflow.unpublish(trial, login("Trial reviewers"))

    page = client.get(f"{TRIALS}{trial.pk}/history/").content.decode()
    assert "intravenously every <del>two or</del> three weeks" in page
    assert "intravenously every <ins>&lt;i&gt;</ins>three<ins>&lt;/i&gt;</ins> weeks" in page
    assert "<i>three</i>" not in page
    cells = page.split('<td class="changed-by">')[1:]
    changed_by = [" ".join(strip_tags(cell.split("</td>")[0]).split()) for cell in cells]
    assert changed_by == ["staff-Trial reviewers", "import", "import"]  # newest first; "None" no more
