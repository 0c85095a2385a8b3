"""Forms and formsets of the trial editor: the record rules on related rows, and interventions' study groups."""

from django import forms
from django.forms.models import BaseInlineFormSet

from trials import rules
from trials.models import InterventionArm, LocationContact


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
        super().clean()
        if not self.non_form_errors():  # the database's own uniqueness message comes first
            labels = [form.cleaned_data.get("label") for form in self.live_forms() if hasattr(form, "cleaned_data")]
            if error := rules.duplicate_label_error(label for label in labels if label):
                raise forms.ValidationError(error)


class CentralContactFormSet(LiveFormSet):
    def clean(self):
        super().clean()
        site_contacts = LocationContact.objects.filter(location__trial=self.instance).count() if self.instance.pk else 0
        if error := rules.contact_error(self.instance.overall_status, len(self.live_forms()) + site_contacts):
            raise forms.ValidationError(error)


class InterventionForm(forms.ModelForm):
    """An intervention with the study groups it is given in, chosen among this trial's groups only."""

    given_in = forms.TypedMultipleChoiceField(
        label="Given in groups",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The study groups of this trial (save new groups first, then tick them here).",
        error_messages={"invalid_choice": "Choose among this trial's own study groups: %(value)s is not one of them."},
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
