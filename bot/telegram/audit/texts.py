"""What the audit log looks like in Telegram."""

from __future__ import annotations


def audit_lines(lines: list[str], only_refused: bool) -> str:
    """`/audit`."""
    title = "Refusals" if only_refused else "Audit log"
    if not lines:
        return f"<b>{title}</b>\nNothing recorded yet."
    return f"<b>{title}</b> (newest first)\n" + "\n".join(lines)
