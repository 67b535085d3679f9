"""Operation Identification: each member's private register of valuables (item, make, model,
serial number, the marking applied, estimated value, up to three photos, notes), the Operation
ID number the service issues them to engrave on their things, the window decal, the PDF and
CSV exports, and reporting items stolen (/stolen), which files a tip for officers.

- `rules`: fields, limits, checks, estimated values, Operation ID numbers.
- `register`: the member's side: their number, items, exports, stolen reports, /forget.
- `messages`: an item's lines, the stolen report's tip text, the CSV, the PDF, the decal.

Nobody but the member sees the register: officers learn of an item (its serial too) only from
the tip its owner files by reporting it stolen. /forget deletes the register and the number.
"""

from __future__ import annotations

from core.property.register import PropertyRegister, Register, erase_member_in
from core.shared import Shared
from core.tips import Tips
from storage.property.records import ItemRecord

__all__ = ["ItemRecord", "Property", "Register"]


class Property:
    """The Operation Identification feature."""

    def __init__(self, shared: Shared, tips: Tips) -> None:
        self.register = PropertyRegister(shared, tips)
        shared.erasure.register("property", erase_member_in)
