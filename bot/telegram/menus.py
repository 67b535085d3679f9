"""Each role's command menu: the default scope for residents, a per-chat scope for the others."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.telegram import texts
from core.permissions import Actor
from core.services import Services

log = logging.getLogger(__name__)


def commands_for(actor: Actor | None) -> list[BotCommand]:
    """The menu for an actor's roles (residents' menu for None)."""
    pairs = list(texts.HELP_RESIDENT)
    if actor is not None and actor.leads is not None and not actor.is_officer:
        pairs += texts.HELP_LEADER
    if actor is not None and actor.is_officer:
        pairs += texts.HELP_OFFICER
    unique = dict(pairs)  # an officer's /pending and /members replace the leader's wording
    return [BotCommand(c, d) for c, d in unique.items()]


async def set_default_menu(bot: Bot) -> None:
    """The residents' menu, shown to everyone without a role."""
    await bot.set_my_commands(commands_for(None), scope=BotCommandScopeDefault())


async def refresh_menu(bot: Bot, services: Services, telegram_user_id: int) -> None:
    """Show a user the menu of the roles they hold now (private chat id == user id)."""
    actor = await services.access.actor(telegram_user_id)
    scope = BotCommandScopeChat(chat_id=telegram_user_id)
    try:
        if actor.is_officer or actor.leads is not None:
            await bot.set_my_commands(commands_for(actor), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as error:
        # A user who never opened the bot has no chat yet; the menu is set when they do.
        log.info("menu not refreshed for a user: %s", error.message)


async def refresh_all_menus(bot: Bot, services: Services) -> None:
    """At start-up: the default menu, and every officer's and leader's own menu."""
    await set_default_menu(bot)
    user_ids = {o.telegram_user_id for o in await services.officers.all()}
    user_ids.update(await services.groups.leader_user_ids())
    for uid in sorted(user_ids):
        await refresh_menu(bot, services, uid)
