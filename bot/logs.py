"""Logging that keeps secrets and phone numbers out of every line."""

from __future__ import annotations

import logging
import re

PHONE = re.compile(r"\+?\d[\d ().-]{8,}\d")
BOT_TOKEN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,}")
# Libraries kept at WARNING even with LOG_LEVEL=DEBUG: HTTP clients log URLs holding the token,
# and python-telegram-bot logs every call and every update (the Application at DEBUG) with its
# chat id, name and text, which would link an anonymous tipster's chat to their tip.
QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "apscheduler.executors.default",
    "telegram",  # the whole tree: telegram.Bot, telegram.ext.Application, ...
    "aiosqlite",  # its DEBUG lines carry SQL parameters: addresses, phone numbers
    "twilio",  # its HTTP client logs every request (URL with the AccountSid, headers) at INFO
)


class RedactingFilter(logging.Filter):
    """Masks bot tokens, phone-number-like digit runs and any configured secret."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def redact(self, text: str) -> str:
        """The text with every secret and phone number masked."""
        for secret in self.secrets:
            text = text.replace(secret, "[secret]")
        text = BOT_TOKEN.sub("[bot-token]", text)
        return PHONE.sub("[phone]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redacted, and drop the arguments."""
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        record.msg = self.redact(message)
        record.args = None
        return True


def configure_logging(level: str, secrets: list[str]) -> None:
    """Log to stderr with redaction; quiet the HTTP client, whose lines hold the token URL."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_libraries()


def quiet_libraries() -> None:
    """Keep the libraries that would log tokens, chats or SQL parameters at WARNING."""
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
