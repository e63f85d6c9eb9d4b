"""How the portal writes amounts and phone numbers: the French way, and a phone as a link."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import phonenumbers
from django import template

register = template.Library()

#: the French thousands separator: a narrow no-break space, so « 20 020 € » never breaks
THIN_SPACE = "\u202f"


@register.filter
def euros(value: object) -> str:
    """« 20 020 € », « 1 234,50 € »: whole euros without decimals, cents with a comma."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, fraction = divmod(abs(cents), 1)
    digits = f"{int(whole):,}".replace(",", THIN_SPACE)
    text = f"{digits},{int(fraction * 100):02d}" if fraction else digits
    return f"{'-' if cents < 0 else ''}{text}\u00a0€"


@register.filter
def tel_href(number: str) -> str:
    """« tel:+33254… » for a French (or international) number; "" when it is not one."""
    try:
        parsed = phonenumbers.parse(number or "", "FR")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(parsed):
        return ""
    return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@register.filter
def phone_display(number: str) -> str:
    """« 02 54 78 54 87 »: a French number written as people read it (others as given)."""
    try:
        parsed = phonenumbers.parse(number or "", "FR")
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_valid_number(parsed):
        return number
    kind = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, kind)
