"""Drive the site against a real primary and streaming replica; print what ran where, as JSON.

Run by tests/test_replicas.py in a fresh interpreter (`python -m tests.replica_check`) with
DATABASE_URL naming the primary and DATABASE_REPLICA_URLS its one replica ("replica_1"). It
migrates, imports the seed record, then requests pages with django.test.Client, counting each
request's queries per database alias. The test asserts on the printed facts.
"""

import io
import json
import os
import time
from collections import Counter
from contextlib import ExitStack

import django

NCT = "NCT07107204"
SEED = "data/sample/NCT07107204.json"
PUBLIC_PAGES = [f"/trials/{NCT}/", "/trials/?q=lymphoma+BT02", f"/trials/{NCT}.json", f"/trials/{NCT}/eligibility/"]
WRITES = ("INSERT", "UPDATE", "DELETE")


class QueryLog:
    """An execute_wrapper for every connection: counts queries, and writes, per database alias."""

    def __init__(self):
        self.queries, self.writes = Counter(), Counter()

    def __call__(self, execute, sql, params, many, context):
        alias = context["connection"].alias
        self.queries[alias] += 1
        if sql.lstrip().upper().startswith(WRITES):
            self.writes[alias] += 1
        return execute(sql, params, many, context)


def visit(client, method, path, data=None):
    """One request: its status, whether it shows the trial, the queries and writes per alias, the pin cookie set."""
    from django.db import connections

    from portal.replicas import PIN_COOKIE

    log = QueryLog()
    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(log))
        response = getattr(client, method)(path, data or {})
    pin = response.cookies.get(PIN_COOKIE)
    return {
        "status": response.status_code,
        "shows_trial": NCT in response.content.decode(),
        "queries": dict(log.queries),
        "writes": dict(log.writes),
        "pin": pin and {"max-age": pin["max-age"], "httponly": pin["httponly"], "samesite": pin["samesite"]},
    }


def scalar(alias, sql):
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def seconds_until(condition, timeout=20):
    """Poll until condition() is true; the seconds it took (None on timeout)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return round(time.monotonic() - start, 3)
        time.sleep(0.05)
    return None


def main():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from portal.replicas import PIN_COOKIE
    from trials.choices import Publication
    from trials.models import Trial

    facts = {}
    # Outside a request: the primary, for the commands and for these ORM calls alike.
    call_command("migrate", verbosity=0)
    output = io.StringIO()
    call_command("import_ctgov", SEED, stdout=output)
    facts["import"] = output.getvalue().strip()
    facts["primary_in_recovery"] = scalar("default", "SELECT pg_is_in_recovery()")
    facts["replica_in_recovery"] = scalar("replica_1", "SELECT pg_is_in_recovery()")
    facts["streaming_standbys"] = scalar(
        "default", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
    )
    on_replica = Trial.objects.using("replica_1").filter(nct_id=NCT)
    facts["seed_replayed_after"] = seconds_until(on_replica.exists)

    facts["public"] = {path: visit(Client(), "get", path) for path in PUBLIC_PAGES}

    get_user_model().objects.create_superuser("root", password="replica-check")
    staff = Client()
    facts["login"] = visit(staff, "post", "/admin/login/", {"username": "root", "password": "replica-check"})
    trial = Trial.objects.get(nct_id=NCT)
    changelist, change_page = "/admin/trials/trial/", f"/admin/trials/trial/{trial.pk}/change/"
    facts["unpublish"] = visit(staff, "post", changelist, {"action": "unpublish", "_selected_action": [trial.pk]})
    facts["publication_on_primary"] = Trial.objects.get(pk=trial.pk).publication
    facts["pinned_change_page"] = visit(staff, "get", change_page)
    facts["unpublish_replayed_after"] = seconds_until(lambda: on_replica.filter(publication=Publication.DRAFT).exists())
    facts["public_after_unpublish"] = visit(Client(), "get", f"/trials/{NCT}/")
    del staff.cookies[PIN_COOKIE]  # as the browser drops it after REPLICA_PIN_SECONDS
    facts["unpinned_change_page"] = visit(staff, "get", change_page)
    print(json.dumps(facts))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    main()
