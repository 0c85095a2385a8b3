"""The review workflow on the trial editor: a button for each step the staff member may take now.

Each step (trials/workflow.py) has its own URL under the trial's, answers only POST with the
CSRF token, and checks the role and the trial's state itself: a refused step does nothing and
says why on the trial's page, whatever the buttons showed. Publish, Unpublish and Discard
open a page first (GET) that says what the step does, with what changed against the
published record for Publish (trials.history.changes, the diff the history pages show), and
is confirmed there; the confirmation is refused when the trial changed since that page was
opened. Editors and reviewers submit for review, start revisions and discard them (a
revision is their working copy); only reviewers publish and unpublish.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trials import history, workflow
from trials.choices import Publication
from trials.models import Trial
from trials.registry import RecordError, study_json

from .review import is_editor, is_reviewer


@dataclass(frozen=True)
class Step:
    name: str  # its URL: <trial id>/<name>/
    label: str  # its button
    run: object  # function(trial, user) -> the trial to open after it
    applies: object  # function(trial) -> whether the trial is in a state the step starts from
    allowed: object  # function(user) -> whether the role may take it
    refused: str  # why not, to a role that may not
    not_now: str  # why not, on a trial in another state
    done: str  # the message after it
    confirmed: bool = False  # opens a page saying what it does, confirmed there, first

    def refusal(self, user, trial):
        """Why this user may not take the step on this trial now (a sentence), or None."""
        if not self.allowed(user):
            return self.refused
        if not self.applies(trial):
            return self.not_now
        return None


def _submit(trial, user):
    workflow.submit(trial, user)
    return trial


def _unpublish(trial, user):
    workflow.unpublish(trial, user)
    return trial


STEPS = {
    step.name: step
    for step in [
        Step(
            "revise",
            _("Edit in a new revision"),
            workflow.start_revision,
            lambda trial: trial.is_published,
            is_editor,
            _("Only editors and reviewers edit trials."),
            _("Only a published trial is edited in a revision; this one is edited here."),
            _("This is the revision: edit it, then submit it for review. The public sees the published record."),
        ),
        Step(
            "submit",
            _("Submit for review"),
            _submit,
            lambda trial: trial.publication == Publication.DRAFT,
            is_editor,
            _("Only editors and reviewers submit trials for review."),
            _("Only a draft is submitted for review; this trial is already in review or published."),
            _("Submitted for review: a reviewer can now publish it."),
        ),
        Step(
            "publish",
            _("Review and publish"),
            workflow.publish,
            lambda trial: not trial.is_published,
            is_reviewer,
            _("Only reviewers publish trials."),
            _("This trial is already published."),
            _("Published: the public sees this version now."),
            confirmed=True,
        ),
        Step(
            "unpublish",
            _("Unpublish"),
            _unpublish,
            lambda trial: trial.is_published,
            is_reviewer,
            _("Only reviewers unpublish trials."),
            _("This trial is not published."),
            _("Unpublished: the trial is on no public page now."),
            confirmed=True,
        ),
        Step(
            "discard",
            _("Discard revision"),
            workflow.discard,
            lambda trial: bool(trial.revision_of_id),
            is_editor,
            _("Only editors and reviewers discard revisions."),
            _("Only a pending revision is discarded; this is the record itself."),
            _("The revision was discarded; the published record is as it was."),
            confirmed=True,
        ),
    ]
}


def steps_for(user, trial):
    """The steps this user may take on this trial now, in the order of the buttons."""
    return [step for step in STEPS.values() if step.refusal(user, trial) is None]


def state_note(trial):
    """What the trial's state means for the public and for staff, on its change form."""
    if trial.revision_of_id:
        return _(
            "A pending revision of the published record: the public sees the published version until a reviewer "
            "publishes this one."
        )
    if trial.is_published:
        return _("Published: the public sees this record. It is edited in a revision, which a reviewer publishes.")
    if trial.publication == Publication.IN_REVIEW:
        return _("In review: the public does not see it until a reviewer publishes it.")
    return _("Draft: only staff see it. Submit it for review when it is ready.")


def public_record(trial):
    """The protocol section the public sees (or last saw) of this trial, or None when it has never been public."""
    if trial.revision_of_id:
        return study_json(Trial.objects.for_export().get(pk=trial.revision_of_id))["protocolSection"]
    version = history.published(trial).last()
    return version.record if version else None


def _seen(trial):
    """What a confirmation page keeps of the trial, to tell whether it changed before the confirmation."""
    return trial.updated_at.isoformat()


class WorkflowAdmin:
    """The workflow's URLs and pages on the trial admin (a ModelAdmin mixin)."""

    def get_urls(self):
        return [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(self.step_view),
                {"name": name},
                name=f"trials_trial_{name}",
            )
            for name in STEPS
        ] + super().get_urls()

    def workflow_context(self, request, trial):
        """The change form's workflow bar: what the state means, and (step, its URL) for each step the staff
        member may take now (a published trial with a pending revision links to it instead of starting one)."""
        steps = steps_for(request.user, trial)
        if trial.pending_revision_id:
            steps = [step for step in steps if step.name != "revise"]
        return {
            "workflow_note": state_note(trial),
            "workflow_steps": [(step, reverse(f"admin:trials_trial_{step.name}", args=[trial.pk])) for step in steps],
        }

    def step_view(self, request, object_id, name):
        step = STEPS[name]
        trial = self.get_object(request, unquote(object_id))  # None for an unknown or malformed id
        if trial is None:
            raise Http404("No trial with this id")
        if not self.has_view_or_change_permission(request, trial):
            raise PermissionDenied
        change_url = reverse("admin:trials_trial_change", args=[trial.pk])
        if reason := step.refusal(request.user, trial):
            messages.error(request, reason)
            return redirect(change_url)
        if request.method == "GET" and step.confirmed:
            return self._confirmation(request, trial, step)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if step.confirmed and request.POST.get("seen") != _seen(trial):
            messages.warning(request, gettext("The trial changed since this page was opened: check it again."))
            return redirect(request.path)
        try:
            opened = step.run(trial, request.user)
        except RecordError as exc:  # a revision's record breaking a record rule (trials/rules.py)
            message = gettext("%(nct_id)s was not published: %(error)s") % {"nct_id": trial.nct_id, "error": exc}
            messages.error(request, message)
            return redirect(change_url)
        messages.success(request, step.done)
        return redirect("admin:trials_trial_change", opened.pk)

    def _confirmation(self, request, trial, step):
        """The page that says what the step does (Publish: what changes for the public), confirmed by a POST."""
        context = {
            **self.admin_site.each_context(request),
            "title": step.label,
            "subtitle": str(trial),
            "opts": self.opts,
            "original": trial,
            "step": step,
            "seen": _seen(trial),
            "media": self.media,
        }
        if step.name == "publish":
            public = public_record(trial)
            current = study_json(Trial.objects.for_export().get(pk=trial.pk))["protocolSection"]
            context.update(never_public=public is None, changes=history.changes(public, current) if public else [])
        return TemplateResponse(request, "admin/trials/trial/workflow_confirm.html", context)
