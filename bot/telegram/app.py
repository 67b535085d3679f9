"""The python-telegram-bot Application: the bookkeeping and group-chat guard first, then every
feature's `register()`, then the fallbacks for what no feature took."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.telegram import (
    alerts,
    audit,
    checkins,
    cpted,
    crimedata,
    elections,
    fallback,
    groups,
    meetings,
    members,
    news,
    partners,
    property,
    router,
    surveys,
    talks,
    texts,
    tips,
    vacation,
    victims,
)
from bot.telegram.common import Context, reply
from core.services import Services

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE

# Each feature adds its commands, buttons and flows; they run before the catch-alls for
# unknown commands, buttons and free text.
FEATURES: tuple[Callable[[Application[Any, Any, Any, Any, Any, Any]], None], ...] = (
    members.register,
    groups.register,
    alerts.register,
    audit.register,
    tips.register,
    elections.register,
    meetings.register,
    vacation.register,
    news.register,
    cpted.register,
    partners.register,
    surveys.register,
    property.register,
    talks.register,
    victims.register,
    checkins.register,
    crimedata.register,
)


def build_application(
    services: Services,
    token: str,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    updater: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the Application with every handler; `request` lets tests plug in a fake Bot API."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{services.settings.telegram_api_url}/bot")
        .base_file_url(f"{services.settings.telegram_api_url}/file/bot")
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["services"] = services
    add_handlers(application)
    return application


def add_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register every handler (groups: -2 bookkeeping, -1 group chats, 0 the commands)."""
    application.add_handler(TypeHandler(Update, fallback.touch), group=-2)
    application.add_handler(MessageHandler(filters.ChatType.GROUPS, fallback.group_chat), group=-1)

    for register in FEATURES:
        register(application)
    application.add_handler(CallbackQueryHandler(fallback.unknown_button))

    application.add_handler(
        MessageHandler(router.NEW_PRIVATE & filters.COMMAND, fallback.unknown_command)
    )
    application.add_handler(
        MessageHandler(router.NEW_PRIVATE & ~filters.COMMAND, fallback.private_message)
    )
    application.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, fallback.edited_message)
    )
    application.add_error_handler(on_error)


async def on_error(update: object, context: Context) -> None:
    """Log an unexpected error (type and place only: no user data) and apologise."""
    error = context.error
    log.error(
        "handler failed: %s",
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await reply(update, texts.SOMETHING_WENT_WRONG)
        except Exception:
            log.warning("could not send the apology either")
