"""The dates a vacation watch may cover."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import InvalidInput
from core.vacation.rules import check_leave, check_return


def test_vacation_dates_boundaries() -> None:
    today = date(2026, 12, 1)
    assert check_leave(today, today) == today
    assert check_leave(date(2026, 12, 31), today)  # 30 days ahead is fine
    with pytest.raises(InvalidInput, match="within 30 days"):
        check_leave(date(2027, 1, 1), today)
    assert check_return(date(2026, 12, 10), date(2027, 1, 9))  # 30 days
    with pytest.raises(InvalidInput, match="at most 30 days"):
        check_return(date(2026, 12, 10), date(2027, 1, 10))
    with pytest.raises(InvalidInput, match="before the day you leave"):
        check_return(date(2026, 12, 10), date(2026, 12, 9))
