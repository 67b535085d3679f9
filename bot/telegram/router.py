"""The registries features plug into, kept with each Application: the stored flows they
continue, the deep links they open, and what they offer to delete on /forget; and
`add_feature`, which adds a feature's commands, buttons and flows in one call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.telegram.common import Context

# A flow's step handler: (update, context, step, data) for a message in that flow.
StepHandler = Callable[[Update, Context, str, dict[str, Any]], Awaitable[None]]
# What /forget offers someone who never registered (a feature's links to this chat); True when
# it made an offer.
ForgetOffer = Callable[[Update, Context], Awaitable[bool]]
# A line for /forget's question about what else it means, or None.
ForgetWarning = Callable[[Update, Context], Awaitable[str | None]]
# Answers free text that suggests an emergency: 911 first, then a way to the police.
EmergencyOffer = Callable[[Update, Context, str], Awaitable[None]]
# May take free text outside any flow (an answer to officers, say); True when it did.
FreeText = Callable[[Update, Context], Awaitable[bool]]
# Opens a deep link (https://t.me/<bot>?start=<payload>) with the payload after its prefix.
DeepLink = Callable[[Update, Context, str], Awaitable[None]]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]

PRIVATE = filters.ChatType.PRIVATE
# Commands and replies act on new messages only: python-telegram-bot's handlers accept edited
# messages by default, and an edited "/tip ..." would file the tip again.
NEW_PRIVATE = PRIVATE & filters.UpdateType.MESSAGE


@dataclass
class Registry:
    """What the features of one Application registered."""

    flows: dict[str, StepHandler] = field(default_factory=dict)
    # The feature that owns a payload's prefix opens it with the rest ("join-OAKPARK" -> the
    # groups feature joins OAKPARK), after /start has registered the person if need be.
    deep_links: dict[str, DeepLink] = field(default_factory=dict)
    # Prefixes whose links open before (and without) registration: a crime victim's invite.
    open_to_anyone: set[str] = field(default_factory=set)
    forget_offers: list[ForgetOffer] = field(default_factory=list)
    # What /forget's question adds for a feature (officers can no longer ask about open tips).
    forget_warnings: list[ForgetWarning] = field(default_factory=list)
    # Flows whose free text is a message being written (an alert, a tip, a reply to officers):
    # their features check it for emergencies themselves, in their own words.
    composing: set[str] = field(default_factory=set)
    emergency_offer: EmergencyOffer | None = None
    free_text: list[FreeText] = field(default_factory=list)


def registry(application: AnyApplication) -> Registry:
    """The Application's registry (made on first use)."""
    found = application.bot_data.get("registry")
    if not isinstance(found, Registry):
        found = application.bot_data["registry"] = Registry()
    return found


def register_flow(application: AnyApplication, name: str, handler: StepHandler) -> None:
    """Let a feature continue its own stored flow when a message arrives."""
    registry(application).flows[name] = handler


def register_deep_link(
    application: AnyApplication, prefix: str, opener: DeepLink, *, anyone: bool = False
) -> None:
    """Let a feature open the deep links it owns (`join-` opens a group's join); with
    `anyone`, the link opens for people who never registered, without asking them to."""
    registry(application).deep_links[prefix] = opener
    if anyone:
        registry(application).open_to_anyone.add(prefix)


def register_forget_offer(application: AnyApplication, offer: ForgetOffer) -> None:
    """Let a feature offer to delete what it holds about a chat that never registered."""
    registry(application).forget_offers.append(offer)


def register_forget_warning(application: AnyApplication, warning: ForgetWarning) -> None:
    """Let a feature say what /forget also means for it."""
    registry(application).forget_warnings.append(warning)


async def forget_warnings(update: Update, context: Context) -> list[str]:
    """The features' lines for /forget's question."""
    lines = []
    for warning in registry(context.application).forget_warnings:
        line = await warning(update, context)
        if line:
            lines.append(line)
    return lines


def register_emergency_offer(application: AnyApplication, offer: EmergencyOffer) -> None:
    """Let the feature that takes reports answer free text that suggests an emergency."""
    registry(application).emergency_offer = offer


def register_free_text(application: AnyApplication, taker: FreeText) -> None:
    """Let a feature take free text sent outside any flow, before the bot says it did not
    understand."""
    registry(application).free_text.append(taker)


async def take_free_text(update: Update, context: Context) -> bool:
    """Offer free text outside any flow to the features; False when none took it."""
    for taker in registry(context.application).free_text:
        if await taker(update, context):
            return True
    return False


def emergency_offer(context: Context) -> EmergencyOffer | None:
    """What answers free text that suggests an emergency, if a feature registered it."""
    return registry(context.application).emergency_offer


def is_composing(context: Context, flow: str) -> bool:
    """Whether a flow's free text is a message being written, checked by its own feature."""
    return flow in registry(context.application).composing


def _deep_link(context: Context, payload: str) -> tuple[DeepLink, str] | None:
    for prefix, opener in registry(context.application).deep_links.items():
        if payload.startswith(prefix) and len(payload) > len(prefix):
            return opener, payload[len(prefix) :]
    return None


def opens_for_anyone(context: Context, payload: str) -> bool:
    """Whether a /start payload is a deep link that opens without registration."""
    return any(
        payload.startswith(prefix) and len(payload) > len(prefix)
        for prefix in registry(context.application).open_to_anyone
    )


def is_deep_link(context: Context, payload: str) -> bool:
    """Whether a /start payload is a deep link some feature opens."""
    return _deep_link(context, payload) is not None


async def open_deep_link(update: Update, context: Context, payload: str) -> bool:
    """Open a deep link for a registered person; False when no feature owns it."""
    found = _deep_link(context, payload)
    if found is None:
        return False
    opener, argument = found
    await opener(update, context, argument)
    return True


async def offer_forget(update: Update, context: Context) -> bool:
    """/forget from someone who never registered: the features' offers; False when none."""
    for offer in registry(context.application).forget_offers:
        if await offer(update, context):
            return True
    return False


def step_handler(context: Context, flow: str) -> StepHandler | None:
    """The handler that continues a stored flow, if a feature registered one."""
    return registry(context.application).flows.get(flow)


def add_feature(
    application: AnyApplication,
    *,
    commands: Mapping[str, Callable[[Update, Context], Coroutine[Any, Any, Any]]] | None = None,
    buttons: Mapping[str, Callable[[Update, Context], Coroutine[Any, Any, Any]]] | None = None,
    flows: Mapping[str, StepHandler] | None = None,
    composing: Iterable[str] = (),
) -> None:
    """Add a feature's three tables: private-chat commands, buttons by callback-data pattern,
    and the stored flows it continues (`composing` names those whose text is a message being
    written, which the feature checks for emergencies itself)."""
    for name, callback in (commands or {}).items():
        application.add_handler(CommandHandler(name, callback, filters=NEW_PRIVATE))
    for pattern, button in (buttons or {}).items():
        application.add_handler(CallbackQueryHandler(button, pattern=pattern))
    for flow, step in (flows or {}).items():
        register_flow(application, flow, step)
    registry(application).composing.update(composing)
