from django.urls import path

from . import views

app_name = "trials"

urlpatterns = [
    path("", views.home, name="home"),
    path("trials/", views.trial_list, name="list"),
    path("trials/<str:nct_id>.json", views.trial_json, name="json"),
    path("trials/<str:nct_id>/", views.trial_detail, name="detail"),
    path("healthz", views.healthz, name="healthz"),
]
