"""SMS encoding and segment counting (GSM 03.38 and UCS-2), pure functions.

A message is sent in GSM-7 when every character is in the GSM 03.38 basic table or its extension
table (extension characters take two septets: an escape plus the character); one character
outside both switches the whole message to UCS-2. A single segment holds 160 septets or 70 UTF-16
code units; a concatenated message loses room to its header and holds 153 or 67 per segment.
Characters are packed the way handsets and Twilio pack them: an escape pair or a surrogate pair
is never split across two segments.
"""

from __future__ import annotations

GSM7_SINGLE = 160
GSM7_PER_PART = 153
UCS2_SINGLE = 70
UCS2_PER_PART = 67

# The GSM 03.38 basic character table, without the escape (0x1B) that introduces the extension.
GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets.
GSM7_EXTENDED: frozenset[str] = frozenset("\f^{}\\[~]|€")


def is_gsm7(text: str) -> bool:
    """Whether the whole text can be sent in the GSM-7 alphabet."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def _units(text: str) -> list[int]:
    """The size of each character in the encoding the text will use."""
    if is_gsm7(text):
        return [2 if ch in GSM7_EXTENDED else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]  # UTF-16 code units


def segments(text: str) -> int:
    """How many SMS segments the text takes; an empty text counts as one (it still costs one)."""
    gsm = is_gsm7(text)
    units = _units(text)
    single, per_part = (GSM7_SINGLE, GSM7_PER_PART) if gsm else (UCS2_SINGLE, UCS2_PER_PART)
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for size in units:
        if used + size > per_part:  # an escape or surrogate pair moves whole to the next part
            count += 1
            used = 0
        used += size
    return count


def encoding(text: str) -> str:
    """'GSM-7' or 'UCS-2': the encoding the text will be sent in."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"
