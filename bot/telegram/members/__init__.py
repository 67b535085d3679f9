"""Residents in Telegram: /start with consent and registration, /profile and its edits,
/settings, /stop and /resume, /forget, /help and /cancel; and an officer's /officername."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, MessageHandler, filters

from bot.telegram.members import officer, profile, registration, settings
from bot.telegram.router import NEW_PRIVATE, add_feature


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the residents' commands, buttons and flows."""
    add_feature(
        application,
        commands={
            "start": registration.start,
            "help": profile.help_command,
            "profile": profile.profile,
            "settings": settings.settings,
            "stop": profile.stop,
            "resume": profile.resume,
            "forget": profile.forget,
            "cancel": profile.cancel,
            "officername": officer.officername,
        },
        buttons={
            r"^consent:(yes|no)$": registration.consent,
            r"^reg:name$": registration.use_suggested_name,
            r"^phone:(resend|other)$": registration.code_button,
            r"^edit:": registration.start_edit,
            r"^(settings:(stop|resume)$|set:)": settings.settings_button,
            r"^forget:(yes|no)$": profile.forget_button,
            r"^oname:set$": officer.name_button,
        },
        flows={
            registration.REGISTER: registration.register_step,
            registration.EDIT: registration.edit_step,
            settings.QUIET: settings.quiet_hours_step,
            officer.OFFICER_NAME: officer.officer_name_step,
        },
    )
    # After whatever handled an officer's command (group 0): their name, asked once.
    application.add_handler(
        MessageHandler(NEW_PRIVATE & filters.COMMAND, officer.ask_after_command), group=1
    )
