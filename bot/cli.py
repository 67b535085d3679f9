"""The `crimewatch` command line: run the service, migrate, manage officers and groups."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence

from core.errors import ConfigurationError, UserError
from core.permissions import Actor
from core.services import Services, migrate
from core.settings import Settings, load_settings

CLI_ACTOR = Actor.system("command line")


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    root = argparse.ArgumentParser(
        prog="crimewatch",
        description="Crime Watch bot: neighborhood watch groups, alerts and tips over Telegram "
        "and SMS. Settings come from environment variables or .env (see .env.example).",
    )
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "run",
        help="apply migrations and run the bot, scheduler and HTTP server",
        description="Apply migrations, then run the Telegram bot (polling, or webhook "
        "when PUBLIC_URL is set), the scheduler and the HTTP server (/healthz).",
    )

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply all pending migrations to DATABASE_URL")

    officer = sub.add_parser("officer", help="grant, revoke or list the officer role")
    o_sub = officer.add_subparsers(dest="officer_command", required=True, metavar="ACTION")
    for name, text in (("add", "grant the officer role"), ("remove", "revoke the officer role")):
        p = o_sub.add_parser(
            name,
            help=text,
            description=f"{text.capitalize()} to a Telegram "
            "user id (the user can find theirs with @userinfobot).",
        )
        p.add_argument("telegram_user_id", type=int, help="numeric Telegram user id")
        if name == "add":
            p.add_argument(
                "--name",
                help='the name people see for the officer ("Sgt. Dana Ruiz"); without it the '
                "bot asks the officer at their first command",
            )
    o_sub.add_parser("list", help="list the officers")

    group = sub.add_parser("group", help="create or list watch groups")
    g_sub = group.add_subparsers(dest="group_command", required=True, metavar="ACTION")
    create = g_sub.add_parser("create", help="create a watch group")
    create.add_argument("name", help="the group's name, e.g. 'Oak Park North'")
    create.add_argument("--code", help="join code, 3-12 letters/digits (default: from the name)")
    create.add_argument("--area", required=True, help="streets or landmarks the group covers")
    create.add_argument(
        "--bylaws-file",
        type=argparse.FileType("r", encoding="utf-8"),
        help="a text file with the group's rules",
    )
    create.add_argument(
        "--approval", action="store_true", help="new members wait for the leader's approval"
    )
    g_sub.add_parser("list", help="list the watch groups")
    return root


async def _with_services(settings: Settings, action: Callable[[Services], Awaitable[int]]) -> int:
    services = await Services.open(settings)
    try:
        return await action(services)
    finally:
        await services.close()


async def _officer(args: argparse.Namespace, services: Services) -> int:
    if args.officer_command == "list":
        officers = await services.officers.all()
        for o in officers:
            name = o.display_name or "(no name yet)"
            print(f"{o.telegram_user_id}\t{name}\tadded {o.added_at:%Y-%m-%d} by {o.added_by}")
        if not officers:
            print("no officers yet: crimewatch officer add TELEGRAM_USER_ID")
        return 0
    uid = args.telegram_user_id
    if args.officer_command == "add":
        changed = await services.officers.add(CLI_ACTOR, uid)
        print(f"{uid} is now an officer" if changed else f"{uid} was already an officer")
        if args.name is not None:
            try:
                shown = await services.officers.set_name(CLI_ACTOR, args.name, uid)
            except UserError as error:
                print(f"name not set: {error}", file=sys.stderr)
                return 2
            print(f"{uid} is shown as {shown}")
    else:
        changed = await services.officers.remove(CLI_ACTOR, uid)
        print(f"{uid} is no longer an officer" if changed else f"{uid} was not an officer")
    return 0


async def _group(args: argparse.Namespace, services: Services) -> int:
    if args.group_command == "list":
        summaries = await services.groups.summaries()
        for s in summaries:
            print(
                f"{s.group.code}\t{s.group.name}\t{s.active_members} members\t"
                f"leader: {s.leader_name or '-'}\t"
                f"{'approval required' if s.group.approval_required else 'open'}"
            )
        if not summaries:
            print("no groups yet: crimewatch group create NAME --area AREA")
        return 0
    bylaws = args.bylaws_file.read() if args.bylaws_file else None
    group = await services.groups.create(
        CLI_ACTOR,
        name=args.name,
        code=args.code,
        area=args.area,
        bylaws=bylaws,
        approval_required=args.approval,
    )
    print(f"created {group.name} with join code {group.code}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `crimewatch` console script."""
    args = parser().parse_args(argv)
    # python-telegram-bot 22 warns on every 429 unless RetryAfter.retry_after is a timedelta.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    try:
        settings = load_settings()
        from bot.logs import configure_logging

        configure_logging(settings.log_level, _secrets(settings))
        if args.command == "run":
            from bot.runtime import run_service

            asyncio.run(run_service(settings))
            return 0
        if args.command == "db":
            asyncio.run(migrate(settings.database_url))
            print("database is up to date")
            return 0
        if args.command == "officer":
            return asyncio.run(_with_services(settings, lambda s: _officer(args, s)))
        return asyncio.run(_with_services(settings, lambda s: _group(args, s)))
    except ConfigurationError as error:
        print(f"crimewatch: configuration error: {error}", file=sys.stderr)
        return 2
    except UserError as error:
        print(f"crimewatch: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_bot_token, settings.twilio_auth_token, settings.webhook_secret]
    return [v.get_secret_value() for v in values if v is not None]


if __name__ == "__main__":
    sys.exit(main())
