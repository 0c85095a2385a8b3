from django.urls import path
from django.views.decorators.http import require_safe

from .feeds import SearchFeed
from .views import directory, exports, pages, records, search

app_name = "trials"


def page(route, view, *args, **kwargs):
    """A public page: read-only, so GET and HEAD only; any other method (OPTIONS and TRACE too) gets 405."""
    return path(route, require_safe(view), *args, **kwargs)


urlpatterns = [
    page("", pages.home, name="home"),
    page("trials/", search.trial_list, name="list"),
    page("trials/export.csv", exports.export_csv, name="export_csv"),
    page("trials/export.json", exports.export_json, name="export_json"),
    page("trials/feed/", SearchFeed(), name="feed"),
    page("trials/<str:nct_id>.json", records.trial_json, name="json"),
    page("trials/<str:nct_id>/", records.trial_section, {"section": "overview"}, name="detail"),
    page("trials/<str:nct_id>/design/", records.trial_section, {"section": "design"}, name="design"),
    page("trials/<str:nct_id>/groups/", records.trial_section, {"section": "groups"}, name="groups"),
    page("trials/<str:nct_id>/eligibility/", records.trial_section, {"section": "eligibility"}, name="eligibility"),
    page(
        "trials/<str:nct_id>/eligibility/checklist/",
        records.trial_section,
        {"section": "checklist"},
        name="checklist",
    ),
    page("trials/<str:nct_id>/contacts/", records.trial_section, {"section": "contacts"}, name="contacts"),
    page("trials/<str:nct_id>/history/", records.trial_section, {"section": "history"}, name="history"),
    page("trials/<str:nct_id>/results/", records.trial_section, {"section": "results"}, name="results"),
    page("trials/<str:nct_id>/full/", records.trial_section, {"section": "full"}, name="full"),
    page("sponsors/", directory.sponsor_list, name="sponsors"),
    page("sponsors/suggest", directory.sponsor_suggest, name="sponsor_suggest"),
    page("sponsors/<slug:slug>/", directory.sponsor_detail, name="sponsor"),
    page("investigators/<int:pk>/", directory.investigator_detail, name="investigator"),
    page("conditions/", directory.condition_list, name="conditions"),
    page("conditions/suggest", directory.condition_suggest, name="condition_suggest"),
    page("conditions/<slug:slug>/", directory.condition_detail, name="condition"),
    page("glossary/", pages.glossary, name="glossary"),
    page("healthz", pages.healthz, name="healthz"),
]
