"""Site pages: home, the trial list, the health check."""

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render

from trials.models import Trial

PAGE_SIZE = 20


def home(request):
    return redirect("trials:list")


def trial_list(request):
    trials = Trial.objects.for_list().order_by("-last_update_posted_date", "nct_id")
    page = Paginator(trials, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trials/trial_list.html", {"page": page})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
