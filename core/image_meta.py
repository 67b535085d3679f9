"""Removing metadata (EXIF with GPS position and camera serial, XMP, IPTC, comments) from
JPEG and PNG files, without decoding the picture.

A photo sent to Telegram as a photo is re-encoded and loses its metadata; one sent as a file
keeps every byte. Tips accept image files only after this strips them, so a tip's photos never
say where or with what device they were taken.
"""

from __future__ import annotations

from core.errors import InvalidInput

JPEG_MIME = "image/jpeg"
PNG_MIME = "image/png"
STRIPPABLE = frozenset({JPEG_MIME, PNG_MIME})

_JPEG_SOI = b"\xff\xd8"
_JPEG_SOS = 0xDA
_JPEG_EOI = 0xD9
# APP0 (JFIF) and APP14 (Adobe colour transform) describe the picture, not its origin; every
# other APPn (EXIF/XMP in APP1, ICC in APP2, IPTC in APP13, maker data) and COM are dropped.
_JPEG_KEEP_APP = frozenset({0xE0, 0xEE})
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROP = frozenset({b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"})

BROKEN = "That image file looks damaged. Please send it as a photo instead."

PHOTO_MAX_BYTES = 10 * 1024 * 1024


def check_photo(file_size: int | None, mime_type: str | None, *, skippable: bool) -> None:
    """A photo or image file of at most 10 MB; anything else is refused with the reason (and,
    where the photo is optional, the way to skip it)."""
    if mime_type is not None and not mime_type.lower().startswith("image/"):
        retry = "Please send a photo, or press Skip." if skippable else "Please send photos only."
        raise InvalidInput(f"That file is not an image. {retry}")
    if file_size is not None and file_size > PHOTO_MAX_BYTES:
        size = file_size / (1024 * 1024)
        raise InvalidInput(
            f"That photo is {size:.1f} MB; the limit is {PHOTO_MAX_BYTES // (1024 * 1024)} MB. "
            f"Please send a smaller one{', or press Skip' if skippable else ''}."
        )


def strip_metadata(data: bytes, mime_type: str) -> bytes:
    """The image without its metadata; InvalidInput for a damaged or unsupported file."""
    kind = mime_type.lower()
    if kind == JPEG_MIME:
        return strip_jpeg(data)
    if kind == PNG_MIME:
        return strip_png(data)
    raise InvalidInput("Please send this picture as a photo, not as a file.")


def strip_jpeg(data: bytes) -> bytes:
    """A JPEG without APPn segments (except JFIF and Adobe) and comments."""
    if not data.startswith(_JPEG_SOI):
        raise InvalidInput(BROKEN)
    out = bytearray(_JPEG_SOI)
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            raise InvalidInput(BROKEN)
        marker = data[i + 1] if i + 1 < len(data) else None
        if marker is None:
            raise InvalidInput(BROKEN)
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _JPEG_STANDALONE:
            out += data[i : i + 2]
            i += 2
            continue
        if marker == _JPEG_EOI:
            out += data[i : i + 2]
            return bytes(out)
        if i + 4 > len(data):
            raise InvalidInput(BROKEN)
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        end = i + 2 + length
        if length < 2 or end > len(data):
            raise InvalidInput(BROKEN)
        if marker == _JPEG_SOS:  # entropy-coded data follows: keep the rest as it is
            out += data[i:]
            return bytes(out)
        dropped = (0xE0 <= marker <= 0xEF and marker not in _JPEG_KEEP_APP) or marker == 0xFE
        if not dropped:
            out += data[i:end]
        i = end
    raise InvalidInput(BROKEN)


def strip_png(data: bytes) -> bytes:
    """A PNG without text, EXIF and time chunks."""
    if not data.startswith(_PNG_SIGNATURE):
        raise InvalidInput(BROKEN)
    out = bytearray(_PNG_SIGNATURE)
    i = len(_PNG_SIGNATURE)
    while i < len(data):
        if i + 8 > len(data):
            raise InvalidInput(BROKEN)
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        end = i + 12 + length  # length, type, data, CRC
        if end > len(data):
            raise InvalidInput(BROKEN)
        if kind not in _PNG_DROP:
            out += data[i:end]
        i = end
        if kind == b"IEND":
            return bytes(out)
    raise InvalidInput(BROKEN)
