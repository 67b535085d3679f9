"""Image files made byte by byte for the photo tests."""

from __future__ import annotations


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    """A JPEG marker segment: 0xFF, the marker, the length, the payload."""
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload
