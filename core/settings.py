"""Configuration from environment variables or a `.env` file (twelve-factor).

Every variable is documented in `.env.example`. `load_settings` turns pydantic's validation
errors into one line naming the variable, which `crimewatch` prints before exiting with code 2.
"""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.errors import ConfigurationError
from core.localtime import WEEKDAYS, parse_clock, parse_offsets, parse_weekly

TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,}$")
# Telegram allows 1-256 of these characters; we ask for 32 or more, so it cannot be guessed.
SECRET_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,256}$")
BOTFATHER_HINT = (
    "TELEGRAM_BOT_TOKEN is not set: open Telegram, talk to @BotFather, send /newbot, and put the "
    "token it gives you in .env as TELEGRAM_BOT_TOKEN=..."
)


def town_box(value: str) -> tuple[float, float, float, float]:
    """'41.80,-87.70,41.87,-87.60' as (south, west, north, east); ValueError when it is not."""
    try:
        south, west, north, east = (float(part) for part in value.split(","))
    except ValueError:
        raise ValueError(
            "must be four numbers: south,west,north,east (e.g. 41.80,-87.70,41.87,-87.60)"
        ) from None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise ValueError("must be south,west,north,east with south < north and west < east")
    return south, west, north, east


class Settings(BaseSettings):
    """Every setting of the service."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_api_url: str = "https://api.twilio.com"
    database_url: str = "sqlite+aiosqlite:///./crimewatch.db"
    timezone: str = "America/New_York"
    officer_telegram_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    public_url: str | None = None
    webhook_secret: SecretStr | None = None
    # How long a file link in a text (the survey report, with PUBLIC_URL set) opens the file.
    file_link_days: int = Field(default=7, ge=1, le=90)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    service_name: str = Field(default="Crime Watch", min_length=1, max_length=40)
    # How many of the newest items the public feed (/feed.xml) lists.
    feed_size: int = Field(default=50, ge=1, le=200)
    # Operation ID numbers are this, a dash and six digits: CW-OID-000123, CW-STR-000123.
    operation_id_prefix: str = Field(default="CW-OID", pattern=r"^[A-Z0-9]{1,6}(-[A-Z0-9]{1,6})?$")
    telegram_max_per_second: float = Field(default=25.0, gt=0, le=1000)
    sms_segments_per_second: float = Field(default=1.0, gt=0, le=1000)
    leader_broadcasts_per_day: int = Field(default=5, ge=0, le=100)
    tips_per_hour: int = Field(default=10, ge=1, le=1000)
    # What one person may ask for in any 24 hours (core.request_limits); 0 = no limit.
    tips_per_day: int = Field(default=20, ge=0, le=10000)
    fix_requests_per_day: int = Field(default=10, ge=0, le=10000)
    survey_requests_per_day: int = Field(default=3, ge=0, le=10000)
    talk_requests_per_day: int = Field(default=3, ge=0, le=10000)
    tip_digest_minutes: int = Field(default=15, ge=1, le=1440)
    delivery_concurrency: int = Field(default=8, ge=1, le=256)
    delivery_lease_seconds: int = Field(default=60, ge=1, le=3600)
    log_level: str = "INFO"
    # What is due and when (core.localtime parses the times; see .env.example).
    leader_term_days: int = Field(default=365, ge=30, le=3650)
    election_days: int = Field(default=7, ge=1, le=30)
    patrol_list_time: str = "07:00"
    weekly_meetings_time: str = "mon 08:00"
    news_time: str = "10:00"
    fix_digest_time: str = "07:30"
    talk_digest_time: str = "07:30"
    fix_summary_time: str = "mon 08:30"
    survey_digest_time: str = "07:45"
    victim_digest_time: str = "07:45"
    meeting_reminders: str = "24h,1h"
    missed_after_hours: int = Field(default=12, ge=1, le=168)
    # Daily check-ins: how long the contacts have to say "I've got it" before the officer on
    # duty is told, and when the weekly scam warnings go to enrolled people.
    checkin_take_minutes: int = Field(default=30, ge=5, le=240)
    checkin_scam_digest_time: str = "mon 10:00"
    # Victim assistance: the department's local resources (see .env.example).
    victim_resources: str | None = None
    victim_resources_file: str | None = None
    # Local crime data: the largest export file `crimewatch data import` reads, the town's
    # box ("south,west,north,east": coordinates outside it are reported and placed nowhere),
    # and the department's own type mapping (a CSV of pattern,category rules).
    data_import_max_mb: int = Field(default=1024, ge=1, le=65536)
    town_bounds: str | None = None
    crime_type_map_file: str | None = None
    # Hotspots for officers (/hotspots, the morning alert): the grid's cell size in metres,
    # and when officers hear of cells whose last 7 days rose more than chance.
    hotspot_cell_meters: int = Field(default=250, ge=50, le=5000)
    hotspot_alert_time: str = "07:15"
    # When each watch group's followers of the "crime_stats" topic get the week's figures.
    crime_digest_time: str = "mon 09:00"

    @field_validator(
        "twilio_account_sid",
        "twilio_from_number",
        "twilio_messaging_service_sid",
        "public_url",
        "victim_resources",
        "victim_resources_file",
        "town_bounds",
        "crime_type_map_file",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token", "twilio_auth_token", "webhook_secret", mode="before")
    @classmethod
    def _blank_secret_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError(
                "does not look like a bot token (expected digits, a colon and 30+ letters, "
                "as @BotFather gives it)"
            )
        return value

    @field_validator("telegram_api_url", "twilio_api_url", "public_url")
    @classmethod
    def _url_shape(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("town_bounds")
    @classmethod
    def _bounds_shape(cls, value: str | None) -> str | None:
        if value is not None:
            town_box(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as America/New_York)"
            ) from None
        return value

    @field_validator("officer_telegram_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            for part in parts:
                if not re.fullmatch(r"\d{1,20}", part):
                    raise ValueError(f"{part!r} is not a Telegram user id (digits only)")
            return [int(p) for p in parts]
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith(("postgres://", "postgresql://")):
            raise ValueError("use the async driver: postgresql+asyncpg://...")
        if value.startswith("sqlite://"):
            raise ValueError("use the async driver: sqlite+aiosqlite:///path/to/file.db")
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator(
        "patrol_list_time",
        "news_time",
        "fix_digest_time",
        "survey_digest_time",
        "talk_digest_time",
        "victim_digest_time",
        "hotspot_alert_time",
    )
    @classmethod
    def _clock_time(cls, value: str) -> str:
        return parse_clock(value).strftime("%H:%M")

    @field_validator(
        "weekly_meetings_time", "fix_summary_time", "checkin_scam_digest_time", "crime_digest_time"
    )
    @classmethod
    def _weekly_time(cls, value: str) -> str:
        day, at = parse_weekly(value)
        return f"{WEEKDAYS[day]} {at:%H:%M}"

    @field_validator("meeting_reminders")
    @classmethod
    def _reminders(cls, value: str) -> str:
        return ",".join(o.label for o in parse_offsets(value))

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        twilio = {
            "TWILIO_ACCOUNT_SID": self.twilio_account_sid,
            "TWILIO_AUTH_TOKEN": self.twilio_auth_token,
        }
        given = [name for name, v in twilio.items() if v is not None]
        sender = self.twilio_from_number or self.twilio_messaging_service_sid
        if (given or sender) and (len(given) < len(twilio) or not sender):
            missing = [name for name, v in twilio.items() if v is None]
            if not sender:
                missing.append("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
            raise ValueError(
                "SMS is half configured: also set "
                + ", ".join(missing)
                + " (or unset every TWILIO_ variable to run without SMS)"
            )
        if self.public_url and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET must be set when PUBLIC_URL is (32-256 characters: A-Z a-z 0-9 _ -)"
            )
        if self.webhook_secret is not None and not SECRET_TOKEN_PATTERN.match(
            self.webhook_secret.get_secret_value()
        ):
            raise ValueError(
                "WEBHOOK_SECRET must be 32-256 characters of A-Z a-z 0-9 _ - "
                '(python3 -c "import secrets; print(secrets.token_urlsafe(32))" makes one)'
            )
        return self

    @property
    def sms_enabled(self) -> bool:
        """Whether Twilio is configured."""
        return self.twilio_account_sid is not None

    @property
    def webhook_mode(self) -> bool:
        """Whether Telegram updates come by webhook (else long polling)."""
        return self.public_url is not None

    @property
    def town_box(self) -> tuple[float, float, float, float] | None:
        """The town's (south, west, north, east), when TOWN_BOUNDS is set."""
        return town_box(self.town_bounds) if self.town_bounds else None

    @property
    def zone(self) -> ZoneInfo:
        """The department's time zone."""
        return ZoneInfo(self.timezone)

    def require_bot_token(self) -> str:
        """The bot token, or a ConfigurationError saying how to get one."""
        if self.telegram_bot_token is None:
            raise ConfigurationError(BOTFATHER_HINT)
        return self.telegram_bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read the settings, raising ConfigurationError with one line naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        location = [str(part) for part in error.get("loc", ()) if part != "__root__"]
        message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
        if location:
            raise ConfigurationError(f"{location[0].upper()}: {message}") from None
        raise ConfigurationError(message) from None
