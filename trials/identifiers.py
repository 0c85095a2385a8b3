"""NCT IDs as people type them, and links to other registries for a trial's secondary identifiers."""

import re
from urllib.parse import quote

from django.core.validators import RegexValidator

# \A and \Z, never ^ and $: "$" also matches before a final newline (in Python's re, so on SQLite too), and both
# Python and PostgreSQL read \A and \Z as the very start and end of the text.
NCT_ID_REGEX = r"\ANCT[0-9]{8}\Z"
validate_nct_id = RegexValidator(
    NCT_ID_REGEX, "An NCT ID is NCT followed by 8 digits, e.g. NCT01234567.", code="nct_id_format"
)

REGISTRIES = [
    # (name, pattern the whole identifier matches, URL of its record)
    ("ClinicalTrials.gov", re.compile(r"NCT\d{8}", re.ASCII), "https://clinicaltrials.gov/study/{id}"),
    ("EU CT (CTIS)", re.compile(r"\d{4}-5\d{5}-\d{2}-\d{2}", re.ASCII), "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={id}"),
    ("EudraCT", re.compile(r"\d{4}-\d{6}-\d{2}", re.ASCII), "https://www.clinicaltrialsregister.eu/ctr-search/search?query={id}"),
    ("ISRCTN", re.compile(r"ISRCTN\d{8}", re.ASCII), "https://www.isrctn.com/{id}"),
    ("ANZCTR", re.compile(r"ACTRN\d{14}", re.ASCII), "https://www.anzctr.org.au/ACTRN{digits}.aspx"),
    ("ChiCTR", re.compile(r"ChiCTR[-\w]+", re.ASCII), "https://www.chictr.org.cn/searchprojEN.html?regno={id}"),
]  # fmt: skip

LOOSE_NCT_ID = re.compile(r"\s*nct\s*0*([0-9]{1,8})\s*", re.IGNORECASE)


def canonical_nct_id(text):
    """ "nct7107204", " NCT 07107204 " -> "NCT07107204"; None when it cannot be an NCT ID."""
    match = LOOSE_NCT_ID.fullmatch(text)
    return f"NCT{int(match[1]):08d}" if match else None


def registry_link(identifier, link=""):
    """(registry name, URL) for an identifier of a known registry; else the record's own link, or None."""
    value = identifier.strip().replace(" ", "")
    for name, pattern, url in REGISTRIES:
        if pattern.fullmatch(value):
            return name, url.format(id=quote(value), digits=value[5:])
    if link.startswith(("https://", "http://")):
        return "", link
    return None
