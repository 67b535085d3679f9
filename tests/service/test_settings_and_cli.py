"""Configuration and the command line, run as a user would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import ConfigurationError
from core.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `crimewatch` in a subprocess with a clean environment."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "TELEGRAM_",
                "TWILIO_",
                "DATABASE_URL",
                "TIMEZONE",
                "OFFICER_",
                "PUBLIC_URL",
                "WEBHOOK_",
            )
        )
    }
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**base, **(env or {})},
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_env_example_documents_every_setting_and_loads() -> None:
    example = (ROOT / ".env.example").read_text()
    names = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.MULTILINE))
    assert {f.upper() for f in Settings.model_fields} <= names
    settings = Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    assert not settings.sms_enabled and not settings.webhook_mode


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"timezone": "Mars/Base"}, "TIMEZONE: unknown time zone"),
        ({"officer_telegram_ids": "12,abc"}, "OFFICER_TELEGRAM_IDS: 'abc'"),
        ({"telegram_bot_token": "nope"}, "TELEGRAM_BOT_TOKEN: does not look like a bot token"),
        ({"database_url": "postgresql://x/y"}, "DATABASE_URL: use the async driver"),
        ({"twilio_account_sid": "AC123"}, "SMS is half configured"),
        ({"public_url": "https://cw.example.org"}, "WEBHOOK_SECRET must be set"),
        (
            {"public_url": "https://cw.example.org", "webhook_secret": "short-secret"},
            "WEBHOOK_SECRET must be 32-256 characters",
        ),
        ({"http_port": "99999"}, "HTTP_PORT"),
    ],
)
def test_bad_settings_name_the_variable(overrides: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(fragment)):
        load_settings(_env_file=None, **overrides)


def test_secrets_are_not_in_the_settings_repr() -> None:
    token = "123456:abcdefghijklmnopqrstuvwxyz0123456789"
    settings = load_settings(_env_file=None, telegram_bot_token=token)
    assert token not in repr(settings) and token not in str(settings.model_dump())


def test_run_without_token_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_cli(
        "run", env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_setting_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_cli("group", "list", env={"TIMEZONE": "Nowhere/Land"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "crimewatch: configuration error: TIMEZONE: unknown time zone 'Nowhere/Land' "
        "(use an IANA name such as America/New_York)"
    )


def test_cli_manages_groups_and_officers(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cw.db", "LOG_LEVEL": "WARNING"}
    assert run_cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    created = run_cli(
        "group",
        "create",
        "Oak Park",
        "--area",
        "Oak St",
        "--code",
        "OAK",
        "--approval",
        env=env,
        cwd=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    assert "join code OAK" in created.stdout
    duplicate = run_cli("group", "create", "Oak Park", "--area", "x", env=env, cwd=tmp_path)
    assert duplicate.returncode == 1 and "already a group called Oak Park" in duplicate.stderr
    listed = run_cli("group", "list", env=env, cwd=tmp_path)
    assert "OAK\tOak Park\t0 members" in listed.stdout and "approval required" in listed.stdout
    assert "is now an officer" in run_cli("officer", "add", "4242", env=env, cwd=tmp_path).stdout
    assert "4242\t(no name yet)" in run_cli("officer", "list", env=env, cwd=tmp_path).stdout
    named = run_cli("officer", "add", "4242", "--name", "Sgt. Ruiz", env=env, cwd=tmp_path)
    assert "already an officer" in named.stdout and "shown as Sgt. Ruiz" in named.stdout
    assert "4242\tSgt. Ruiz" in run_cli("officer", "list", env=env, cwd=tmp_path).stdout
    no_name = run_cli("officer", "add", "4242", "--name", "👍", env=env, cwd=tmp_path)
    assert no_name.returncode == 2 and "at least one letter" in no_name.stderr
    assert "no longer" in run_cli("officer", "remove", "4242", env=env, cwd=tmp_path).stdout
    help_text = run_cli("group", "create", "--help", cwd=tmp_path).stdout
    assert "--area" in help_text and "--approval" in help_text
