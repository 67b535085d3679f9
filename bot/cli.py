"""The `crimewatch` command line: run the service, migrate, manage officers and groups, and
import local crime data."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

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

    sandbox = sub.add_parser(
        "sandbox",
        help="try the service without a bot token: a local Telegram, SMS and web chat",
    )
    sandbox.add_argument("--port", type=int, default=8080, help="the web page's port (8080)")
    sandbox.add_argument(
        "--fresh", action="store_true", help="start empty: no demo people, group or data"
    )
    sandbox.add_argument(
        "--dir",
        type=Path,
        default=Path("."),
        help="where sandbox.db and the people list are kept (the current folder)",
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
    area = g_sub.add_parser(
        "area",
        help="set a group's area on the map (for its crime figures)",
        description="Set the ground a watch group covers: a GeoJSON file with one polygon "
        "(longitude, latitude), or a pin and a radius. Incidents already imported are placed "
        "in it at once.",
    )
    area.add_argument("code", help="the group's join code")
    area.add_argument("geojson", nargs="?", type=Path, help="a GeoJSON file with the polygon")
    area.add_argument("--circle", metavar="LAT,LON", help="the centre, instead of a file")
    area.add_argument("--radius", type=float, metavar="METRES", help="with --circle")

    data = sub.add_parser("data", help="import local crime data")
    d_sub = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    imp = d_sub.add_parser(
        "import",
        help="import an incident export (CSV)",
        description="Import the department's incident export (CSV). The City of Chicago's "
        "and Socrata-style layouts are recognised; name other columns with --map. Importing "
        "the same file again adds nothing twice. Fields: id, date, time, type, description, "
        "address, lat, lon, area.",
    )
    imp.add_argument("file", type=Path, help="the CSV file")
    imp.add_argument("--source", help="where the rows come from (default: the layout's name)")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="the file's column for a field, e.g. --map type='Offense Type' (repeatable)",
    )
    imp.add_argument("--date-format", help="the dates' format (strptime), e.g. %%d/%%m/%%Y %%H:%%M")
    imp.add_argument("--dry-run", action="store_true", help="read and report; write nothing")
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


async def _area(args: argparse.Namespace, services: Services) -> int:
    from core.crimedata.areas import circle, polygon

    if (args.geojson is None) == (args.circle is None):
        print("crimewatch: give a GeoJSON file, or --circle LAT,LON --radius M", file=sys.stderr)
        return 2
    if args.circle is not None:
        try:
            lat, lon = (float(x) for x in args.circle.split(","))
        except ValueError:
            print("crimewatch: --circle takes LAT,LON, e.g. 41.838,-87.645", file=sys.stderr)
            return 2
        if args.radius is None:
            print("crimewatch: --circle needs --radius METRES", file=sys.stderr)
            return 2
        shape = circle(lat, lon, args.radius)
    else:
        try:
            text = args.geojson.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            print(f"crimewatch: cannot read {args.geojson}: {error}", file=sys.stderr)
            return 1
        shape = polygon(text)
    change = await services.crimedata.set_area(CLI_ACTOR, args.code, shape)
    print(
        f"{change.group.name}: area set ({shape.kind}, {change.area_km2:.2f} km²); "
        f"{change.placed:,} incidents already imported fall in it"
    )
    return 0


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise UserError(f"--map takes FIELD=COLUMN, e.g. type='Offense Type' (got {pair!r})")
        mapping[field.strip().lower()] = column.strip()
    return mapping


class _Progress:
    """The import's progress: a bar with rows per second on a terminal, a line every few
    seconds in a pipe or a log."""

    EVERY_SECONDS = 5.0

    def __init__(self) -> None:
        self.bar: object | None = None
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, rows: int, done: int, total: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        if sys.stderr.isatty():
            from tqdm import tqdm

            if self.bar is None:
                self.bar = tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr)
            bar = self.bar
            assert isinstance(bar, tqdm)
            bar.set_postfix_str(f"{rows:,} rows, {rows / elapsed:,.0f} rows/s", refresh=False)
            bar.update(done - bar.n)
            return
        if elapsed - self.last >= self.EVERY_SECONDS or done >= total:
            self.last = elapsed
            share = 100 * done / total if total else 100
            print(
                f"  {rows:,} rows read ({share:.0f}%), {rows / elapsed:,.0f} rows/s",
                file=sys.stderr,
            )

    def close(self) -> None:
        """End the bar."""
        close = getattr(self.bar, "close", None)
        if close is not None:
            close()


async def _data(args: argparse.Namespace, services: Services) -> int:
    progress = _Progress()
    try:
        summary = await services.crimedata.import_file(
            CLI_ACTOR,
            args.file,
            source=args.source,
            mapping=_mapping(args.map) or None,
            date_format=args.date_format,
            dry_run=args.dry_run,
            progress=progress,
        )
    finally:
        progress.close()
    print("\n".join(summary.lines()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `crimewatch` console script."""
    args = parser().parse_args(argv)
    # python-telegram-bot 22 warns on every 429 unless RetryAfter.retry_after is a timedelta.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    if args.command == "sandbox":
        return _sandbox(args)
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
        if args.command == "data":
            return asyncio.run(_with_services(settings, lambda s: _data(args, s)))
        if args.command == "group" and args.group_command == "area":
            return asyncio.run(_with_services(settings, lambda s: _area(args, s)))
        return asyncio.run(_with_services(settings, lambda s: _group(args, s)))
    except ConfigurationError as error:
        print(f"crimewatch: configuration error: {error}", file=sys.stderr)
        return 2
    except UserError as error:
        print(f"crimewatch: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _sandbox(args: argparse.Namespace) -> int:
    """The sandbox: its own settings, database and providers; nothing of `.env` is read."""
    from bot.logs import configure_logging
    from bot.sandbox.runner import run_sandbox

    if not 1 <= args.port <= 65535:
        print("crimewatch: --port is a number from 1 to 65535", file=sys.stderr)
        return 2
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"), [])
    try:
        asyncio.run(run_sandbox(port=args.port, fresh=args.fresh, directory=args.dir))
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"crimewatch sandbox: {error}", file=sys.stderr)
        return 1
    return 0


def _secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_bot_token, settings.twilio_auth_token, settings.webhook_secret]
    return [v.get_secret_value() for v in values if v is not None]


if __name__ == "__main__":
    sys.exit(main())
