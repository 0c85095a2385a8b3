from django.urls import path

from .feeds import SearchFeed
from .views import directory, exports, pages, records, search

app_name = "trials"

urlpatterns = [
    path("", pages.home, name="home"),
    path("trials/", search.trial_list, name="list"),
    path("trials/export.csv", exports.export_csv, name="export_csv"),
    path("trials/export.json", exports.export_json, name="export_json"),
    path("trials/feed/", SearchFeed(), name="feed"),
    path("trials/<str:nct_id>.json", records.trial_json, name="json"),
    path("trials/<str:nct_id>/", records.trial_section, {"section": "overview"}, name="detail"),
    path("trials/<str:nct_id>/design/", records.trial_section, {"section": "design"}, name="design"),
    path("trials/<str:nct_id>/groups/", records.trial_section, {"section": "groups"}, name="groups"),
    path("trials/<str:nct_id>/eligibility/", records.trial_section, {"section": "eligibility"}, name="eligibility"),
    path(
        "trials/<str:nct_id>/eligibility/checklist/",
        records.trial_section,
        {"section": "checklist"},
        name="checklist",
    ),
    path("trials/<str:nct_id>/contacts/", records.trial_section, {"section": "contacts"}, name="contacts"),
    path("trials/<str:nct_id>/history/", records.trial_section, {"section": "history"}, name="history"),
    path("trials/<str:nct_id>/full/", records.trial_section, {"section": "full"}, name="full"),
    path("sponsors/", directory.sponsor_list, name="sponsors"),
    path("sponsors/<slug:slug>/", directory.sponsor_detail, name="sponsor"),
    path("investigators/<int:pk>/", directory.investigator_detail, name="investigator"),
    path("conditions/", directory.condition_list, name="conditions"),
    path("conditions/<slug:slug>/", directory.condition_detail, name="condition"),
    path("glossary/", pages.glossary, name="glossary"),
    path("healthz", pages.healthz, name="healthz"),
]
