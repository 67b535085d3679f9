"""Security surveys in Telegram: /survey (the guided request), /mysurveys (the requester's
requests: cancel, another time, delete, and /forget's offer), the answers to proposals and the
follow-up, and officers' /surveys (queue, proposals, visits, findings)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.telegram.router import add_feature, register_forget_offer, register_forget_warning
from bot.telegram.surveys import handlers, officer


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the security surveys' handlers (they run before the catch-alls)."""
    add_feature(
        application,
        commands={
            "survey": handlers.survey_command,
            "mysurveys": handlers.mysurveys,
            "surveys": officer.surveys_command,
        },
        buttons={
            r"^svq:": handlers.survey_button,
            r"^svr:(a|n):": handlers.answer_button,
            r"^svr:(f|fn):": handlers.follow_up_button,
            r"^svm:": handlers.mine_button,
            r"^sv:": officer.officer_button,
            r"^svf:": officer.findings_button,
        },
        flows={
            handlers.SURVEY: handlers.survey_step,
            officer.PROPOSE: officer.propose_step,
            officer.FINDINGS: officer.findings_step,
        },
    )
    register_forget_offer(application, handlers.offer_forget)
    register_forget_warning(application, handlers.forget_warning)
