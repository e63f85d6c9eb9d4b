"""How the portal writes money and phone numbers."""

import pytest

from orientation.www.templatetags.portal import euros, phone_display, tel_href


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("20020", "20\u202f020\u00a0€"),
        ("20020.00", "20\u202f020\u00a0€"),
        ("1234.5", "1\u202f234,50\u00a0€"),
        ("0", "0\u00a0€"),
        ("999", "999\u00a0€"),
        ("1000000", "1\u202f000\u202f000\u00a0€"),
        ("12.005", "12,01\u00a0€"),
    ],
)
def test_amounts_are_written_the_french_way(amount, written):
    assert euros(amount) == written


def test_a_price_that_is_not_a_number_writes_nothing():
    assert euros("nous consulter") == ""


@pytest.mark.parametrize(
    ("number", "href", "shown"),
    [
        ("02 54 78 54 87", "tel:+33254785487", "02 54 78 54 87"),
        ("0254785487", "tel:+33254785487", "02 54 78 54 87"),
        ("+32 2 555 12 12", "tel:+3225551212", "+32 2 555 12 12"),
        ("accueil", "", "accueil"),
        ("", "", ""),
    ],
)
def test_phone_numbers_are_links_and_read_as_people_read_them(number, href, shown):
    assert tel_href(number) == href
    assert phone_display(number) == shown
