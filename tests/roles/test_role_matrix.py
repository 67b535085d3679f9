"""The role matrix: every privileged command and button (its data made by hand) tried by every
role. Whoever may not do it changes nothing, and the refusal is in the audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core.checkins import Draft
from core.cpted.rules import FixDraft, Reporter
from core.meetings import MeetingDraft
from core.property.rules import ItemDraft
from core.surveys.rules import Requester, SurveyDraft
from core.talks.rules import Requester as TalkRequester
from core.talks.rules import TalkDraft
from core.vacation.rules import VacationRequest
from core.victims.rules import FollowupDraft
from storage.schema import Base
from tests.conftest import OFFICER_ID
from tests.support.harness import TelegramHarness
from tests.support.neighborhood import make_group
from tests.support.rows import audit_rows

ZED, DAN, BOB, CAT, ANN, EVE = 990, 991, 992, 993, 994, 995
ROLES = {
    "unregistered": ZED,
    "resident": DAN,  # registered, in no group
    "member": BOB,  # a member of OAK
    "leader of another group": CAT,  # leads ELM
    "leader": ANN,  # leads OAK
    "officer": OFFICER_ID,
}
# What each action may be done by; everyone else is refused.
COMMANDS: dict[str, set[str]] = {
    "/alert all Water main break": {"officer"},
    "/scam Fake police calls asking for money": {"officer"},
    "/members OAK": {"leader", "officer"},
    "/pending ELM": {"leader of another group", "officer"},
    "/groups": {"officer"},
    "/setleader OAK 3": {"officer"},
    "/audit": {"officer"},
    "/tips": {"officer"},
    "/tip T-2026-00001": {"officer", "resident"},  # Dan filed it: he sees its status
    "/election open OAK 3": {"leader", "officer"},
    "/checked 1 All quiet": {"officer"},
    "/news": {"officer"},
    "/unsend 1": {"officer"},
    "/fixes": {"officer"},
    "/fixes csv": {"officer"},
    "/fixes F-2026-00001": {"officer"},
    "/officername Sgt. Chief": {"officer"},  # only officers choose an officer's name
    "/partners": {"officer"},  # partner groups and their invitation codes
    "/newpartner": {"officer"},
    "/surveys": {"officer"},
    "/surveys done": {"officer"},
    "/surveys S-2026-00001": {"officer"},
    "/talks": {"officer"},
    "/talks P-2026-00001": {"officer"},
    "/victim": {"officer"},
    "/victims": {"officer"},
    "/checkins": {"officer"},  # everyone enrolled in daily check-ins
    "/duty": {"officer"},
    "/area OAK": {"leader", "officer"},  # a group's area on the map, for its crime figures
    "/stats OAK": {"member", "leader", "officer"},  # a group's figures: its members and officers
    "/stats town": {"officer"},
    "/hotspots": {"officer"},
}
BUTTONS: dict[str, set[str]] = {
    "tip:c:1": {"officer"},  # claim a tip
    "tip:s:1": {"officer"},  # ask to mark it spam
    "tip:sy:1": {"officer"},  # mark it spam
    "tip:v:1": {"officer"},  # open the officers' card of a tip
    "tip:r:1": {"officer"},  # start a reply to its tipster
    "tip:o:1:resolved": {"officer"},  # close it with an outcome
    "tip:l:0": {"officer"},  # the list of open tips
    "review:{eve}:a": {"leader of another group", "officer"},  # approve Eve into ELM
    "review:{eve}:r": {"leader of another group", "officer"},  # turn Eve away
    "pendingof:ELM": {"leader of another group", "officer"},  # ELM's requests
    "mtg:cancelyes:1": {"leader", "officer"},  # cancel OAK's meeting
    "setleader:OAK:3": {"officer"},  # make Cat lead OAK
    "setleader:OAK:none": {"officer"},  # leave OAK without a leader
    "rsvp:1:no": {"leader", "member"},  # answer OAK's meeting invitation
    "fix:q:new:0": {"officer"},  # the environment reports' queue
    "fix:v:1": {"officer"},  # open a report's card
    "fix:c:1": {"officer"},  # claim it
    "fix:s:1:public_works": {"officer"},  # mark it sent to public works (its reporter told)
    "fix:s:1:not_actionable": {"officer"},  # close it
    "oname:set": {"officer"},  # ask for the officer's name
    "prt:i:OAK": {"officer"},  # ask to replace a partner group's invitation code
    "prt:iy:OAK:PABCDEFG": {"officer"},  # replace it
    "sv:q:new:0": {"officer"},  # the security surveys' queue
    "sv:v:1": {"officer"},  # open a request's card
    "sv:c:1": {"officer"},  # claim it
    "sv:p:1": {"officer"},  # start proposing a time
    "sv:xy:1": {"officer"},  # cancel its visit
    "sv:f:1": {"officer"},  # start recording its findings
    # Dan's property register: nobody else may open, change or delete his item, officers neither
    "prop:v:1": {"resident"},  # open the item's card (serial and all)
    "prop:ph:1": {"resident"},  # see its photos
    "prop:e:1": {"resident"},  # its edit menu
    "prop:ef:1:serial": {"resident"},  # start changing its serial
    "prop:d:1": {"resident"},  # ask to delete it
    "prop:dy:1": {"resident"},  # delete it
    "prop:pry:1": {"resident"},  # remove its photos
    "talk:q:new:0": {"officer"},  # the talk requests' queue
    "talk:v:1": {"officer"},  # open a request's card
    "talk:c:1": {"officer"},  # claim it
    "talk:a:1": {"officer"},  # accept it (asks for the date)
    "talk:d:1": {"officer"},  # decline it (asks for the reason)
    "talk:s:1": {"officer"},  # suggest another topic (shows the topics)
    "talk:st:1:bomb": {"officer"},  # suggest Bomb threats (its requester told)
    "mtg:cancelyes:2": {"officer"},  # cancel the public event (no leader may)
    "rsvp:2:going": set(ROLES),  # anyone answers a public event, registered or not
    "vic:l:0": {"officer"},  # the victim follow-ups
    "vic:v:1": {"officer"},  # open one's card
    "vic:r:1": {"officer"},  # start a reply to its person
    "vic:x:1": {"officer"},  # ask to close it
    "vic:xy:1": {"officer"},  # close it (its person told)
    "chko:l:0": {"officer"},  # the daily check-ins
    "chko:v:1": {"officer"},  # one person's settings and log
    "chko:duty:on": {"officer"},  # go on duty for escalations
    # Dan's daily check-ins: only Dan changes or reads them (others are told they are gone)
    "chkm:xy:1": {"resident"},  # stop them
    "chkm:w:1:90": {"resident"},  # change the wait
    "chk:hist:1": {"resident"},  # read the log
}
# Who is refused with "register first" rather than a permission refusal (nothing to audit: they
# are no member at all): the unregistered everywhere, and the officer (who never registered as a
# resident here) where only a group's members may act.
NOT_MEMBERS: dict[str, set[str]] = (
    {"rsvp:1:no": {"officer"}}
    | {data: {"officer"} for data in BUTTONS if data.startswith("prop:")}
    | {data: set(ROLES) for data in BUTTONS if data.startswith(("chkm:", "chk:"))}
)
# The tables a privileged action changes; flows, members' last-seen chats and the audit log
# are left out (they change for everyone who writes to the bot).
WATCHED = (
    "notifications",
    "watch_groups",
    "memberships",
    "tips",
    "tip_events",
    "elections",
    "meetings",
    "meeting_invitations",
    "vacation_checks",
    "news_items",
    "officers",
    "fix_reports",
    "surveys",
    "survey_findings",
    "property_items",
    "property_photos",
    "talk_requests",
    "victim_followups",
    "checkin_enrollments",
    "checkin_contacts",
    "duty_officers",
    "group_areas",
)


async def state(tg: TelegramHarness) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the watched tables."""
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    out = {}
    async with tg.services.db.transaction() as session:
        for name in WATCHED:
            table = tables[name]
            rows = await session.execute(select(table).order_by(*table.primary_key.columns))
            out[name] = [tuple(row) for row in rows]
    return out


