"""What the election handlers say in Telegram."""

from __future__ import annotations

from core.markup import esc

ELECTION_USAGE = (
    "<b>Elections</b>\n"
    "/election — the elections in your groups\n"
    "/election open [days] — open an election for your group (leaders; default 7 days)\n"
    "/election open CODE [days] — officers, for any group\n"
    "/election certify ID, /election overturn ID [reason] — officers\n"
    "/nominate — nominate yourself or a member of your group\n"
    "/vote — vote for a candidate"
)


NO_OPEN_ELECTION = "No election is open in your groups right now."


NO_CANDIDATES_YET = "No candidates yet. Nominate yourself or a neighbor with /nominate."


CHOOSE_ELECTION = "Which group's election?"


CHOOSE_NOMINEE = "Whom do you nominate for leader of <b>{group}</b>? (You can nominate yourself.)"


NOBODY_TO_NOMINATE = "Everyone in the group has been nominated already."


SEVERAL_ELECTIONS = (
    "Several of your groups have an election open: send /nominate and use the buttons."
)


REVIEW_USAGE = "Usage: /election certify ID, or /election overturn ID [reason]."


def election_opened(group: str, election_id: int, closes: str) -> str:
    """The leader or officer opened an election."""
    return (
        f"🗳 Election #{election_id} for leader of <b>{esc(group)}</b> is open until "
        f"<b>{closes}</b>. The members were told; they can /nominate and /vote."
    )


def election_status(group: str, closes: str, candidates: list[str], voted_for: str | None) -> str:
    """An open election as a member sees it."""
    lines = [f"🗳 <b>Election for leader of {esc(group)}</b>", f"Closes: {closes}", ""]
    lines += [f"• {c}" for c in candidates] or [NO_CANDIDATES_YET]
    lines += ["", f"Your vote: {esc(voted_for)}" if voted_for else "You haven't voted yet: /vote"]
    return "\n".join(lines)


def election_overview(lines: list[str]) -> str:
    """Officers: recent elections."""
    if not lines:
        return "No elections yet.\n\n" + ELECTION_USAGE
    return "<b>Recent elections</b>\n\n" + "\n".join(lines) + "\n\n" + REVIEW_USAGE


def ballot(group: str, closes: str, voted_for: str | None) -> str:
    """/vote: the candidates are the buttons."""
    mine = (
        f"\nYour vote: <b>{esc(voted_for)}</b> (tap another name to change it)."
        if voted_for
        else ""
    )
    return (
        f"🗳 <b>Vote for leader of {esc(group)}</b>\nOne vote each, changeable until {closes}.{mine}"
    )


def voted(candidate: str, previous: str | None, closes: str) -> str:
    """A vote was recorded."""
    if previous:
        return (
            f"🗳 Your vote is now for <b>{esc(candidate)}</b> (was {esc(previous)}). You can "
            f"change it until {closes}."
        )
    return f"🗳 Your vote for <b>{esc(candidate)}</b> is recorded. You can change it until {closes}."


def nominated(name: str, own: bool, group: str) -> str:
    """A nomination was made."""
    if own:
        return f"✅ You are a candidate for leader of <b>{esc(group)}</b>. Good luck!"
    return (
        f"✅ You nominated <b>{esc(name)}</b> for leader of {esc(group)}. We asked them to "
        "accept; they'll be on the ballot once they do."
    )


def nomination_answered(accepted: bool, group: str) -> str:
    """The nominee answered."""
    if accepted:
        return f"✅ You are a candidate for leader of <b>{esc(group)}</b>. Good luck!"
    return f"You declined the nomination in {esc(group)}. Thank you for letting us know."


def election_reviewed(election_id: int, certified: bool, group: str, winner: str) -> str:
    """An officer certified or overturned a result."""
    verb = "certified" if certified else "overturned"
    extra = "" if certified else " They no longer lead the group; open a new election when ready."
    return (
        f"Election #{election_id} ({esc(group)}, won by {esc(winner)}) is {verb}; the group "
        f"was told.{extra}"
    )
