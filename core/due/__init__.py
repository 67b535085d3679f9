"""What is due: the runner that settles reminders, closings, checklists and expiries once
each, and the registry that features plug their kinds and periodic steps into."""

from __future__ import annotations

from core.due.runner import CANCELLED, DONE, MISSED, DueContext, DueRunner

__all__ = ["CANCELLED", "DONE", "MISSED", "DueContext", "DueRunner"]
