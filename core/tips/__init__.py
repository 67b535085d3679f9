"""Tips: non-emergency tips from residents, anonymous if they wish, and officers' triage.

- `rules`: what every part shares: limits, references, sources, drafts, telling officers.
- `filing`: filing a tip (guided or at once, Telegram or SMS), adding details, limits.
- `relay`: the anonymous two-way relay seen from the tipster's side, /mytips, /forget.
- `triage`: officers' list, view, claim, reply, close and spam, and the digest.
- `messages`: what those send through the outbox, and the SMS replies.

Anonymous means anonymous: an anonymous tip's row holds no member id, chat id, phone or name,
nothing here logs an address, and no audit line records who filed, amended or answered a tip.
"""

from __future__ import annotations

from core.members import OfficerService
from core.shared import Shared
from core.tips.filing import TipFiling
from core.tips.relay import TipRelay, erase_member_in
from core.tips.rules import Filed, Source, TipDraft
from core.tips.triage import TipTriage

__all__ = ["Filed", "Source", "TipDraft", "Tips"]


class Tips:
    """The tips feature: filing, the tipster's side of the relay, and officers' triage."""

    def __init__(self, shared: Shared, officers: OfficerService) -> None:
        self.filing = TipFiling(shared, officers)
        self.relay = TipRelay(shared, officers, self.filing)
        self.triage = TipTriage(shared, officers)
        shared.erasure.register("tips", erase_member_in)
        shared.sms_keywords.register_keyword(
            "TIP", self.relay.text_tip, offer="text TIP and what you saw to send a tip"
        )
        shared.sms_keywords.register_thread(self.relay.text_message)
