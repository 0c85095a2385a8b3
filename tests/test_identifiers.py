import pytest
from django.core.exceptions import ValidationError

from trials.identifiers import registry_link, validate_nct_id


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("NCT01234567", ("ClinicalTrials.gov", "https://clinicaltrials.gov/study/NCT01234567")),
        ("2023-000123-45", ("EudraCT", "https://www.clinicaltrialsregister.eu/ctr-search/search?query=2023-000123-45")),
        (
            "2023-503456-12-00",
            ("EU CT (CTIS)", "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT=2023-503456-12-00"),
        ),
        ("ISRCTN12345678", ("ISRCTN", "https://www.isrctn.com/ISRCTN12345678")),
        ("ACTRN12611000001234", ("ANZCTR", "https://www.anzctr.org.au/ACTRN12611000001234.aspx")),
        ("ChiCTR2300071234", ("ChiCTR", "https://www.chictr.org.cn/searchprojEN.html?regno=ChiCTR2300071234")),
        ("LOCAL-42", None),
    ],
)
def test_known_registries_are_linked(identifier, expected):
    assert registry_link(identifier) == expected


def test_a_record_link_is_used_for_unknown_registries_but_only_over_http():
    assert registry_link("R01-123", "https://reporter.nih.gov/x") == ("", "https://reporter.nih.gov/x")
    assert registry_link("R01-123", "javascript:alert(1)") is None


@pytest.mark.parametrize("nct_id", ["NCT01234567\n", "\nNCT01234567", "NCT01234567 "])
def test_an_nct_id_must_be_the_whole_value(nct_id):
    """The admin's and the model's check: "$" would let a trailing newline through."""
    validate_nct_id("NCT01234567")
    with pytest.raises(ValidationError):
        validate_nct_id(nct_id)
