from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from .models import Trial
from .registry import study_json

PAGE_SIZE = 20


def home(request):
    return redirect("trials:list")


def trial_list(request):
    trials = Trial.objects.for_list().order_by("-last_update_posted_date", "nct_id")
    page = Paginator(trials, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trials/trial_list.html", {"page": page})


def trial_detail(request, nct_id):
    trial = get_object_or_404(Trial.objects.for_record(), nct_id=nct_id.upper())
    if trial.nct_id != nct_id:
        return redirect(trial, permanent=True)
    return render(request, "trials/trial_detail.html", {"trial": trial})


def trial_json(request, nct_id):
    trial = get_object_or_404(Trial.objects.for_record(), nct_id=nct_id.upper())
    return JsonResponse(study_json(trial), json_dumps_params={"ensure_ascii": False, "indent": 2})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
