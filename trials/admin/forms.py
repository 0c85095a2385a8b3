"""Forms and formsets of the trial editor and the site page: text saved as the registry keeps it, the NCT ID's
uniqueness, a published trial's sites left to its revision, the record rules on related rows, and interventions'
study groups."""

import re

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import TextField, URLField
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from trials import rules
from trials.models import InterventionArm, LocationContact, Trial

from .review import is_locked

LINE_END_RE = re.compile(r"[^\S\n]*(?:\r\n|\r|\n)")  # a line's end and the blank space before it


class RegistryText(forms.CharField):
    """Multi-line text as the registry keeps it, so a field saved unchanged stays unchanged.

    Browsers send a textarea's lines ended by CRLF; the registry's text has LF line endings and no blank space
    at the end of a line or around the whole text (none in any bundled record), as the importer stores it.
    """

    def to_python(self, value):
        text = super().to_python(value)  # CharField strips the whole text
        return LINE_END_RE.sub("\n", text)


# The editor's form fields for model fields, on every admin form of a trial's rows (the trial, its inlines, its
# sites). Registry links are https: a link typed without a scheme gets https:// (Django 6's default too).
FORM_FIELDS = {URLField: {"assume_scheme": "https"}, TextField: {"form_class": RegistryText}}


CHANGED_MEANWHILE = _(
    "This trial was changed after you opened this page. Your changes were not saved, so that the other changes are "
    "not overwritten: open the trial again to see them (its history says who changed what), then make yours again."
)


class TrialForm(forms.ModelForm):
    # The trial's lock_version when the page was opened: a save from a page opened before another change is refused.
    version_opened = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version_opened" in self.fields:  # not on a read-only page (a published trial), which never saves
            self.fields["version_opened"].initial = self.instance.lock_version

    def clean(self):
        """Refuse a save made from a page opened before the trial's last change: nothing is overwritten unseen.

        The trial's row stays locked until the save ends (PostgreSQL), so of two saves from pages opened at the same
        version, the second waits for the first and is then refused.
        """
        cleaned_data = super().clean()
        if self.instance.pk is None or "version_opened" not in self.fields:
            return cleaned_data
        trials = Trial.objects.select_for_update().filter(pk=self.instance.pk)
        if cleaned_data.get("version_opened") != trials.values_list("lock_version", flat=True).get():
            raise forms.ValidationError(CHANGED_MEANWHILE, code="changed_meanwhile")
        return cleaned_data

    def validate_unique(self):
        """Also the NCT ID: unique among trials that are not revisions (a revision shares its trial's, read-only).

        Django skips a constraint whose condition names a field the form lacks, and revision_of is never on it.
        """
        super().validate_unique()
        if "nct_id" in self.cleaned_data and self.instance.revision_of_id is None:
            others = Trial.objects.registered().exclude(pk=self.instance.pk)
            if others.filter(nct_id=self.cleaned_data["nct_id"]).exists():
                self.add_error("nct_id", _("Another trial already has this NCT ID."))


class SiteForm(forms.ModelForm):
    def clean_trial(self):
        trial = self.cleaned_data["trial"]
        if is_locked(trial):
            raise forms.ValidationError(
                _("This trial is published: its sites are edited in a revision of the trial, not here.")
            )
        return trial


class LiveFormSet(BaseInlineFormSet):
    def live_forms(self):
        """The forms that will be saved: filled in and not marked for deletion."""
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]


class ArmGroupFormSet(LiveFormSet):
    def clean(self):
        # The record rule first: it explains the problem better than the database's uniqueness message.
        labels = [form.cleaned_data.get("label") for form in self.live_forms() if hasattr(form, "cleaned_data")]
        if error := rules.duplicate_label_error(label for label in labels if label):
            raise forms.ValidationError(error)
        super().clean()


class CentralContactFormSet(LiveFormSet):
    def clean(self):
        super().clean()
        site_contacts = LocationContact.objects.filter(location__trial=self.instance).count() if self.instance.pk else 0
        if error := rules.contact_error(self.instance.overall_status, len(self.live_forms()) + site_contacts):
            raise forms.ValidationError(error)


class InterventionForm(forms.ModelForm):
    """An intervention with the study groups it is given in, chosen among this trial's groups only."""

    given_in = forms.TypedMultipleChoiceField(
        label=_("Given in groups"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The study groups of this trial (save new groups first, then tick them here)."),
        error_messages={
            "invalid_choice": _("Choose among this trial's own study groups: %(value)s is not one of them.")
        },
    )

    def __init__(self, *args, arm_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_in"].choices = arm_choices
        if self.instance.pk:
            self.initial["given_in"] = [link.arm_group_id for link in self.instance.arm_links.all()]

    def save(self, commit=True):
        intervention = super().save(commit)
        if commit:
            self.save_arm_groups()
        return intervention

    def save_arm_groups(self):
        chosen = self.cleaned_data.get("given_in", [])
        if [link.arm_group_id for link in self.instance.arm_links.all()] != chosen:
            self.instance.arm_links.all().delete()
            InterventionArm.objects.bulk_create(
                InterventionArm(intervention=self.instance, arm_group_id=pk, position=i) for i, pk in enumerate(chosen)
            )


class InterventionFormSet(LiveFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = self.queryset.prefetch_related("arm_links")
        # One query for the choices of every form (a ModelMultipleChoiceField would query once per form).
        self.arm_choices = list(self.instance.arm_groups.values_list("pk", "label")) if self.instance.pk else []

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "arm_choices": self.arm_choices}


class KnownChoiceAutocomplete(AutocompleteSelect):
    """An autocomplete labelling its current choice from `known` ({pk: label}), not with a query per row.

    The admin's own widget reads each row's chosen object again; with many rows that is a query each.
    """

    known = None

    def optgroups(self, name, value, attr=None):
        chosen = [v for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or not all(str(v).isdigit() and int(v) in self.known for v in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for v in chosen:
            options.append(self.create_option(name, v, self.known[int(v)], True, len(options)))
        return [(None, options, 0)]


class SharedRowFormSet(LiveFormSet):
    """Rows naming a shared sponsor, condition or investigator: their autocompletes are labelled from the rows."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", None)  # inside the admin's related-field wrapper
            if isinstance(widget, KnownChoiceAutocomplete):
                widget.known = self.known_choices(name)
        return form

    def known_choices(self, name):
        """{pk: label} of the objects the stored rows name (the inline's queryset joins them)."""
        if not hasattr(self, "_known"):
            self._known = {}
        if name not in self._known:
            self._known[name] = {getattr(row, f"{name}_id"): str(getattr(row, name)) for row in self.get_queryset()}
        return self._known[name]
