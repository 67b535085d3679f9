"""SMS text: GSM-7/UCS-2 segment arithmetic, HTML to plain text, and the 1600-character body."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.delivery.sms_text import (
    GSM7_BASIC,
    GSM7_EXTENDED,
    SMS_LIMIT,
    gsm_friendly,
    html_to_plain,
    is_gsm7,
    segments,
    sms_body,
    utf16_length,
)
from core.markup import strip_controls

SERVICE = "Stratford Crime Watch"


# ------------------------------------------------------------------------------ segments


def test_the_alphabets_have_the_standard_sizes() -> None:
    assert len(GSM7_BASIC) == 127  # 128 minus the escape
    assert frozenset("\f^{}\\[~]|€") == GSM7_EXTENDED
    assert not GSM7_BASIC & GSM7_EXTENDED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 1),
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 1600, 11),
    ],
)
def test_gsm7_segments(text: str, expected: int) -> None:
    assert is_gsm7(text)
    assert segments(text) == expected


@pytest.mark.parametrize("char", ["€", "[", "]", "{", "}", "~", "^", "|", "\\"])
def test_extension_characters_count_twice(char: str) -> None:
    assert is_gsm7(char)
    assert segments(char * 80) == 1  # 160 septets
    assert segments(char * 80 + "a") == 2  # 161
    assert segments("a" * 159 + char) == 2


def test_an_escape_pair_is_never_split_across_segments() -> None:
    # 152 + 2 + 152 = 306 septets would fit two parts of 153 if the pair could be split.
    assert segments("a" * 152 + "€" + "a" * 152) == 3


@pytest.mark.parametrize("odd", ["😀", "ç", "…", "’", "中"])
def test_one_non_gsm_character_switches_the_whole_text_to_ucs2(odd: str) -> None:
    assert not is_gsm7("a" * 100 + odd)
    units = utf16_length(odd)
    assert segments(odd + "a" * (70 - units)) == 1
    assert segments(odd + "a" * (71 - units)) == 2


def test_ucs2_concatenated_parts_hold_67_code_units() -> None:
    assert segments("ç" * 134) == 2
    assert segments("ç" * 135) == 3


def test_emoji_count_two_utf16_units_and_are_never_split() -> None:
    assert segments("😀" * 35) == 1
    assert segments("😀" * 35 + "a") == 2
    # 66 + 2 + 66 = 134 units = two parts of 67, but the pair must move whole to part two.
    assert segments("ç" * 66 + "😀" + "ç" * 66) == 3


def test_accented_letters_in_the_gsm_table_stay_gsm7() -> None:
    assert is_gsm7("Café Ñoño Øresund ÄÖÜ äöü ß @£$¥ ¿¡ §")
    assert not is_gsm7("ç")  # only the capital Ç is in the table
    assert not is_gsm7("ú")  # ù is, ú is not


# ------------------------------------------------------------------------------ HTML


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        (
            "<b>Scam alert</b>: <i>callers</i> <u>pose</u> as <s>utility</s> staff",
            "Scam alert: callers pose as utility staff",
        ),
        ("Fish &amp; chips &lt;3 &gt; &quot;quoted&quot;", 'Fish & chips <3 > "quoted"'),
        ("&#8364;5 &#x27;tips&#x27; &#169;", "€5 'tips' ©"),
        (
            '<a href="https://stratford.example/alerts">details</a> here',
            "details (https://stratford.example/alerts) here",
        ),
        (
            '<a href="https://stratford.example/">https://stratford.example/</a>',
            "https://stratford.example/",
        ),
        ('<a href="tg://user?id=123">Officer Lee</a> says', "Officer Lee says"),
        (
            '<a href="mailto:cpu@stratford.example">cpu@stratford.example</a>',
            "cpu@stratford.example",
        ),
        ("<code>OAKPARK</code> and <pre>a  b</pre>", "OAKPARK and\na  b"),
        ('<span class="tg-spoiler">hidden</span> <tg-spoiler>too</tg-spoiler>', "hidden too"),
        ("Intro<blockquote>Quoted words</blockquote>After", "Intro\nQuoted words\nAfter"),
        ("Line one\n\n\n\nLine two  \n", "Line one\n\nLine two"),
    ],
)
def test_html_to_plain(html: str, plain: str) -> None:
    assert html_to_plain(html) == plain


def test_html_to_plain_undoes_html_escape_of_user_text() -> None:
    import html

    typed = 'Suspicious van <white> & "no plates" at 5 Elm St'
    assert html_to_plain(f"<b>Tip</b>: {html.escape(typed)}") == f"Tip: {typed}"


# ------------------------------------------------------------------------------ the body


def test_sms_body_names_the_sender() -> None:
    assert sms_body(SERVICE, "  Meeting Tue 7 PM  ") == "Stratford Crime Watch: Meeting Tue 7 PM"


def test_sms_body_turns_smart_punctuation_into_gsm7() -> None:
    body = sms_body(SERVICE, "Don’t open the door – it’s a “utility” scam…")
    assert body == "Stratford Crime Watch: Don't open the door - it's a \"utility\" scam..."
    assert is_gsm7(body)
    assert gsm_friendly("a\u00a0b\u200bc") == "a bc"


def test_a_body_that_fits_exactly_is_not_cut() -> None:
    text = "x" * (SMS_LIMIT - len(SERVICE) - 2)
    body = sms_body(SERVICE, text)
    assert len(body) == SMS_LIMIT
    assert body.endswith("x")


def test_a_long_gsm7_body_is_cut_on_a_word_and_stays_gsm7() -> None:
    words = " ".join(f"word{i:04d}" for i in range(400))  # 3599 characters
    body = sms_body(SERVICE, words)
    assert len(body) <= SMS_LIMIT
    assert body.startswith("Stratford Crime Watch: word0000 ")
    assert body.endswith("...")
    assert body[:-3].split(" ")[-1].startswith("word") and len(body[:-3].split(" ")[-1]) == 8
    assert is_gsm7(body)  # "…" would have made it UCS-2: 24 segments instead of 11
    assert segments(body) == 11


def test_a_long_unicode_body_ends_with_an_ellipsis_character() -> None:
    text = ("Café 中文 " * 400).strip()
    body = sms_body(SERVICE, text)
    assert utf16_length(body) <= SMS_LIMIT
    assert body.endswith("…")
    assert not body[:-1].endswith(" ")


def test_emoji_count_as_two_towards_the_limit() -> None:
    body = sms_body(SERVICE, "🚨 " * 1000)
    assert utf16_length(body) <= SMS_LIMIT
    assert body.endswith("…")


def test_a_single_overlong_word_is_cut_hard() -> None:
    body = sms_body(SERVICE, "x" * 5000, limit=100)
    assert len(body) == 100
    assert body.endswith("...")


def test_sms_body_limit_must_be_sane() -> None:
    with pytest.raises(ValueError):
        sms_body(SERVICE, "hello", limit=3)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_fast_paths_agree_with_the_character_by_character_rules(text: str) -> None:
    """strip_controls and utf16_length check the common case in C; any text gives what the
    character-by-character rules give."""
    kept = "".join(
        ch
        for ch in text
        if ch in "\n\t" or ch == "\u200d" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    assert strip_controls(text) == kept
    assert utf16_length(text) == sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
