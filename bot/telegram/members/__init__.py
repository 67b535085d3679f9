"""Residents in Telegram: /start with consent and registration, /profile and its edits,
/settings, /stop and /resume, /forget, /help and /cancel."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.members import profile, registration, settings
from bot.telegram.router import add_feature


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
        },
        buttons={
            r"^consent:(yes|no)$": registration.consent,
            r"^reg:name$": registration.use_suggested_name,
            r"^phone:(resend|other)$": registration.code_button,
            r"^edit:": registration.start_edit,
            r"^(settings:(stop|resume)$|set:)": settings.settings_button,
            r"^forget:(yes|no)$": profile.forget_button,
        },
        flows={
            registration.REGISTER: registration.register_step,
            registration.EDIT: registration.edit_step,
            settings.QUIET: settings.quiet_hours_step,
        },
    )
