from django.urls import reverse

import pytest

from pathways.certificates.issuance.codes import (
    ALPHABET,
    CHECK_ALPHABET,
    CODE_LENGTH,
    format_code,
    new_verification_code,
    normalize_code,
    verification_url,
)


def test_new_code_is_sixteen_symbols_and_a_check_symbol():
    code = new_verification_code()
    assert len(code) == CODE_LENGTH == 17
    assert all(symbol in ALPHABET for symbol in code[:16])
    assert code[16] in CHECK_ALPHABET
    assert code == code.upper() and "-" not in code


def test_new_codes_are_random():
    assert len({new_verification_code() for _ in range(500)}) == 500


def test_code_round_trips_through_its_printed_form():
    for _ in range(200):
        code = new_verification_code()
        printed = format_code(code)
        assert normalize_code(printed) == code
        assert normalize_code(printed.lower()) == code
        assert normalize_code(" ".join(printed.split("-"))) == code


def test_printed_form_is_grouped_four_four_four_five():
    code = new_verification_code()
    assert [len(group) for group in format_code(code).split("-")] == [4, 4, 4, 5]
    assert format_code(code).replace("-", "") == code


def test_check_symbol_catches_every_single_character_change():
    for _ in range(20):
        code = new_verification_code()
        for position in range(CODE_LENGTH):
            alphabet = ALPHABET if position < 16 else CHECK_ALPHABET
            for symbol in alphabet:
                if symbol == code[position]:
                    continue
                changed = code[:position] + symbol + code[position + 1 :]
                assert normalize_code(changed) is None, (code, changed)


def test_check_symbol_catches_swapped_neighbours():
    for _ in range(50):
        code = new_verification_code()
        for position in range(16):
            if code[position] == code[position + 1]:
                continue
            swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
            assert normalize_code(swapped) is None


def test_reading_is_forgiving_as_crockford_says():
    code = new_verification_code()
    sloppy = code.replace("0", "o").replace("1", "l").lower()
    assert normalize_code(sloppy) == code
    assert normalize_code(code.replace("1", "I")) == code
    # Dashes pasted from a word processor, and any spacing.
    assert normalize_code("\u2013".join(format_code(code).split("-"))) == code
    assert normalize_code(f"  {code[:5]} \t{code[5:]}\n") == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ABC",
        "0123456789ABCDEF",  # no check symbol
        "0123456789ABCDEFGH",  # one too many
        "0123456789ABCDEU0",  # U is only a check symbol
        "0123456789ABCD!F0",
        "０１２３４５６７８９ＡＢＣＤＥＦ０",  # full-width digits are not ASCII
        "A" * 10_000,
        None,
        12345,
    ],
)
def test_malformed_text_is_not_a_code(text):
    assert normalize_code(text) is None


def test_format_code_refuses_what_is_not_a_code():
    with pytest.raises(ValueError):
        format_code("not a code")


def test_verification_url_is_absolute(settings):
    settings.PATHWAYS_BASE_URL = "https://learn.example.org"
    code = new_verification_code()
    assert verification_url(code) == "https://learn.example.org" + reverse(
        "verify:code", args=[code]
    )
