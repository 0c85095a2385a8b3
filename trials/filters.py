"""The search page's filters: one FilterSet over SearchEntry for every parameter of /trials/.

Values are the registry's enum names (RECRUITING, PHASE2, INDUSTRY, …), and status also takes OPEN,
ClinicalTrials.gov's default: trials open to new patients (recruiting or not yet recruiting). A value
the form cannot accept is reported next to its field and that filter is left out; the other
filters still apply, so odd links give a useful page, never an error.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import choices, names, nearby
from .forms import PlaceField, SearchForm, TextValuesField, TextValuesInput
from .models import Collaboration, Condition, Intervention, Location, Sponsor, TrialCondition
from .search.backends import backend
from .search.criteria import DEFAULT_DISTANCE_KM
from .search.query import parse

MAX_QUERY_LENGTH = 500
DATE_FORMATS = ["%Y-%m-%d", "%Y-%m", "%Y"]  # the page's date boxes send the first; links may use any
YES_NO = [("true", _("Yes")), ("false", _("No"))]
OPEN = "OPEN"  # status=OPEN: the statuses of trials open to new patients, one checkbox's value
OPEN_STATUSES = [choices.Status.RECRUITING.value, choices.Status.NOT_YET_RECRUITING.value]
OPEN_LABEL = _("Recruiting or not yet recruiting")


def expand_statuses(values):
    """Status values with OPEN replaced by the statuses it stands for, each once, in order."""
    return list(dict.fromkeys(status for value in values for status in (OPEN_STATUSES if value == OPEN else [value])))


def date_filter(field_name, lookup_expr, label):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return django_filters.DateFilter(
        field_name=field_name, lookup_expr=lookup_expr, input_formats=DATE_FORMATS, widget=widget, label=label
    )


class StatusField(django_filters.fields.MultipleChoiceField):
    """Recruitment statuses: the registry's names, or OPEN for both open ones; cleaned to the registry's names."""

    def valid_value(self, value):
        return value == OPEN or super().valid_value(value)

    def clean(self, value):
        return expand_statuses(super().clean(value))


class StatusFilter(django_filters.MultipleChoiceFilter):
    field_class = StatusField


class TextValuesFilter(django_filters.Filter):
    field_class = TextValuesField


class PlaceFilter(django_filters.Filter):
    field_class = PlaceField


class TrialFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search for"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        help_text=_('Words must all appear; "quoted words" as a phrase; OR for either; -word to exclude.'),
    )
    status = StatusFilter(distinct=False, choices=choices.Status.choices, label=_("Recruitment status"))
    phase = django_filters.MultipleChoiceFilter(
        distinct=False, choices=choices.Phase.single_choices(), method="filter_phase", label=_("Phase")
    )
    study_type = django_filters.MultipleChoiceFilter(
        distinct=False, choices=choices.StudyType.choices, label=_("Study type")
    )
    condition = TextValuesFilter(
        method="filter_condition",
        label=_("Condition"),
        help_text=_("Its name, part of it, or its MeSH term (every name grouped under it)."),
        widget=TextValuesInput(
            attrs={"list": "condition-names", "data-suggest": reverse_lazy("trials:condition_suggest")}
        ),
    )
    intervention_type = django_filters.MultipleChoiceFilter(
        distinct=False,
        choices=choices.InterventionType.choices,
        method="filter_intervention_type",
        label=_("Intervention type"),
        widget=forms.CheckboxSelectMultiple,
    )
    sponsor = TextValuesFilter(
        method="filter_sponsor",
        label=_("Sponsor"),
        help_text=_("Lead or collaborator: its name or part of it."),
        widget=TextValuesInput(attrs={"list": "sponsor-names", "data-suggest": reverse_lazy("trials:sponsor_suggest")}),
    )
    sponsor_class = django_filters.MultipleChoiceFilter(
        distinct=False, choices=choices.AgencyClass.choices, label=_("Lead sponsor type")
    )
    sex = django_filters.ChoiceFilter(
        choices=choices.Sex.choices, method="filter_sex", label=_("Open to"), empty_label=_("Any sex")
    )
    age = django_filters.NumberFilter(
        method="filter_age",
        min_value=0,
        max_value=130,
        label=_("Age (years)"),
        help_text=_("Trials a person of this age may join."),
    )
    healthy_volunteers = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_yes_no", label=_("Accepts healthy volunteers"), empty_label=_("Any")
    )
    near = PlaceFilter(
        method="filter_near",
        label=_("Near"),
        help_text=_("A city or a country: trials recruiting there now or soon, nearest site first."),
    )
    country = TextValuesFilter(method="filter_country", label=_("Country"), help_text=_("Where the trial has a site."))
    has_results = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_yes_no", label=_("Results posted"), empty_label=_("Any")
    )
    start_from = date_filter("start_date", "gte", _("Starts on or after"))
    start_to = date_filter("start_date", "lte", _("Starts on or before"))
    updated_since = date_filter("last_update", "gte", _("Updated since"))

    class Meta:
        form = SearchForm

    def valid_values(self):
        """The form's valid values (a refused value is left out, with its message on the form)."""
        self.is_valid()
        return getattr(self.form, "cleaned_data", {})

    def in_use(self):
        """Each filter given a valid value -> that value, in the form's order."""
        cleaned = self.valid_values()
        return {name: value for name, value in cleaned.items() if name in self.filters and value not in (None, "", [])}

    # Filters

    def filter_text(self, entries, name, value):
        query = parse(value)
        return backend().match(entries, query) if query else entries

    def filter_phase(self, entries, name, value):
        return entries.filter(phase__in={stored for phase in value for stored in choices.Phase.including(phase)})

    def filter_condition(self, entries, name, value):
        conditions = names.named(Condition, value)
        return entries.filter(trial_id__in=TrialCondition.objects.filter(condition__in=conditions).values("trial_id"))

    def filter_intervention_type(self, entries, name, value):
        return entries.filter(trial_id__in=Intervention.objects.filter(type__in=value).values("trial_id"))

    def filter_sponsor(self, entries, name, value):
        sponsors = names.named(Sponsor, value)
        collaborating = Collaboration.objects.filter(sponsor__in=sponsors).values("trial_id")
        return entries.filter(Q(lead_sponsor__in=sponsors) | Q(trial_id__in=collaborating))

    def filter_sex(self, entries, name, value):
        return entries.filter(sex__in={value, choices.Sex.ALL, ""})

    def filter_age(self, entries, name, value):
        return entries.filter(
            Q(minimum_age_years__isnull=True) | Q(minimum_age_years__lte=value),
            Q(maximum_age_years__isnull=True) | Q(maximum_age_years__gte=value),
        )

    def filter_yes_no(self, entries, name, value):
        return entries.filter(**{name: value == "true"})

    def filter_country(self, entries, name, value):
        sites = Location.objects.alias(lowered=Lower("country")).filter(lowered__in=[text.lower() for text in value])
        return entries.filter(trial_id__in=sites.values("trial_id"))

    def filter_near(self, entries, name, value):
        distance = self.valid_values().get("distance") or DEFAULT_DISTANCE_KM  # the radius, a field of the form
        return entries.filter(trial_id__in=nearby.trial_ids_near(value, distance))

    # Names typed that name nothing exactly

    NAMED = {"condition": Condition, "sponsor": Sponsor}
    CLOSEST_FOR = 3  # typed texts per filter offered "Did you mean" names (each one bounded query)

    def not_exact(self):
        """[(parameter, its label, typed text, [closest names] or None)] for each condition or sponsor typed that names
        no row exactly (the filter then matches names that hold its words): one query per filter in use, one more
        for each of its first CLOSEST_FOR such texts (the others get None)."""
        found = []
        for parameter, model in self.NAMED.items():
            texts = self.valid_values().get(parameter) or []
            for i, text in enumerate(names.not_exact(model, texts)):
                closest = names.closest(model, text) if i < self.CLOSEST_FOR else None
                found.append((parameter, self.form[parameter].label, text, closest))
        return found

    # All of them

    def filtered(self, without=()):
        """The entries every valid filter allows, leaving out the filters named in `without` (for facet counts)."""
        entries = self.queryset.all()
        for name, value in self.valid_values().items():
            if name in self.filters and name not in without:
                entries = self.filters[name].filter(entries, value)
        return entries

    def filter_queryset(self, queryset):
        """`qs`: the matches, in no order (a search orders them: trials/search/criteria.py)."""
        return self.filtered()
