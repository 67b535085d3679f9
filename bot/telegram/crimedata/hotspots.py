"""/hotspots in Telegram (officers): the busiest grid cells of a period against the one before,
with what rose more than chance, then the map and a CSV of every cell."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.telegram.common import Context, actor, command_args, guarded, reply, services
from core.crimedata import hotspot_messages as messages


@guarded
async def hotspots_command(update: Update, context: Context) -> None:
    """/hotspots [type] [days]."""
    svc = services(context)
    who = await actor(update, context)
    report = await svc.hotspots.report_for(who, command_args(context))
    await reply(update, messages.report_text(report))
    if report.data_until is None or report.too_few:
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_photo(
        photo=InputFile(svc.hotspots.chart(report), filename="hotspots.png"),
        caption=messages.chart_caption(report),
    )
    await chat.send_document(
        document=InputFile(svc.hotspots.csv(report), filename="hotspots.csv"),
        caption=messages.csv_caption(report),
    )
