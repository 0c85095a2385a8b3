"""The public pages' forms and form fields: the search page's form, a record's "sites near" box and the
eligibility quick check. All are GET forms: nothing is stored.
"""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from . import geo
from .choices import Sex
from .quickcheck import MAX_AGE
from .search.criteria import DEFAULT_DISTANCE_KM, SORTS


class TextValuesInput(forms.TextInput):
    """A text box whose parameter may repeat in the address (?country=France&country=Spain)."""

    def value_from_datadict(self, data, files, name):
        return [value for value in data.getlist(name) if value.strip()] if hasattr(data, "getlist") else []

    def format_value(self, value):
        return value[0] if isinstance(value, list) and value else None


class TextValuesField(forms.Field):
    """Names typed or ticked (conditions, sponsors, countries): at most MAX_VALUES of them, each of 300 characters."""

    widget = TextValuesInput
    default_validators = []
    MAX_VALUES = 50

    def to_python(self, value):
        values = list(dict.fromkeys(text.strip() for text in (value or [])))
        if len(values) > self.MAX_VALUES:
            raise forms.ValidationError(
                _("Choose at most %(limit)d here, or search for the words they share.") % {"limit": self.MAX_VALUES},
                code="max_values",
            )
        for text in values:
            ProhibitNullCharactersValidator()(text)
            if len(text) > 300:
                raise forms.ValidationError(_("Use at most 300 characters."), code="max_length")
        return values


class PlaceField(forms.CharField):
    """A city ("Lyon", "Lyon, France", "Paris, Texas") or a country, placed offline: a geo.Place or None."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        place = geo.find_place(text[:300])
        if place is None:
            raise forms.ValidationError(
                _("We could not find this place. Try a city, a city and its country (Lyon, France), or a country."),
                code="unknown_place",
            )
        return place


SORTS_SHOWN = [(key, label) for key, (label, _ordering) in SORTS.items()]


def distance_field(field_class=forms.TypedChoiceField):
    """How far from the place a site may be: one of geo.DISTANCES_KM, DEFAULT_DISTANCE_KM when not given."""
    return field_class(
        choices=[(km, _("%(km)s km") % {"km": km}) for km in geo.DISTANCES_KM],
        coerce=int,
        required=False,
        empty_value=DEFAULT_DISTANCE_KM,
        initial=DEFAULT_DISTANCE_KM,
        label=_("Within"),
    )


class InEffect:
    """A choice shown as the value the search used, not as the address gave it: a default when none was given,
    the default in place of a refused value (whose message the form shows), or the sort a search fell back to."""

    def bound_data(self, data, initial):
        return initial


class InEffectChoiceField(InEffect, forms.ChoiceField):
    pass


class InEffectTypedChoiceField(InEffect, forms.TypedChoiceField):
    pass


class SearchForm(forms.Form):
    """The search page's form: the filters' fields (trials/filters.py adds them) after the sort and the distance.

    The sort and distance boxes show what the search used: show_in_effect() is told it once the search is read.
    """

    sort = InEffectChoiceField(
        label=_("Sort"),
        choices=SORTS_SHOWN,
        required=False,
        help_text=_("Best match needs words to search for; distance, a city to search near."),
    )
    distance = distance_field(InEffectTypedChoiceField)

    def show_in_effect(self, sort, default_sort, distance):
        """Select the sort and distance in use. The default sort's option sends no sort (""), so the next search
        has its own default: a place typed on a page sorted by last update by default sorts by distance."""
        self.fields["sort"].widget.choices = [("" if key == default_sort else key, label) for key, label in SORTS_SHOWN]
        self.initial.update(sort="" if sort == default_sort else sort, distance=distance)


class NearForm(forms.Form):
    """A record's sites sorted by distance from a city."""

    near = PlaceField(
        required=False,
        label=_("Sort sites by distance from"),
        help_text=_("A city, or a city and its country."),
    )

    def clean_near(self):
        place = self.cleaned_data["near"]
        if place is not None and place.is_country:
            raise forms.ValidationError(
                _("Enter a city in %(country)s to sort its sites by distance."), params={"country": place.country}
            )
        return place


class NearestSiteForm(forms.Form):
    """The overview's nearest site: the place and distance of a search near a place (?near=Lyon&distance=50),
    read as the search reads them (a city or a country)."""

    near = PlaceField(required=False)
    distance = distance_field()


class AgeField(forms.IntegerField):
    """A person's age in whole years; spaces alone are no age (the browser sends "" for what it cannot read)."""

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


class QuickCheckForm(forms.Form):
    """The person's answers. Same parameter names and values as the search's filters, so a link carries them."""

    age = AgeField(
        label=_("Your age in years"),
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "required": _("Enter your age in years, for example 45."),
            "invalid": _("Enter your age as a whole number of years, for example 45."),
            "min_value": _("Enter an age of 0 or more."),
            "max_value": _("Enter an age of at most %(limit_value)s."),
        },
    )
    sex = forms.ChoiceField(
        label=_("Your sex (optional)"),
        required=False,
        choices=[("", _("Prefer not to say")), (Sex.FEMALE, Sex.FEMALE.label), (Sex.MALE, Sex.MALE.label)],
    )
    healthy_volunteers = forms.ChoiceField(
        label=_("Your health (optional)"),
        required=False,
        choices=[
            ("", _("Prefer not to say")),
            ("true", _("I am a healthy volunteer")),
            ("false", _("I have the condition studied")),
        ],
    )

    FIELDS = ("age", "sex", "healthy_volunteers")

    @classmethod
    def from_query(cls, query):
        """Bound when the address carries any of its fields, even empty (the person pressed Check), else unbound."""
        return cls(query) if any(name in query for name in cls.FIELDS) else cls()