async def town(tg: TelegramHarness) -> int:
    """OAK (Ann leads, Bob), ELM (Cat leads; Eve waits for approval), Dan in no group, a tip,
    an item in Dan's property register, a meeting, a vacation watch and an alert; returns
    Eve's pending membership id."""
    await make_group(tg, "Oak Park", "OAK", approval=False)
    await make_group(tg, "Elm Street", "ELM", approval=True)
    for uid, name in ((ANN, "Ann"), (BOB, "Bob"), (CAT, "Cat"), (DAN, "Dan"), (EVE, "Eve")):
        await tg.register(uid, name)
    await tg.send(ANN, "/join OAK")
    await tg.send(BOB, "/join OAK")
    await tg.send(OFFICER_ID, "/setleader OAK 1")
    officer = await tg.services.access.actor(OFFICER_ID)
    await tg.send(CAT, "/join ELM")
    [(_, cats)] = (await tg.services.groups.pending(officer, "ELM"))[1]
    await tg.services.groups.decide(officer, cats.id, True)
    await tg.send(OFFICER_ID, "/setleader ELM 3")
    await tg.send(EVE, "/join ELM")
    await tg.send(DAN, "/tip Someone trying car doors on Pine St at night")
    today = tg.services.clock.now().date()
    await tg.services.fixes.reports.file(
        FixDraft(kind="light", place="Pine St by the park"), Reporter.telegram(DAN, DAN)
    )
    await tg.services.surveys.requests.file(
        SurveyDraft(
            kind="residential",
            address="7 Pine St",
            concern="The back door",
            windows=("2026-12-08 morning", "2026-12-09 morning"),
        ),
        Requester.telegram(DAN, DAN),
    )
    await tg.services.property.register.add(
        DAN, ItemDraft(item="Bicycle", serial="WTU-1", photos=("BIKE-PHOTO",))
    )
    await tg.services.talks.requests.file(
        TalkDraft("scams", "civic", 30, "Pine St church hall", (today + timedelta(days=9),)),
        TalkRequester.telegram(DAN, DAN),
    )
    opened = await tg.services.victims.followups.open(
        officer, FollowupDraft("burglary", "26-000001", "invite")
    )
    assert opened.invite_token is not None
    await tg.services.victims.followups.accept_invitation(opened.invite_token, DAN, DAN, True)
    await tg.services.checkins.service.enroll(Draft("Dan Doe", ("09:00",)), chat=str(DAN))
    await tg.send(ANN, "/meeting")
    for answer in ("Monthly meeting", "12/8 7pm", "Library"):
        await tg.send(ANN, answer)
    await tg.press(ANN, "mtg:skip")
    await tg.press(ANN, "mtg:create")
    async with tg.services.db.transaction() as session:  # meeting #2: a public event
        await tg.services.meetings.schedule_in(
            session,
            officer,
            None,
            MeetingDraft(
                "Frauds, cons and scams", tg.services.clock.now() + timedelta(days=9), "Hall"
            ),
        )
    await tg.services.vacation.create(
        BOB,
        VacationRequest(
            address="12 Main St",
            leave_on=today + timedelta(days=2),
            return_on=today + timedelta(days=5),
            emergency_name="Jo Doe",
            emergency_phone="+12035550199",
        ),
    )
    await tg.send(OFFICER_ID, "/alert all Storm tonight")
    await tg.press(OFFICER_ID, "alert:send")
    await tg.send(ANN, "/cancel")
    await tg.deliver()
    [(_, pending)] = (await tg.services.groups.pending(officer, "ELM"))[1]
    return pending.id


