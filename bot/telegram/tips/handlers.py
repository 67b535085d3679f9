"""The /tip command, registered by `bot.telegram.tips.register` with the rest of the feature.

/tip is both the resident's way to file a tip (/tip, /tip TEXT) and the officer's way to open
one (/tip T-2026-00042); a resident who names a tip of their own sees its status.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import filters

from bot.telegram.common import Context, actor, chat_id, command_args, guarded, reply, services
from bot.telegram.tips import (
    filing as tips_filing,
)
from bot.telegram.tips import (
    officer as tips_officer,
)
from bot.telegram.tips import (
    texts as tip_texts,
)
from core.tips.rules import TELEGRAM, parse_reference

PRIVATE = filters.ChatType.PRIVATE


def _text_after_command(update: Update) -> str:
    message = update.effective_message
    raw = message.text if message and message.text else ""
    parts = raw.strip().split(None, 1)
    return parts[1] if len(parts) > 1 else ""


@guarded
async def tip_command(update: Update, context: Context) -> None:
    """/tip (guided), /tip TEXT (at once), /tip T-2026-00042 (officers: open it)."""
    args = command_args(context)
    reference = parse_reference(args[0]) if len(args) == 1 else None
    if reference is not None:
        who = await actor(update, context)
        if not who.is_officer:
            mine = await services(context).tips.relay.my_tips(TELEGRAM, str(chat_id(update)))
            wanted = f"T-{reference[0]}-{reference[1]:05d}"
            for tip in mine:
                if tip.reference == wanted:
                    await reply(update, tip_texts.your_tip_status(tip.reference, tip.status))
                    return
        await tips_officer.show_tip(update, context, args[0])
        return
    text = _text_after_command(update)
    if args:
        await tips_filing.file_at_once(update, context, text or " ".join(args))
    else:
        await tips_filing.start_guided(update, context)
