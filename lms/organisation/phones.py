"""Phone numbers, stored in E.164 (``+4791234567``). A number written without a country code is
read as Norwegian."""

from __future__ import annotations

import phonenumbers

REGION = "NO"


class BadPhoneNumber(ValueError):
    """The text is not a valid phone number."""


def normalise_phone(text: str) -> str:
    """``text`` as an E.164 number; raises ``BadPhoneNumber`` if it is not a valid number."""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as error:
        raise BadPhoneNumber(text) from error
    if not phonenumbers.is_valid_number(number):
        raise BadPhoneNumber(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_norwegian_mobile(e164: str) -> bool:
    """Whether the (already normalised) number is a Norwegian mobile number, which gets an SMS."""
    number = phonenumbers.parse(e164)
    mobile = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.region_code_for_number(number) == REGION and (
        phonenumbers.number_type(number) in mobile
    )
