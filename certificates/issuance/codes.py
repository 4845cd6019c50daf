"""Verification codes: unguessable, easy to read aloud, and self-checking.

A code is 16 random symbols of Douglas Crockford's base32 (80 bits from :mod:`secrets`) followed
by Crockford's mod-37 check symbol: 17 characters, stored upper-case without dashes. The check
symbol catches any single mistyped character and any swap of two neighbours, so a typing mistake
is noticed before anything is looked up. Reading is forgiving as Crockford intends: any case,
spaces and dashes ignored, O read as 0, I and L read as 1.

Codes are shown in groups of 4-4-4-5 (``ABCD-EFGH-JKMN-PQRST``): short groups are easy to read
aloud and to type back, and keeping the check symbol inside the last group means it is not
dropped the way a lone trailing character tends to be.
"""

import re
import secrets

from django.urls import reverse

from pathways.lms.core import app_settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# The check symbol is a value from 0 to 36: the 32 symbols, then these five.
CHECK_ALPHABET = ALPHABET + "*~$=U"
DATA_LENGTH = 16
CODE_LENGTH = DATA_LENGTH + 1
GROUPS = (4, 4, 4, 5)

# Far longer than any honest way of writing a code; longer text is not looked at.
_MAX_INPUT_LENGTH = 64
# Spaces (any kind) and dashes (any kind, as pasted from a PDF or a word processor).
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]+")
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _check_symbol(data: str) -> str:
    value = 0
    for symbol in data:
        value = value * 32 + ALPHABET.index(symbol)
    return CHECK_ALPHABET[value % 37]


def new_verification_code() -> str:
    """A fresh code: 16 random symbols and the check symbol, upper-case, no dashes."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return data + _check_symbol(data)


def normalize_code(text: str) -> str | None:
    """The stored form of a code as someone typed it, or None if it cannot be a code.

    None covers every kind of mistake (wrong length, a symbol outside the alphabet, a failed
    check symbol) without saying which: callers treat them all as "not found".
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT_LENGTH:
        return None
    compact = _SEPARATORS.sub("", text)
    if len(compact) != CODE_LENGTH or not compact.isascii():
        return None
    compact = compact.upper().translate(_READ_AS)
    data, check = compact[:DATA_LENGTH], compact[DATA_LENGTH]
    if any(symbol not in ALPHABET for symbol in data) or check not in CHECK_ALPHABET:
        return None
    if _check_symbol(data) != check:
        return None
    return compact


def format_code(code: str) -> str:
    """A code grouped for reading aloud: ``ABCD-EFGH-JKMN-PQRST``.

    Accepts a code in any form :func:`normalize_code` reads; raises ``ValueError`` otherwise.
    """
    normalized = normalize_code(code)
    if normalized is None:
        raise ValueError("Not a verification code.")
    groups, start = [], 0
    for size in GROUPS:
        groups.append(normalized[start : start + size])
        start += size
    return "-".join(groups)


def verification_url(code: str) -> str:
    """The absolute address of a certificate's public verification page (the QR code target)."""
    return app_settings.PATHWAYS_BASE_URL + reverse("verify:code", args=[code])
