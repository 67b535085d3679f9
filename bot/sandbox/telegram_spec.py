"""Checks Bot API calls against the published Telegram spec, the way the real server would.

The spec is ``bot/sandbox/specs/telegram_bot_api.json`` (copied from ``../shared/specs``).
Structural checks (unknown method, missing or unknown field, wrong type, nested objects such as
``reply_markup`` and ``scope``) come from the spec; the rules the spec only states in prose
(text lengths, Telegram's HTML dialect, callback data size, command names) are coded here.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(
    os.environ.get(
        "TELEGRAM_BOT_API_SPEC",
        Path(__file__).resolve().parent / "specs" / "telegram_bot_api.json",
    )
)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_KEYBOARD_BUTTONS = 100
MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION_LENGTH = 256
MAX_PHOTO_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILE_UPLOAD_BYTES = 50 * 1024 * 1024

# python-telegram-bot's ext.Defaults sends these to every send method, whether the method has
# them or not (sendContact gets parse_mode). Telegram ignores unknown parameters, so they pass.
PTB_DEFAULTS_KEYS = frozenset(
    {
        "allow_sending_without_reply",
        "disable_notification",
        "explanation_parse_mode",
        "link_preview_options",
        "parse_mode",
        "protect_content",
        "question_parse_mode",
        "text_parse_mode",
    }
)
UNPARSABLE_MARKUP = "can't parse reply keyboard markup JSON object"
PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
CHAT_ID_STRING_RE = re.compile(r"-?\d+|@[A-Za-z][A-Za-z0-9_]{3,}")
INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
KEYBOARD_BUTTON_REQUESTS = (
    "request_users",
    "request_chat",
    "request_managed_bot",
    "request_contact",
    "request_location",
    "request_poll",
    "web_app",
)
URL_BUTTON_SCHEMES = ("http://", "https://", "tg://")
EDIT_METHODS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"}
)

_SCALARS: dict[str, Callable[[object], bool]] = {
    "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "Boolean": lambda v: isinstance(v, bool),
}
_CONSTANT_RE = re.compile(r"(?:must be|always) \"?([a-z_]+)\"?\s*$")


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _kind(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


# --------------------------------------------------------------------------------------------
# The spec
# --------------------------------------------------------------------------------------------


class TelegramSpec:
    """The published Bot API spec, with a structural checker for values of its types."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data["version"]
        self.methods: dict[str, dict[str, Any]] = dict(data["methods"])
        self.types: dict[str, dict[str, Any]] = dict(data["types"])
        # Subtypes carry a discriminator ("type", "status", "source") whose value is only
        # given in prose, e.g. "Scope type, must be chat".
        self._constants: dict[str, tuple[str, str]] = {}
        for name, spec_type in self.types.items():
            fields = spec_type.get("fields") or []
            if spec_type.get("subtype_of") and fields:
                match = _CONSTANT_RE.search(fields[0].get("description", ""))
                if match:
                    self._constants[name] = (fields[0]["name"], match.group(1))

    def fields(self, method: str) -> dict[str, dict[str, Any]]:
        """The fields of ``method`` by name (empty for an unknown method)."""
        return {f["name"]: f for f in self.methods.get(method, {}).get("fields", [])}

    def check_value(self, value: object, types: Sequence[str], path: str) -> list[str]:
        """Problems of ``value`` against a union of spec type expressions; [] when it fits."""
        best: list[str] | None = None
        for type_name in types:
            problems = self._check_one(value, type_name, path)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        return best or []

    def _check_one(self, value: object, type_name: str, path: str) -> list[str]:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{path}: expected {type_name}, got {_kind(value)}"]
            inner = type_name.removeprefix("Array of ")
            problems: list[str] = []
            for index, item in enumerate(value):
                problems += self.check_value(item, [inner], f"{path}[{index}]")
            return problems
        scalar = _SCALARS.get(type_name)
        if scalar is not None:
            return [] if scalar(value) else [f"{path}: expected {type_name}, got {_kind(value)}"]
        if type_name == "InputFile":
            # Uploaded files travel as multipart parts; the parameter itself is a string
            # (file_id, URL or attach://name) or absent.
            return [] if isinstance(value, str) else [f"{path}: expected InputFile"]
        spec_type = self.types.get(type_name)
        if spec_type is None:
            return [f"{path}: type {type_name} is not in the spec"]
        if spec_type.get("subtypes"):
            return self.check_value(value, spec_type["subtypes"], path)
        return self._check_object(value, type_name, spec_type, path)

    def _check_object(
        self, value: object, type_name: str, spec_type: Mapping[str, Any], path: str
    ) -> list[str]:
        if not isinstance(value, dict):
            return [f"{path}: expected {type_name} object, got {_kind(value)}"]
        fields = {f["name"]: f for f in spec_type.get("fields", [])}
        problems = [
            f'{path}: unknown field "{key}" in {type_name}' for key in value if key not in fields
        ]
        for name, spec_field in fields.items():
            if name not in value:
                if spec_field["required"]:
                    problems.append(f'{path}: {type_name} requires field "{name}"')
                continue
            problems += self.check_value(value[name], spec_field["types"], f"{path}.{name}")
        constant = self._constants.get(type_name)
        if constant and value.get(constant[0]) != constant[1]:
            problems.append(f'{path}.{constant[0]}: {type_name} must have "{constant[1]}"')
        return problems

    def decode_params(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Decode JSON strings given for object or array fields, as the server does.

        Scalars stay as they are: a string for an Integer field is reported, not converted.
        """
        fields = self.fields(method)
        decoded = dict(params)
        for name, value in params.items():
            types = fields.get(name, {}).get("types", [])
            if isinstance(value, str) and types and not {*_SCALARS, "InputFile"} & set(types):
                try:
                    decoded[name] = json.loads(value)
                except ValueError:
                    decoded[name] = value
        return decoded


@cache
def load_spec(path: Path = SPEC_PATH) -> TelegramSpec:
    """Load the spec file (once per process)."""
    return TelegramSpec(json.loads(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------------------------
# Telegram's HTML dialect
# --------------------------------------------------------------------------------------------

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_HTML_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NAME_TOKEN_RE = re.compile(r"[A-Za-z0-9._:-]*")


class EntityParseError(ValueError):
    """Raised for text Telegram refuses with "can't parse entities"."""


@dataclass
class ParsedText:
    """Text after entity parsing: what the recipient sees, and the entities found."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    start: int  # UTF-16 offset in the parsed text


def _decode_entity(source: str, pos: int) -> tuple[str, int] | None:
    match = _HTML_ENTITY_RE.match(source, pos)
    if match is None:
        return None
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


class _HtmlParser:
    """A port of the rules of TDLib's ``parse_html``; ``strict`` refuses bare ``&`` and ``>``.

    The server lets a bare ``&`` or ``>`` through, but the Bot API documentation requires them
    escaped, and a bot that forgets it also forgets to escape ``<`` in the same user text.
    """

    def __init__(self, source: str, *, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self.pos = 0
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def _byte_offset(self, pos: int) -> int:
        return len(self.source[:pos].encode("utf-8"))

    def _error(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_length(text)

    def parse(self) -> ParsedText:
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            decoded = _decode_entity(source, self.pos) if char == "&" else None
            if decoded is not None:
                self._emit(decoded[0])
                self.pos = decoded[1]
            elif self.strict and char in "&>":
                escape = "&amp; or a complete entity" if char == "&" else "&gt;"
                offset = self._byte_offset(self.pos)
                raise self._error(f'Unescaped "{char}" at byte offset {offset}: write {escape}')
            elif char == "<":
                if source.startswith("</", self.pos):
                    self._end_tag()
                else:
                    self._start_tag()
            else:
                self._emit(char)
                self.pos += 1
        if self.stack:
            raise self._error(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def _skip_spaces(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1

    def _start_tag(self) -> None:
        source, begin = self.source, self.pos
        where = f"at byte offset {self._byte_offset(begin)}"
        self.pos += 1
        while self.pos < len(source) and not source[self.pos].isspace() and source[self.pos] != ">":
            self.pos += 1
        if self.pos >= len(source):
            raise self._error(f"Unclosed start tag {where}")
        name = source[begin + 1 : self.pos].lower()
        if name not in _HTML_TAGS:
            raise self._error(f'Unsupported start tag "{name}" {where}')
        attributes: dict[str, str] = {}
        while True:
            self._skip_spaces()
            if self.pos >= len(source):
                raise self._error(f"Unclosed start tag {where}")
            if source[self.pos] == ">":
                self.pos += 1
                break
            attr_begin = self.pos
            while self.pos < len(source) and not (
                source[self.pos].isspace() or source[self.pos] in "=>"
            ):
                self.pos += 1
            attribute = source[attr_begin : self.pos].lower()
            if not attribute:
                raise self._error(f'Empty attribute name in the tag "{name}" {where}')
            self._skip_spaces()
            if self.pos >= len(source) or source[self.pos] != "=":
                if name == "blockquote" and attribute == "expandable":
                    attributes[attribute] = ""
                    continue
                raise self._error(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"{where}"
                )
            self.pos += 1
            self._skip_spaces()
            attributes[attribute] = self._attribute_value(where)
        self._check_tag(name, attributes, where)
        self.stack.append(_OpenTag(name, attributes, self.offset))

    def _attribute_value(self, where: str) -> str:
        source = self.source
        if self.pos >= len(source):
            raise self._error(f"Unclosed start tag {where}")
        quote = source[self.pos]
        if quote not in "'\"":
            match = _NAME_TOKEN_RE.match(source, self.pos)
            assert match is not None
            self.pos = match.end()
            if self.pos >= len(source) or not (
                source[self.pos].isspace() or source[self.pos] == ">"
            ):
                offset = self._byte_offset(match.start())
                raise self._error(f"Unexpected end of name token at byte offset {offset}")
            return match.group()
        value: list[str] = []
        self.pos += 1
        while self.pos < len(source) and source[self.pos] != quote:
            # Inside attribute values the server, like browsers, keeps a bare "&" literally.
            decoded = _decode_entity(source, self.pos) if source[self.pos] == "&" else None
            if decoded:
                value.append(decoded[0])
                self.pos = decoded[1]
            else:
                value.append(source[self.pos])
                self.pos += 1
        if self.pos >= len(source):
            raise self._error(f"Unclosed start tag {where}")
        self.pos += 1
        return "".join(value)

    def _check_tag(self, name: str, attributes: Mapping[str, str], where: str) -> None:
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise self._error(f'Tag "span" must have class "tg-spoiler" {where}')
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise self._error(f'Tag "tg-emoji" must have a numeric "emoji-id" {where}')

    def _end_tag(self) -> None:
        source, begin = self.source, self.pos
        where = f"at byte offset {self._byte_offset(begin)}"
        if not self.stack:
            raise self._error(f"Unexpected end tag {where}")
        close = source.find(">", begin + 2)
        if close < 0:
            raise self._error(f"Unclosed end tag {where}")
        name = source[begin + 2 : close].strip().lower()
        opened = self.stack[-1]
        if name and name != opened.name:
            raise self._error(
                f'Unmatched end tag {where}, expected "</{opened.name}>", found "</{name}>"'
            )
        self.pos = close + 1
        self.stack.pop()
        self._close_entity(opened)

    def _close_entity(self, tag: _OpenTag) -> None:
        length = self.offset - tag.start
        parent = self.stack[-1] if self.stack else None
        language = tag.attributes.get("class", "")
        if tag.name == "code" and parent and parent.name == "pre":
            if language.startswith("language-"):
                parent.attributes["language"] = language.removeprefix("language-")
            return
        if length == 0:
            return
        entity: dict[str, Any] = {"type": _HTML_TAGS[tag.name], "offset": tag.start}
        entity["length"] = length
        if tag.name == "a":
            href = tag.attributes.get("href")
            if not href:
                return
            entity["url"] = href
        elif tag.name == "pre" and tag.attributes.get("language"):
            entity["language"] = tag.attributes["language"]
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes["emoji-id"]
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(text: str, *, strict: bool = True) -> ParsedText:
    """Parse ``text`` as Telegram's HTML parse mode does; raise EntityParseError if refused.

    ``strict`` also refuses a bare ``&`` or ``>``, which the documentation forbids and the
    server tolerates.
    """
    return _HtmlParser(text, strict=strict).parse()


def parse_formatted(text: str, parse_mode: str | None, *, strict: bool = True) -> ParsedText:
    """Text after entity parsing. Markdown modes are not parsed (their length is the raw one)."""
    if parse_mode and parse_mode.lower() == "html":
        return parse_html(text, strict=strict)
    return ParsedText(text)


# --------------------------------------------------------------------------------------------
# Validation of one call
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason Telegram refuses a call: the HTTP status, its description, and our detail."""

    status: int
    description: str
    detail: str = ""

    def violation(self, method: str) -> str:
        """The line recorded in ``FakeBotAPI.violations``."""
        suffix = f" [{self.detail}]" if self.detail else ""
        return f"{method}: {self.description}{suffix}"


def _bad(description: str, detail: str = "") -> Problem:
    return Problem(400, f"Bad Request: {description}", detail)


class CallValidator:
    """Validates one Bot API call (method, decoded parameters, uploaded part sizes)."""

    def __init__(self, spec: TelegramSpec | None = None, *, strict_html: bool = True) -> None:
        self.spec = spec or load_spec()
        self.strict_html = strict_html

    def validate(
        self, method: str, params: Mapping[str, Any], uploads: Mapping[str, int]
    ) -> list[Problem]:
        """All problems of the call, most telling first; [] when Telegram would accept it."""
        if method not in self.spec.methods:
            return [Problem(404, "Not Found", f"unknown method {method}")]
        fields = self.spec.fields(method)
        problems = [
            _bad(f'unknown parameter "{name}"')
            for name in params
            if name not in fields and name not in PTB_DEFAULTS_KEYS
        ]
        for name, spec_field in fields.items():
            if name in params:
                problems += self._check_field(name, params[name], spec_field, uploads)
            elif spec_field["required"] and name not in uploads:
                problems.append(self._missing(name))
        if not problems:
            problems += self._check_rules(method, params, uploads)
        return problems

    @staticmethod
    def _missing(name: str) -> Problem:
        if name == "chat_id":
            return _bad("chat_id is empty")
        if name == "text":
            return _bad("message text is empty")
        return _bad(f'parameter "{name}" is required')

    def _check_field(
        self, name: str, value: object, spec_field: Mapping[str, Any], uploads: Mapping[str, int]
    ) -> list[Problem]:
        found = self.spec.check_value(value, spec_field["types"], name)
        if found:
            description = (
                UNPARSABLE_MARKUP if name == "reply_markup" else f'wrong type of parameter "{name}"'
            )
            return [_bad(description, detail) for detail in found]
        if isinstance(value, str) and value.startswith("attach://"):
            part = value.removeprefix("attach://")
            if part not in uploads:
                return [_bad(f'file "{part}" referenced by "{name}" was not uploaded')]
        if (
            name in ("chat_id", "from_chat_id")
            and isinstance(value, str)
            and not CHAT_ID_STRING_RE.fullmatch(value)
        ):
            return [_bad("chat not found", f"{name}={value!r} is neither digits nor @name")]
        return []

    def _check_rules(
        self, method: str, params: Mapping[str, Any], uploads: Mapping[str, int]
    ) -> list[Problem]:
        problems: list[Problem] = []
        parse_mode = params.get("parse_mode")
        if parse_mode and parse_mode.lower() not in PARSE_MODES:
            problems.append(_bad(f"unsupported parse_mode {parse_mode!r}"))
            parse_mode = None
        if method in ("sendMessage", "editMessageText"):
            problems += self._check_text(params, parse_mode, self.strict_html)
        if "caption" in params:
            problems += self._check_caption(params["caption"], parse_mode, self.strict_html)
        if method in EDIT_METHODS and "inline_message_id" not in params:
            if "chat_id" not in params:
                problems.append(_bad("chat_id is empty"))
            if "message_id" not in params:
                problems.append(_bad("message identifier is not specified"))
        if "reply_markup" in params:
            problems += self._check_markup(params["reply_markup"])
        if method == "setMyCommands":
            problems += self._check_commands(params["commands"])
        answer = params.get("text", "") if method == "answerCallbackQuery" else ""
        if len(answer) > MAX_CALLBACK_ANSWER_LENGTH:
            problems.append(_bad("MESSAGE_TOO_LONG", "callback answer text > 200 characters"))
        if method in ("sendLocation", "editMessageLiveLocation"):
            if not -90 <= params.get("latitude", 0) <= 90:
                problems.append(_bad("wrong latitude specified"))
            if not -180 <= params.get("longitude", 0) <= 180:
                problems.append(_bad("wrong longitude specified"))
        for part, size in uploads.items():
            limit = MAX_PHOTO_UPLOAD_BYTES if part == "photo" else MAX_FILE_UPLOAD_BYTES
            if size > limit:
                problems.append(Problem(413, "Request Entity Too Large", f"{part}: {size} bytes"))
        return problems

    @staticmethod
    def _check_text(
        params: Mapping[str, Any], parse_mode: str | None, strict: bool
    ) -> list[Problem]:
        if "text" not in params:
            # editMessageText may carry rich_message instead; sendMessage was caught earlier.
            return [] if "rich_message" in params else [_bad("message text is empty")]
        try:
            parsed = parse_formatted(params["text"], parse_mode, strict=strict)
        except EntityParseError as exc:
            return [_bad(f"can't parse entities: {exc}")]
        if not parsed.text.strip():
            return [_bad("message text is empty")]
        if len(parsed.text) > MAX_TEXT_LENGTH:
            detail = f"{len(parsed.text)} characters after entity parsing"
            return [_bad("message is too long", detail)]
        return []

    @staticmethod
    def _check_caption(caption: str, parse_mode: str | None, strict: bool) -> list[Problem]:
        try:
            parsed = parse_formatted(caption, parse_mode, strict=strict)
        except EntityParseError as exc:
            return [_bad(f"can't parse entities: {exc}")]
        if len(parsed.text) > MAX_CAPTION_LENGTH:
            detail = f"{len(parsed.text)} characters after entity parsing"
            return [_bad("message caption is too long", detail)]
        return []

    @staticmethod
    def _check_markup(markup: Mapping[str, Any]) -> list[Problem]:
        problems: list[Problem] = []
        if "inline_keyboard" in markup:
            buttons = [b for row in markup["inline_keyboard"] for b in row]
            if len(buttons) > MAX_INLINE_KEYBOARD_BUTTONS:
                problems.append(_bad("REPLY_MARKUP_TOO_LONG", f"{len(buttons)} buttons"))
            for button in buttons:
                problems += _check_inline_button(button)
        elif "keyboard" in markup:
            for row in markup["keyboard"]:
                for button in row:
                    requests = [key for key in KEYBOARD_BUTTON_REQUESTS if key in button]
                    if not button["text"]:
                        problems.append(_bad("keyboard button text is empty"))
                    if len(requests) > 1:
                        problems.append(_bad("keyboard button requests more than one thing"))
        elif "remove_keyboard" in markup and markup["remove_keyboard"] is not True:
            problems.append(_bad(UNPARSABLE_MARKUP, "remove_keyboard must be true"))
        elif "force_reply" in markup and markup["force_reply"] is not True:
            problems.append(_bad(UNPARSABLE_MARKUP, "force_reply must be true"))
        return problems

    @staticmethod
    def _check_commands(commands: Sequence[Mapping[str, Any]]) -> list[Problem]:
        if not 1 <= len(commands) <= MAX_COMMANDS:
            return [_bad("BOT_COMMANDS_TOO_MUCH" if commands else "commands list is empty")]
        problems: list[Problem] = []
        for command in commands:
            if not COMMAND_RE.fullmatch(command["command"]):
                problems.append(_bad("BOT_COMMAND_INVALID", repr(command["command"])))
            if not 1 <= len(command["description"]) <= MAX_COMMAND_DESCRIPTION_LENGTH:
                problems.append(_bad("BOT_COMMAND_DESCRIPTION_INVALID", repr(command["command"])))
        return problems


def _check_inline_button(button: Mapping[str, Any]) -> list[Problem]:
    actions = [key for key in INLINE_BUTTON_ACTIONS if key in button]
    label = repr(button["text"])
    if not button["text"]:
        return [_bad("BUTTON_TEXT_INVALID", "empty button text")]
    if not actions:
        return [
            _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the "
                "inline keyboard",
                label,
            )
        ]
    if len(actions) > 1:
        return [
            _bad(
                "can't parse inline keyboard button: exactly one of the optional fields "
                "must be used",
                f"{label} has {', '.join(actions)}",
            )
        ]
    data = button.get("callback_data")
    if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
        size = len(data.encode("utf-8"))
        return [_bad("BUTTON_DATA_INVALID", f"{label}: {size} bytes of callback_data")]
    url = button.get("url")
    if url is not None and not url.startswith(URL_BUTTON_SCHEMES):
        return [_bad("BUTTON_URL_INVALID", f"{label}: {url!r}")]
    return []
