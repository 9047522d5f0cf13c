"""The text and address rules (scc.text, scc.addresses), pure: which characters are refused, and
when two addresses are one."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from scc import addresses, text


@pytest.mark.parametrize(
    "value",
    [
        "Ada\u202egnp.exe",  # right-to-left override
        "Ada\u2066x\u2069",  # isolates
        "A\u200bda",  # zero-width space
        "\ufeffAda",  # byte-order mark
        "Ada\u00ad",  # soft hyphen
        "Ada\x00",
        "Ada\x1b[31m",
        "Ada\ue000",  # private use
        "Ada\u0378",  # unassigned
        "\u200dAda",  # a joiner with nothing to join
    ],
)
def test_invisible_and_control_characters_are_refused(value):
    with pytest.raises(ValidationError, match="U\\+"):
        text.check_text(value)


@pytest.mark.parametrize(
    "value",
    ["Ada Lovelace", "Zoë Ångström", "Ольга", "山田太郎", "مهدی\u200cزاده", "👩\u200d🚀 crew", "O'Brien-Smith (Jr.)"],
)
def test_names_in_any_script_pass(value):
    assert text.check_text(value) == value


def test_multiline_text_keeps_line_feeds_and_tabs_and_one_line_text_folds_white_space():
    assert text.check_text("Line 1\n\tLine 2", multiline=True) == "Line 1\n\tLine 2"
    with pytest.raises(ValidationError):
        text.check_text("Line 1\u2028Line 2", multiline=True)
    assert text.one_line("  Ada \n\u2028 Lovelace ") == "Ada Lovelace"


@settings(max_examples=300, derandomize=True)
@given(st.text(max_size=20))
def test_what_passes_has_no_refused_character(value):
    try:
        text.check_text(value)
    except ValidationError:
        return
    assert not any(
        ch in ("\u202e", "\u200b", "\ufeff", "\x00") or (ch.isspace() is False and ord(ch) < 32) for ch in value
    )


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("ada@example.com", "ada@example.com"),
        ("  ADA@Example.COM ", "ada@example.com"),
        ("ａｄａ@ｅｘａｍｐｌｅ.ｃｏｍ", "ada@example.com"),  # fullwidth: NFKC
        ("a\u200bda@example.com", "ada@example.com"),  # zero-width space
        ("ada@example.com\u202e", "ada@example.com"),
        ("ada@BÜCHER.example", "ada@xn--bcher-kva.example"),
    ],
)
def test_one_address_has_one_key(typed, key):
    assert addresses.address_key(typed) == key


@pytest.mark.parametrize(
    "typed",
    [
        "a@x.com, b@y.com",
        "a@x.com;b@y.com",
        "Ada <ada@x.com>",
        "a@x.com b@y.com",
        "ada",
        "@x.com",
        "",
        "\u200b",
        "a@@x.com",
    ],
)
def test_anything_but_exactly_one_mailbox_is_refused(typed):
    with pytest.raises(addresses.NotOneAddress):
        addresses.clean_address(typed)


def test_keys_stored_by_the_old_rule_still_match():
    old = " Ada@Bücher.example".strip().lower()  # what strip + lower stored
    assert old != addresses.address_key("ada@bücher.example")
    assert addresses.same_key(old, addresses.address_key("ADA@bücher.example"))
    assert addresses.same_key("ada@example.com", addresses.address_key("Ada@Example.com"))
    assert not addresses.same_key("not an address", addresses.address_key("ada@example.com"))
