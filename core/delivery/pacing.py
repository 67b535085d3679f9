"""Pacing one channel: an overall rate, a minimum interval per address, and 429 pauses.

Each send books a start time: no earlier than now, than the channel's next free slot (cost /
rate after the previous one), than the address's own next slot, or than the end of a pause a
429 imposed. Sending at booked times keeps the channel at its limit without bursts above it.
Times are seconds on the service clock (POSIX timestamps).
"""

from __future__ import annotations

from collections.abc import Callable

PRUNE_EVERY = 4096


def telegram_chat_interval(address: str) -> float:
    """Telegram: about 1 message per second per private chat, 20 per minute per group chat."""
    return 3.15 if address.startswith("-") else 1.05  # a 5% margin on the limits


class Pacer:
    """Books send slots for one channel."""

    def __init__(self, rate: float, per_address: Callable[[str], float] | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.per_address = per_address
        self._next = 0.0
        self._paused_until = 0.0
        self._address_next: dict[str, float] = {}
        self._bookings = 0

    @property
    def paused_until(self) -> float:
        """When the current 429 pause ends (0 when none was imposed)."""
        return self._paused_until

    def slot(self, address: str) -> float:
        """The next free slot for `address`, which may lie in the past (ignoring a pause)."""
        return max(self._next, self._address_next.get(address, 0.0))

    def earliest(self, address: str, now: float) -> float:
        """The earliest start for a send to `address` (ignoring a pause; callers check it)."""
        return max(now, self._next, self._address_next.get(address, 0.0))

    def commit(self, address: str, cost: float, start: float) -> None:
        """Book a send of `cost` units to `address` starting at `start`."""
        self._next = max(self._next, start) + cost / self.rate
        if self.per_address is not None:
            self._address_next[address] = start + self.per_address(address)
            self._bookings += 1
            if self._bookings % PRUNE_EVERY == 0:
                self._address_next = {a: t for a, t in self._address_next.items() if t > start}

    def book(self, address: str, cost: float, now: float) -> float:
        """Book the earliest slot (after any pause) and return its start."""
        start = max(self.earliest(address, now), self._paused_until)
        self.commit(address, cost, start)
        return start

    def pause(self, until: float) -> None:
        """Nothing may start before `until` (a provider said retry_after)."""
        self._paused_until = max(self._paused_until, until)
        self._next = max(self._next, until)
