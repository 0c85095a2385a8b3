"""Public pages are read-only: other methods than GET and HEAD get 405 and no page; a form posted without its
CSRF token gets the portal's own page saying nothing was changed."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

NCT_ID = "NCT07107204"
PUBLIC = [
    "/",
    "/trials/",
    f"/trials/{NCT_ID}/",
    f"/trials/{NCT_ID}/eligibility/checklist/",
    f"/trials/{NCT_ID}.json",
    "/trials/export.csv",
    "/trials/feed/",
    "/sponsors/",
    "/conditions/",
    "/glossary/",
    "/sitemap.xml",
    "/healthz",
]


@pytest.mark.parametrize("url", PUBLIC)
@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_405_and_no_page(seed_trial, client, url, method):
    response = client.generic(method, url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.content == b""


@pytest.mark.parametrize("url", PUBLIC)
def test_get_and_head_still_answer(seed_trial, client, url):
    for method in (client.get, client.head):
        response = method(url)
        assert response.status_code == 200
        if response.streaming:  # read to its end, which closes it as a server would and frees the export slot
            b"".join(response.streaming_content)


@pytest.mark.parametrize("url", ["/", f"/trials/{NCT_ID}/", "/admin/login/"])
def test_a_post_without_its_token_gets_the_portals_own_page(seed_trial, url):
    response = Client(enforce_csrf_checks=True).post(url, {"q": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form could not be sent" in page and "Nothing was changed" in page
    assert 'href="/static/' in page or "portal.css" in page  # styled like every page
