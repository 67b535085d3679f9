"""Every message goes out in one parse mode. Replies are HTML: every text constant of every
feature must be HTML Telegram accepts. A refusal (a UserError) is plain text, escaped when it is
shown: no refusal may carry markup, or people would read "<b>12/20</b>"."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import bot.telegram
from bot.sandbox.telegram_spec import parse_formatted

ROOT = Path(__file__).resolve().parents[2]
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
REFUSALS = {
    "UserError",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "Conflict",
    "AlreadyDone",
    "NotRegistered",
}


def text_modules() -> list[str]:
    """bot.telegram.texts and each feature's texts module."""
    found = ["bot.telegram.texts"]
    for info in pkgutil.iter_modules(bot.telegram.__path__):
        if info.ispkg:
            try:
                importlib.import_module(f"bot.telegram.{info.name}.texts")
            except ModuleNotFoundError:
                continue
            found.append(f"bot.telegram.{info.name}.texts")
    return [m for m in found if _constants(m)]


def _constants(module: str) -> dict[str, str]:
    """A texts module's string constants (its functions are checked where they are used)."""
    texts = importlib.import_module(module)
    return {n: v for n, v in vars(texts).items() if n.isupper() and isinstance(v, str)}


@pytest.mark.parametrize("module", text_modules())
def test_every_text_constant_is_html_telegram_accepts(module: str) -> None:
    for value in _constants(module).values():
        parse_formatted(value, "HTML", strict=True)  # raises on what Telegram refuses


def _constant(module: str, name: str) -> str | None:
    value = getattr(importlib.import_module(module), name, None)
    return value if isinstance(value, str) else None


def refusal_texts() -> list[tuple[str, str]]:
    """(where, text) of every literal, f-string part or named constant a refusal is raised with
    in bot/ and core/."""
    found = []
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("core").rglob("*.py")]:
        tree = ast.parse(path.read_text())
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        imports = {
            a.asname or a.name: f"{node.module}.{a.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for a in node.names
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            called = node.exc.func
            if not (isinstance(called, ast.Name) and called.id in REFUSALS) or not node.exc.args:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            for part in ast.walk(node.exc.args[0]):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append((where, part.value))
                elif isinstance(part, ast.Name) and part.id.isupper():
                    text = _constant(module, part.id)
                    if text is not None:
                        found.append((where, text))
                elif (
                    isinstance(part, ast.Attribute)
                    and part.attr.isupper()
                    and isinstance(part.value, ast.Name)
                    and part.value.id in imports
                ):
                    text = _constant(imports[part.value.id], part.attr)
                    if text is not None:
                        found.append((where, text))
    return found


def test_refusals_are_plain_text() -> None:
    texts = refusal_texts()
    assert len(texts) > 100  # the scan finds the refusals
    marked = [f"{where}: {text[:60]}" for where, text in texts if TAG.search(text)]
    assert marked == [], "\n".join(marked)


# Prompts answered with buttons only: nothing to type, so nothing to get out of.
BUTTONS_ONLY = {"NEWGROUP_ASK_APPROVAL", "ASK_CATEGORY", "VACATION_ASK_LEADER"}


@pytest.mark.parametrize("module", text_modules())
def test_every_prompt_that_waits_for_text_says_how_to_get_out(module: str) -> None:
    prompts = {n: v for n, v in _constants(module).items() if "ASK" in n and n not in BUTTONS_ONLY}
    stuck = [n for n, v in prompts.items() if "/cancel" not in v]
    assert stuck == []
