"""The rules of Operation Identification on their own: estimated values as people type
them, field limits, Operation ID numbers."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.property.rules import clean_field, format_value, operation_id, parse_value


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("300", 30000),
        ("$300", 30000),
        ("about $300", 30000),
        ("300 dollars", 30000),
        ("$1,250.50", 125050),
        ("1250.5", 125050),
        ("1.5k", 150000),
        ("0", 0),
    ],
)
def test_values_as_people_type_them(typed: str, cents: int) -> None:
    assert parse_value(typed) == cents


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("three hundred", "couldn't find an amount"),
        ("300-400", "more than one amount"),
        ("between 300 and 400", "more than one amount"),
        ("99999999999", r"more than \$10,000,000"),
    ],
)
def test_values_that_are_no_amount_are_explained(typed: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        parse_value(typed)


def test_values_read_back_as_typed() -> None:
    assert (format_value(30000), format_value(125050), format_value(None)) == (
        "$300",
        "$1,250.50",
        "",
    )


def test_fields_are_trimmed_checked_and_only_the_item_is_needed() -> None:
    assert clean_field("make", "  Trek   Bikes ") == "Trek Bikes"
    assert clean_field("serial", "") is None
    with pytest.raises(InvalidInput, match="empty"):
        clean_field("item", "   ")
    with pytest.raises(InvalidInput, match="the limit is 60"):
        clean_field("serial", "9" * 61)
    with pytest.raises(InvalidInput, match="letters or digits"):
        clean_field("model", "!!!")


def test_operation_id_numbers() -> None:
    assert operation_id("CW-OID", 123) == "CW-OID-000123"
    assert operation_id("CW-STR", 1_234_567) == "CW-STR-1234567"