# The rules are the same on both back ends; the matrix runs on SQLite to keep the suite quick.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def refused_first(allowed: set[str]) -> list[str]:
    """The roles to try: those who may not act first (nothing they try may change anything),
    then those who may."""
    return [r for r in ROLES if r not in allowed] + [r for r in ROLES if r in allowed]


@SQLITE_ONLY
@pytest.mark.parametrize("command", list(COMMANDS))
async def test_privileged_commands(tg: TelegramHarness, command: str) -> None:
    await town(tg)
    for role in refused_first(COMMANDS[command]):
        uid = ROLES[role]
        before, refusals = await state(tg), len(await refused(tg))
        await tg.send(uid, command)
        await tg.press_if_shown(uid, "alert:send")  # an allowed /alert or /scam goes out
        await tg.deliver()
        if role in COMMANDS[command]:
            assert len(await refused(tg)) == refusals, (role, command)  # not refused
            continue
        assert await state(tg) == before, (role, command)
        assert len(await refused(tg)) > refusals or role == "unregistered", (role, command)
        await tg.send(uid, "/cancel")


@SQLITE_ONLY
@pytest.mark.parametrize("button", list(BUTTONS))
async def test_privileged_buttons_made_by_hand(tg: TelegramHarness, button: str) -> None:
    eve = await town(tg)
    data = button.format(eve=eve)
    for role in refused_first(BUTTONS[button]):
        uid = ROLES[role]
        before, refusals = await state(tg), len(await refused(tg))
        await tg.process(tg.factory.callback(tg.user(uid), data, 1))
        await tg.deliver()
        if role in BUTTONS[button]:
            assert len(await refused(tg)) == refusals, (role, data)  # not refused
            continue
        assert await state(tg) == before, (role, data)
        unaudited = {"unregistered"} | NOT_MEMBERS.get(button, set())
        assert len(await refused(tg)) > refusals or role in unaudited, (role, data)


async def refused(tg: TelegramHarness) -> list[str]:
    """The refusals in the audit log."""
    return [r.action for r in await audit_rows(tg) if r.outcome == "refused"]
