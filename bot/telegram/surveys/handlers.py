"""The requester's side in Telegram: /survey (kind, where, what worries them, the times that
suit, review with Send, Edit and Cancel), the answers to an officer's proposal and the
follow-up, /mysurveys (cancel, another time, delete, each asked first), and what /forget offers.

The request lives in the chat's stored flow until Send, so /cancel leaves nothing behind; Send
takes the review step in the transaction that stores the request, so it is stored once however
it is pressed. Free text in the flow is checked for emergencies by the router first.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.telegram import texts as common_texts
from bot.telegram.common import (
    Context,
    button_in_flow,
    buttons,
    chat_id,
    edit_or_reply,
    guarded,
    keep_and_follow,
    reply,
    services,
    toast_guarded,
    unversioned,
    user_id,
    versioned,
)
from bot.telegram.dates import parse_date
from bot.telegram.surveys import texts
from core.errors import Conflict, InvalidInput
from core.surveys import messages
from core.surveys.rules import (
    BOAT,
    COMMERCIAL,
    DAY_PARTS,
    KINDS,
    SCHEDULED,
    STATUSES,
    TELEGRAM,
    WINDOWS_MAX,
    WINDOWS_MIN,
    Requester,
    SurveyDraft,
    checked,
    clean_address,
    clean_concern,
    clean_name,
    clean_slip,
    clean_vessel,
    window,
)
from core.timefmt import local

SURVEY = "survey"
# The parts asked, by kind, in order; the times that suit come last.
PARTS = {
    "residential": ("address", "concern"),
    COMMERCIAL: ("business", "contact", "address", "concern"),
    BOAT: ("marina", "slip", "vessel", "concern"),
}
CLEAN = {
    "address": clean_address,
    "business": lambda text: clean_name(text, "business name"),
    "contact": lambda text: clean_name(text, "contact"),
    "marina": lambda text: clean_name(text, "marina"),
    "slip": clean_slip,
    "vessel": clean_vessel,
    "concern": clean_concern,
}
PART_WORDS = {"am": "morning", "pm": "afternoon", "night": "evening", "anytime": "any"}


def requester(update: Update) -> Requester:
    """The chat a request comes from."""
    return Requester.telegram(chat_id(update), user_id(update))


def _draft(data: dict[str, Any]) -> SurveyDraft:
    return SurveyDraft(
        kind=str(data.get("kind") or ""),
        address=data.get("address"),
        business=data.get("business"),
        contact=data.get("contact"),
        marina=data.get("marina"),
        slip=data.get("slip"),
        vessel=data.get("vessel"),
        concern=str(data.get("concern") or ""),
        windows=tuple(data.get("windows") or ()),
    )


def _markup(step: str, version: int, data: dict[str, Any]) -> InlineKeyboardMarkup | None:
    """A step's buttons, made for the flow's version (an older message's are stale)."""
    if step == "kind":
        return buttons(
            [[(label, versioned(f"svq:k:{key}", version))] for key, label in texts.KIND_BUTTONS]
        )
    if step in ("windows", "e:windows"):
        rows = []
        if len(data.get("windows") or ()) >= WINDOWS_MIN:
            rows.append([(texts.WINDOWS_DONE, versioned("svq:done", version))])
        if step == "e:windows":
            rows.append([(texts.KEEP_AS_IS, versioned("svq:keep", version))])
        return buttons(rows) if rows else None
    if step == "review":
        return buttons(
            [
                [
                    (texts.SEND, versioned("svq:send", version)),
                    (texts.EDIT, versioned("svq:edit", version)),
                    (texts.CANCEL, versioned("svq:cancel", version)),
                ]
            ]
        )
    if step == "edit":
        parts = [*PARTS[str(data["kind"])], "windows"]
        rows = [[(texts.PART_LABELS[p], versioned(f"svq:e:{p}", version))] for p in parts]
        rows.append([(texts.KEEP_AS_IS, versioned("svq:keep", version))])
        return buttons(rows)
    if step.startswith("e:"):
        return buttons([[(texts.KEEP_AS_IS, versioned("svq:keep", version))]])
    return None


def _prompt(step: str, data: dict[str, Any]) -> str:
    if step == "review":
        return texts.review(messages.body_lines(checked(_draft(data))))
    if step == "kind":
        return texts.ASK_KIND
    if step == "edit":
        return texts.ASK_EDIT
    part = step.removeprefix("e:")
    if part == "windows":
        taken = data.get("windows") or []
        if taken:
            label = messages.window_label(taken[-1])
            return texts.window_taken(label, len(taken), WINDOWS_MAX)
        return texts.ASK_WINDOWS
    return texts.ASK[part]


async def goto(update: Update, context: Context, data: dict[str, Any], step: str) -> None:
    """Store the flow at `step` and ask its question (editing the pressed message)."""
    version = await services(context).flows.put(chat_id(update), SURVEY, step, data)
    await edit_or_reply(update, _prompt(step, data), _markup(step, version, data))


def _next(data: dict[str, Any], part: str) -> str:
    """The step after a part: the next part, the times, or (editing) the review."""
    if data.get("editing"):
        return "review"
    parts = PARTS[str(data["kind"])]
    index = parts.index(part) + 1
    return parts[index] if index < len(parts) else "windows"


@guarded
async def survey_command(update: Update, context: Context) -> None:
    """/survey: the guided request, starting with what to survey (refused at once past the
    day's limit, rather than after the whole request is typed)."""
    await services(context).surveys.requests.check_limit(requester(update))
    await goto(update, context, {}, "kind")


def read_window(text: str, today: Any) -> str:
    """'12/8 morning', 'Dec 9 pm', 'tomorrow' as a stored window, checked (no past days)."""
    words = text.strip().lower().replace(",", " ").split()
    if not words:
        raise InvalidInput(texts.WINDOW_FORMAT)
    part = PART_WORDS.get(words[-1], words[-1])
    if part in DAY_PARTS and len(words) > 1:
        words = words[:-1]
    else:
        part = "any"
    try:
        day = parse_date(" ".join(words), today)
    except InvalidInput as error:
        if "doesn't exist" in str(error):
            raise
        raise InvalidInput(texts.WINDOW_FORMAT) from None
    return window(day, part, today)


async def survey_step(update: Update, context: Context, step: str, data: dict[str, Any]) -> None:
    """A message in the /survey flow: what does not fit the step gets the reason and the
    step stays as it was."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    if step in ("kind", "review", "edit"):
        await reply(update, common_texts.USE_BUTTONS)
        return
    if not text:
        raise InvalidInput(texts.TEXT_EXPECTED)
    part = step.removeprefix("e:")
    if part == "windows":
        svc = services(context)
        today = svc.clock.now().astimezone(svc.settings.zone).date()
        taken = list(data.get("windows") or [])
        value = read_window(text, today)
        if value not in taken:
            taken.append(value)
        data["windows"] = taken
        if len(taken) >= WINDOWS_MAX:
            data.pop("editing", None)
            data.pop("before", None)
            await goto(update, context, data, "review")
        else:
            await goto(update, context, data, step)
        return
    data[part] = CLEAN[part](text)
    following = _next(data, part)
    if following == "review":
        data.pop("editing", None)
    await goto(update, context, data, following)


@guarded
async def survey_button(update: Update, context: Context) -> None:
    """The /survey flow's buttons (svq:...)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action = unversioned(query.data).removeprefix("svq:")
    pressed = await button_in_flow(update, context, SURVEY)
    if pressed is None:
        return
    step = pressed.flow.step
    data: dict[str, Any] = dict(pressed.flow.data)
    svc = services(context)
    if step == "kind" and action.startswith("k:") and action[2:] in KINDS:
        data["kind"] = action[2:]
        await goto(update, context, data, PARTS[action[2:]][0])
    elif step in ("windows", "e:windows") and action == "done":
        if len(data.get("windows") or ()) < WINDOWS_MIN:
            raise Conflict(texts.STEP_EXPIRED)
        data.pop("editing", None)
        data.pop("before", None)
        await goto(update, context, data, "review")
    elif step == "review" and action == "send":
        filed = await svc.surveys.requests.file(
            _draft(data), requester(update), claim=pressed.claim
        )
        await keep_and_follow(update, texts.filed(filed.reference, filed.emergency))
    elif step == "review" and action == "edit":
        await goto(update, context, data, "edit")
    elif step == "edit" and action.startswith("e:"):
        part = action[2:]
        if part not in (*PARTS[str(data["kind"])], "windows"):
            raise Conflict(texts.STEP_EXPIRED)
        data["editing"] = True
        if part == "windows":
            data["before"] = data.get("windows") or []
            data["windows"] = []
        await goto(update, context, data, f"e:{part}")
    elif (step == "edit" or step.startswith("e:")) and action == "keep":
        if data.get("before") is not None and step == "e:windows":
            data["windows"] = data["before"]
        data.pop("before", None)
        data.pop("editing", None)
        await goto(update, context, data, "review")
    elif step == "review" and action == "cancel":
        await svc.flows.clear(chat_id(update))
        await keep_and_follow(update, texts.CANCELLED)
    else:
        raise Conflict(texts.STEP_EXPIRED)


# The proposal and the follow-up (buttons of messages sent through the outbox)


def _address(update: Update) -> str:
    return str(chat_id(update))


@guarded
async def answer_button(update: Update, context: Context) -> None:
    """svr:a:ID:P accepts proposal P, svr:n:ID:P asks for another time."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    if len(parts) != 4 or not (parts[2].isdigit() and parts[3].isdigit()):
        raise Conflict(texts.STEP_EXPIRED)
    accept = parts[1] == "a"
    survey, moved = await services(context).surveys.requests.answer(
        TELEGRAM, _address(update), int(parts[2]), int(parts[3]), accept
    )
    ref = survey.reference
    done = (texts.MOVED if moved else texts.ACCEPTED) if accept else texts.DECLINED
    await keep_and_follow(update, done.format(ref=ref))


@toast_guarded
async def follow_up_button(update: Update, context: Context) -> str | None:
    """svr:f:ID:ITEM marks a recommendation done; svr:fn:ID says none yet."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    if len(parts) < 3 or not parts[2].isdigit():
        raise Conflict(texts.STEP_EXPIRED)
    requests = services(context).surveys.requests
    if parts[1] == "fn":
        await requests.one_of_mine(TELEGRAM, _address(update), int(parts[2]))
        return texts.NOTHING_YET
    if parts[1] != "f" or len(parts) != 4:
        raise Conflict(texts.STEP_EXPIRED)
    label, changed = await requests.follow_up_done(
        TELEGRAM, _address(update), int(parts[2]), parts[3]
    )
    return texts.done_noted(label, changed)


# /mysurveys


@guarded
async def mysurveys(update: Update, context: Context) -> None:
    """/mysurveys: this chat's requests and where they stand, with what can be done."""
    await show_mine(update, context)


async def show_mine(update: Update, context: Context) -> None:
    """The requester's list (edits the pressed message)."""
    svc = services(context)
    mine = await svc.surveys.requests.mine(TELEGRAM, _address(update))
    if not mine:
        await edit_or_reply(update, texts.NO_SURVEYS)
        return
    zone = svc.settings.zone
    lines, rows = [], []
    for s in mine:
        lines.append(
            texts.mine_line(
                s.reference,
                messages.kind_label(s.kind),
                messages.preview(messages.place_text(s)),
                STATUSES.get(s.status, s.status),
                local(s.created_at, zone),
                messages.visit_line(s, zone) or "",
            )
        )
        if s.status == SCHEDULED:
            rows.append([(texts.another_label(s.reference), f"svm:r:{s.id}")])
        if s.is_open:
            rows.append([(texts.cancel_label(s.reference), f"svm:x:{s.id}")])
        rows.append([(texts.delete_label(s.reference), f"svm:d:{s.id}")])
    await edit_or_reply(update, texts.mine(lines), buttons(rows))


QUESTIONS = {
    "x": (texts.cancel_question, texts.YES_CANCEL, "xy"),
    "r": (texts.another_question, texts.YES_ANOTHER, "ry"),
    "d": (texts.delete_question, texts.YES_DELETE, "dy"),
}


@guarded
async def mine_button(update: Update, context: Context) -> None:
    """svm:x|r|d:ID asks first; svm:xy|ry|dy:ID does it; svm:k:ID keeps; svm:fg:yes|no is
    /forget's."""
    query = update.callback_query
    assert query is not None and query.data is not None
    requests = services(context).surveys.requests
    parts = query.data.split(":")
    action, arg = parts[1], parts[2] if len(parts) > 2 else ""
    address = _address(update)
    if action == "fg":
        if arg == "yes":
            count = await requests.forget(TELEGRAM, address)
            await edit_or_reply(update, texts.forgotten(count))
        else:
            await edit_or_reply(update, texts.FORGET_KEPT)
        return
    if not arg.isdigit():
        raise Conflict(texts.STEP_EXPIRED)
    survey_id = int(arg)
    if action in QUESTIONS:
        survey = await requests.one_of_mine(TELEGRAM, address, survey_id)
        question, yes, confirm = QUESTIONS[action]
        rows = [[(yes, f"svm:{confirm}:{survey_id}"), (texts.KEEP, f"svm:k:{survey_id}")]]
        await reply(update, question(survey.reference), buttons(rows))
    elif action == "xy":
        survey = await requests.cancel(TELEGRAM, address, survey_id)
        await edit_or_reply(update, texts.cancelled(survey.reference))
    elif action == "ry":
        survey = await requests.ask_another(TELEGRAM, address, survey_id)
        await edit_or_reply(update, texts.another_asked(survey.reference))
    elif action == "dy":
        reference = await requests.delete_mine(TELEGRAM, address, survey_id)
        await edit_or_reply(update, texts.deleted(reference))
    elif action == "k":
        survey = await requests.one_of_mine(TELEGRAM, address, survey_id)
        await edit_or_reply(update, texts.kept(survey.reference))
    else:
        raise Conflict(texts.STEP_EXPIRED)


# /forget


async def forget_warning(update: Update, context: Context) -> str | None:
    """For /forget's question: the requests that will go."""
    count = await services(context).surveys.requests.count(TELEGRAM, _address(update))
    return texts.forget_warning(count) if count else None


async def offer_forget(update: Update, context: Context) -> bool:
    """/forget from someone who never registered: offer to delete this chat's requests."""
    count = await services(context).surveys.requests.count(TELEGRAM, _address(update))
    if not count:
        return False
    await reply(
        update,
        texts.forget_confirm(count),
        buttons([[(texts.FORGET_YES, "svm:fg:yes"), (texts.FORGET_NO, "svm:fg:no")]]),
    )
    return True
