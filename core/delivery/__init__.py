"""Delivery: the outbox, the paced worker that drains it, SMS texts and the SMS keyword face's
rules, delivery reports, and how each member wants to be reached.

Other features use this face: they queue `Message`s through the `Outbox` in their own
transaction, and read a member's quiet hours and topics.
"""

from __future__ import annotations

from core.delivery.outbox import (
    SMS,
    TELEGRAM,
    Attachment,
    Buttons,
    Message,
    Outbox,
    Queued,
    sms_rendering,
)
from core.delivery.preferences import CATEGORIES, quiet_until
from core.delivery.sms_inbound import Overheard, SmsKeywords
from core.delivery.sms_text import segments

__all__ = [
    "CATEGORIES",
    "SMS",
    "TELEGRAM",
    "Attachment",
    "Buttons",
    "Message",
    "Outbox",
    "Overheard",
    "Queued",
    "SmsKeywords",
    "quiet_until",
    "segments",
    "sms_rendering",
]
