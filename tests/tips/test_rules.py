"""The tips feature's pure rules: the emergency matcher, references, checks, and metadata
stripping of image files."""

from __future__ import annotations

import zlib

import pytest

from core.emergency import emergency_terms, suggests_emergency
from core.errors import InvalidInput
from core.image_meta import strip_jpeg, strip_metadata, strip_png
from core.tips.rules import (
    check_photo,
    clean_location,
    clean_tip_text,
    find_references,
    new_alias,
    new_token,
    parse_reference,
    rate_key,
)
from tests.support.images import jpeg_segment


@pytest.mark.parametrize(
    "text",
    [
        "Someone is breaking in next door",
        "there's a guy with a GUN outside the store",
        "Shots fired on Elm",
        "he has a knife",
        "The garage is on fire",
        "I can see smoke coming from the roof",
        "my neighbor is injured and bleeding",
        "a man is unconscious on the sidewalk",
        "It's happening now!",
        "they are in my house right now",
        "Break-in in progress at 12 Oak",
        "a woman being attacked in the park",
        "kid was hit by a car",
        "please help me",
    ],
)
def test_emergencies_are_spotted(text: str) -> None:
    assert suggests_emergency(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Mailbox knocked over last night, nobody was hurt",
        "No one was injured",
        "A car has been parked on Elm for a week",
        "Someone keeps leaving fireworks wrappers in the park",
        "Graffiti on the bus shelter",
        "He was not armed as far as I could tell",
        "Screenshot of the scam text attached",
        "They smoke weed by the bleachers",
        "",
    ],
)
def test_routine_reports_are_not_flagged(text: str) -> None:
    assert not suggests_emergency(text), emergency_terms(text)


def test_terms_are_named_once_in_order() -> None:
    assert emergency_terms("A GUN! a gun, and the shed is on fire") == ["gun", "on fire"]


def test_references() -> None:
    assert parse_reference("T-2026-00042") == (2026, 42)
    assert parse_reference(" t-2026-42 ") == (2026, 42)
    assert parse_reference("T-26-42") is None and parse_reference("2026-42") is None
    assert find_references("T-2026-00001 and T-2026-1 and T-2026-00002") == [
        (2026, 1),
        (2026, 2),
    ]


def test_tip_text_checks() -> None:
    assert clean_tip_text("  Blue car\n\n  parked  ") == "Blue car\n\n parked"
    with pytest.raises(InvalidInput, match="empty"):
        clean_tip_text(" \t\u200b ")
    assert clean_tip_text("x" * 4000) == "x" * 4000
    with pytest.raises(InvalidInput, match="4001 characters long; the limit is 4000"):
        clean_tip_text("x" * 4001)


def test_photo_checks() -> None:
    check_photo(10 * 1024 * 1024, "image/jpeg")
    check_photo(None, None)
    with pytest.raises(InvalidInput, match="limit is 10 MB"):
        check_photo(10 * 1024 * 1024 + 1, None)
    with pytest.raises(InvalidInput, match="not an image"):
        check_photo(1000, "application/pdf")


def test_locations_are_rounded_to_about_ten_metres() -> None:
    assert clean_location(41.123456, -73.987654) == (41.1235, -73.9877)
    with pytest.raises(InvalidInput):
        clean_location(91, 0)


def test_aliases_tokens_and_rate_keys() -> None:
    assert new_alias().startswith("Tipster ") and len(new_alias()) == 12
    assert len(new_token()) <= 24 and new_token() != new_token()
    key = rate_key("secret", "sms", "+12035550142")
    assert len(key) == 64 and "2035550142" not in key
    assert (
        key == rate_key("secret", "sms", "+12035550142") != rate_key("other", "sms", "+12035550142")
    )


def test_jpeg_metadata_is_dropped_and_the_picture_kept() -> None:
    jpeg = (
        b"\xff\xd8"
        + jpeg_segment(0xE0, b"JFIF\x00\x01\x02")
        + jpeg_segment(0xE1, b"Exif\x00\x00GPSLatitude")
        + jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/ <x:xmpmeta/>")
        + jpeg_segment(0xE2, b"ICC_PROFILE")
        + jpeg_segment(0xED, b"Photoshop 3.0 IPTC")
        + jpeg_segment(0xFE, b"taken by Zelda")
        + jpeg_segment(0xEE, b"Adobe")
        + jpeg_segment(0xDB, b"\x00" * 65)
        + jpeg_segment(0xC0, b"\x08\x00\x10\x00\x10\x01\x01\x11\x00")
        + jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x12\x34\xff\x00\x56\xff\xd9"
    )
    stripped = strip_jpeg(jpeg)
    for secret in (b"Exif", b"xmpmeta", b"ICC_PROFILE", b"IPTC", b"Zelda"):
        assert secret not in stripped
    assert b"JFIF" in stripped and b"Adobe" in stripped
    assert stripped.endswith(b"\x12\x34\xff\x00\x56\xff\xd9")
    assert strip_metadata(jpeg, "IMAGE/JPEG") == stripped


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data).to_bytes(4, "big")
    return len(data).to_bytes(4, "big") + kind + data + crc


def test_png_text_exif_and_time_chunks_are_dropped() -> None:
    png = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", b"\x00" * 13)
        + _chunk(b"tEXt", b"Author\x00Zelda")
        + _chunk(b"eXIf", b"MM\x00*GPS")
        + _chunk(b"tIME", b"\x07\xea\x0c\x01\x0a\x00\x00")
        + _chunk(b"IDAT", b"pixels")
        + _chunk(b"IEND", b"")
    )
    stripped = strip_png(png)
    assert b"Zelda" not in stripped and b"GPS" not in stripped and b"tIME" not in stripped
    assert b"IHDR" in stripped and b"IDAT" in stripped and stripped.endswith(_chunk(b"IEND", b""))


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"not a jpeg", "image/jpeg"),
        (b"\xff\xd8\xff\xe1\x00\xff", "image/jpeg"),  # a segment longer than the file
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x05IHDR", "image/png"),
        (b"GIF89a", "image/gif"),
    ],
)
def test_damaged_or_other_files_are_refused(data: bytes, mime: str) -> None:
    with pytest.raises(InvalidInput):
        strip_metadata(data, mime)
