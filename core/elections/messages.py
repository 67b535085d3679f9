"""What elections send: openings, nominations, results, runoffs, reviews and term ends."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.delivery import Buttons, Message
from core.markup import esc
from core.timefmt import local, local_date


def election_opened(group: str, closes_at: datetime, zone: ZoneInfo, runoff: bool) -> Message:
    """An election (or a runoff) opened."""
    when = local(closes_at, zone)
    if runoff:
        return Message(
            html=f"🗳 <b>Runoff election in {esc(group)}</b>\n\nThe vote for leader was a tie, "
            f"so there is a runoff between the tied candidates until <b>{when}</b>. "
            "Send /vote to vote (you can change your vote until the close).",
            text=f"Runoff election for leader of {group} until {when}. Vote in Telegram: /vote",
        )
    return Message(
        html=f"🗳 <b>Election for leader of {esc(group)}</b>\n\nNominations and voting are open "
        f"until <b>{when}</b>.\n• /nominate yourself or a neighbor in the group (nominees must "
        "accept)\n• /vote for a candidate: one vote each, changeable until the close.",
        text=f"Election for leader of {group} is open until {when}. Use the Telegram bot: "
        "/nominate and /vote",
    )


def nominated(
    group: str, by: str, candidate_id: int, closes_at: datetime, zone: ZoneInfo
) -> Message:
    """Someone nominated the member; they must accept."""
    buttons: Buttons = (
        (("✅ Accept", f"nom:acc:{candidate_id}"), ("No, thank you", f"nom:dec:{candidate_id}")),
    )
    return Message(
        html=f"🗳 {esc(by)} nominated you for leader of <b>{esc(group)}</b>. Do you accept? "
        f"The election closes {local(closes_at, zone)}.",
        text=f"{by} nominated you for leader of {group}. Accept or decline in the Telegram bot.",
        buttons=buttons,
    )


def nomination_answered(nominee: str, group: str, accepted: bool) -> Message:
    """The nominee answered; the nominator is told."""
    verb = "accepted" if accepted else "declined"
    return Message(
        html=f"{esc(nominee)} {verb} your nomination for leader of <b>{esc(group)}</b>.",
        text=f"{nominee} {verb} your nomination for leader of {group}.",
    )


def _tally_lines(tally: list[tuple[str, int]]) -> str:
    return "\n".join(
        f"• {esc(name)}: {votes} vote{'s' if votes != 1 else ''}" for name, votes in tally
    )


def _tally_text(tally: list[tuple[str, int]]) -> str:
    return ", ".join(f"{name} {votes}" for name, votes in tally)


def election_won(
    group: str,
    winner: str,
    runner_up: str | None,
    tally: list[tuple[str, int]],
    term_ends_at: datetime,
    zone: ZoneInfo,
) -> Message:
    """The result: a new (or re-elected) leader."""
    alternate = f"\nAlternate: <b>{esc(runner_up)}</b>" if runner_up else ""
    return Message(
        html=f"🗳 <b>Election result — {esc(group)}</b>\n\n{_tally_lines(tally)}\n\n"
        f"Leader: <b>{esc(winner)}</b> until {local_date(term_ends_at, zone)}{alternate}\n\n"
        "Thank you to everyone who took part.",
        text=f"Election result for {group}: {winner} is leader"
        + (f", {runner_up} alternate" if runner_up else "")
        + f". Votes: {_tally_text(tally)}.",
    )


def election_tied(group: str, tally: list[tuple[str, int]], runoff: bool) -> Message:
    """A tie: a runoff follows, or (after a runoff) officers decide."""
    follow = (
        "A runoff between the tied candidates opens now; watch for the message."
        if runoff
        else "The runoff tied again, so the Crime Prevention Unit will appoint the leader."
    )
    return Message(
        html=f"🗳 <b>Election result — {esc(group)}</b>\n\n{_tally_lines(tally)}\n\n"
        f"It's a tie. {follow}",
        text=f"Election for {group} tied ({_tally_text(tally)}). {follow}",
    )


def election_without_candidates(group: str) -> Message:
    """Nobody accepted a nomination."""
    return Message(
        html=f"🗳 The election for leader of <b>{esc(group)}</b> closed without candidates. "
        "The leadership is unchanged; a new election can be opened at any time.",
        text=f"The election for leader of {group} closed without candidates.",
    )


def officers_runoff_tied(group: str, code: str, tally: list[tuple[str, int]]) -> Message:
    """Officers: a runoff tied; appoint a leader."""
    return Message(
        html=f"🗳 The runoff for leader of <b>{esc(group)}</b> tied again "
        f"({esc(_tally_text(tally))}). Please appoint a leader with /setleader {esc(code)}.",
        text=f"The runoff for leader of {group} tied again. Appoint a leader: /setleader {code}",
    )


def election_reviewed(group: str, winner: str, certified: bool, note: str) -> Message:
    """An officer certified or overturned the result."""
    if certified:
        return Message(
            html=f"✅ The Crime Prevention Unit certified the election of <b>{esc(winner)}</b> "
            f"as leader of <b>{esc(group)}</b>.",
            text=f"The election of {winner} as leader of {group} was certified.",
        )
    reason = f"\nReason: {esc(note)}" if note else ""
    return Message(
        html=f"⚠️ The Crime Prevention Unit overturned the election of <b>{esc(winner)}</b> as "
        f"leader of <b>{esc(group)}</b>.{reason}\n\nThe group has no elected leader until a new "
        "election; an officer can open one.",
        text=f"The election of {winner} as leader of {group} was overturned"
        + (f": {note}" if note else "")
        + ".",
    )


def term_ending(group: str, leader: str, ends_at: datetime, zone: ZoneInfo) -> Message:
    """30 days before a term ends."""
    when = local_date(ends_at, zone)
    return Message(
        html=f"🗳 {esc(leader)}'s term as leader of <b>{esc(group)}</b> ends on {when}. Time to "
        "elect again: the leader or an officer can open an election with /election open.",
        text=f"{leader}'s term as leader of {group} ends on {when}. Time to elect again.",
    )
