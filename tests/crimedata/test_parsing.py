"""Reading incident exports: the real Chicago file, encodings, line endings, layouts, dates,
coordinates, whole-file refusals and bad rows reported by line while the rest is read."""

from __future__ import annotations

import csv
import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.crimedata.parsing import (
    ImportFileError,
    IncidentReader,
    IncidentRow,
    RowProblem,
    open_incidents,
)
from core.crimedata.taxonomy import Taxonomy
from tests.support.shared_data import CHICAGO as CHICAGO_FILE

CHICAGO = ZoneInfo("America/Chicago")
TAXONOMY = Taxonomy.default()
HEADER = "Incident ID,Date,Offense,Description,Address,Latitude,Longitude,Beat\n"


def write(tmp_path: Path, content: str | bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def read(
    path: Path, *, mapping: dict[str, str] | None = None, date_format: str | None = None
) -> tuple[IncidentReader, list[IncidentRow | RowProblem]]:
    with open_incidents(
        path, zone=CHICAGO, taxonomy=TAXONOMY, mapping=mapping, date_format=date_format
    ) as reader:
        items = list(reader)
    return reader, items


def rows_of(items: list[IncidentRow | RowProblem]) -> list[IncidentRow]:
    assert all(isinstance(item, IncidentRow) for item in items), items
    return [item for item in items if isinstance(item, IncidentRow)]


def problems_of(items: list[IncidentRow | RowProblem]) -> list[tuple[int, str]]:
    return [(item.line, item.reason) for item in items if isinstance(item, RowProblem)]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- The real Chicago export ---------------------------------------------------------------------

# Chicago's Primary Type -> category, written out by hand for this file's vocabulary.
CHICAGO_TYPES = {
    "THEFT": "theft",
    "BATTERY": "assault",
    "ASSAULT": "assault",
    "CRIMINAL DAMAGE": "vandalism",
    "DECEPTIVE PRACTICE": "fraud",
    "NARCOTICS": "drugs",
    "MOTOR VEHICLE THEFT": "vehicle_theft",
    "BURGLARY": "burglary",
    "ROBBERY": "robbery",
}


def test_the_chicago_export_is_read_whole() -> None:
    assert CHICAGO_FILE.is_file(), f"the shared Chicago file is missing: {CHICAGO_FILE}"
    expected: Counter[str] = Counter()
    with CHICAGO_FILE.open(newline="", encoding="utf-8-sig") as file:
        for record in csv.DictReader(file):
            category = CHICAGO_TYPES.get(record["Primary Type"], "other")
            # Two descriptions outrank their THEFT type: from a vehicle, and identity theft.
            if record["Description"] == "THEFT FROM MOTOR VEHICLE":
                category = "theft_from_vehicle"
            elif record["Description"].startswith("FINANCIAL ID THEFT"):
                category = "fraud"
            expected[category] += 1

    reader, items = read(CHICAGO_FILE)

    rows = rows_of(items)
    assert reader.layout == "chicago"
    assert reader.columns["type"] == "Primary Type"
    assert reader.columns["address"] == "Block"
    assert reader.columns["area"] == "Beat"
    assert len(rows) == 949
    assert sum(row.lat is not None and row.lon is not None for row in rows) == 943
    assert Counter(row.category for row in rows) == expected
    assert expected["theft_from_vehicle"] == 2 and expected["fraud"] > 0
    assert [row.line for row in rows] == list(range(2, 951))
    assert len({row.external_id for row in rows}) == 949
    assert reader.bytes_read == reader.total_bytes == CHICAGO_FILE.stat().st_size

    first = rows[0]
    assert first.external_id == "14216537"
    # 06/01/2026 09:58:00 PM in Chicago (CDT, UTC-5).
    assert first.occurred_at == utc(2026, 6, 2, 2, 58)
    assert (first.raw_type, first.description, first.category) == ("ASSAULT", "SIMPLE", "assault")
    assert first.address == "007XX W 31ST ST"
    assert first.area == "0915"
    assert first.lat == pytest.approx(41.83805499)
    assert first.lon == pytest.approx(-87.645458414)
    assert len(first.row_hash) == 32 and int(first.row_hash, 16) >= 0


# --- Encodings and line endings -----------------------------------------------------------------

BODY = [
    "Incident ID,Date,Offense,Description,Address,Latitude,Longitude,Beat",
    "A1,06/01/2026 09:58:00 PM,THEFT,RETAIL THEFT,007XX W 31ST ST,41.838,-87.645,0915",
    "A2,2026-05-20T17:50:00,Burglary,Café,123 Main St,,,0915",
]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_every_line_ending(tmp_path: Path, ending: str) -> None:
    path = write(tmp_path, ending.join(BODY) + ending)
    reader, items = read(path)
    rows = rows_of(items)
    assert reader.layout == "generic"
    assert [(row.line, row.external_id, row.category) for row in rows] == [
        (2, "A1", "theft"),
        (3, "A2", "burglary"),
    ]
    assert rows[1].description == "Café"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, "\r\n".join(BODY).encode(encoding))
    reader, items = read(path)
    rows = rows_of(items)
    # The id column is found only if a BOM did not stick to the first column's name.
    assert reader.columns["id"] == "Incident ID"
    assert [row.external_id for row in rows] == ["A1", "A2"]
    assert rows[1].description == "Café"


def test_a_stray_windows_byte_late_in_a_utf8_file(tmp_path: Path) -> None:
    filler = "".join(f"F{n},2026-01-01,THEFT,{'x' * 80},,,,\n" for n in range(1000))
    content = (HEADER + filler).encode(
        "utf-8"
    ) + b"Z1,2026-01-02,THEFT,Caf\xe9 \xe2\x80\x94 ok,,,,\n"
    rows = rows_of(read(write(tmp_path, content))[1])
    assert rows[-1].description == "Café — ok"
    assert rows[-1].line == 1002


def test_quoted_commas_quotes_and_newlines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + 'B1,06/01/2026,THEFT,"from a porch, ""package""\nsecond line\r\nthird",1 Elm St,,,\n'
        + "B2,06/02/2026,ROBBERY,,2 Elm St,,,\n",
    )
    rows = rows_of(read(path)[1])
    assert rows[0].description == 'from a porch, "package"\nsecond line\r\nthird'
    assert [row.line for row in rows] == [2, 5]


# --- Coordinates ---------------------------------------------------------------------------------


def test_coordinates(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + 'C1,2026-06-01,THEFT,,,"41,83805499","-87,645458414",\n'
        + "C2,2026-06-01,THEFT,,, 41.8 , -87.6 ,\n"
        + "C3,2026-06-01,THEFT,,,,,\n"
        + "C4,2026-06-01,THEFT,,,0,0,\n"
        + 'C5,2026-06-01,THEFT,,,"0,0","0,0",\n'
        + "C6,2026-06-01,THEFT,,,north,west,\n"
        + "C7,2026-06-01,THEFT,,,91.5,-87.6,\n"
        + "C8,2026-06-01,THEFT,,,41.8,-187.6,\n"
        + "C9,2026-06-01,THEFT,,,41.8,,\n",
    )
    rows = rows_of(read(path)[1])
    assert len(rows) == 9
    assert (rows[0].lat, rows[0].lon) == (pytest.approx(41.83805499), pytest.approx(-87.645458414))
    assert (rows[1].lat, rows[1].lon) == (pytest.approx(41.8), pytest.approx(-87.6))
    assert all((row.lat, row.lon) == (None, None) for row in rows[2:])


def test_a_location_column_supplies_coordinates(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "case_number,date,offense,location\n"
        + "L1,2026-06-01,THEFT,POINT (-87.645458414 41.83805499)\n"
        + 'L2,2026-06-01,THEFT,"(41.8, -87.6)"\n'
        + "L3,2026-06-01,THEFT,\n",
    )
    reader, items = read(path)
    rows = rows_of(items)
    assert reader.layout == "socrata"
    assert reader.columns["location"] == "location"
    assert (rows[0].lat, rows[0].lon) == (pytest.approx(41.83805499), pytest.approx(-87.645458414))
    assert (rows[1].lat, rows[1].lon) == (pytest.approx(41.8), pytest.approx(-87.6))
    assert (rows[2].lat, rows[2].lon) == (None, None)


# --- Dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06/01/2026 09:58:00 PM", utc(2026, 6, 2, 2, 58)),
        ("06/01/2026 12:05:00 AM", utc(2026, 6, 1, 5, 5)),
        ("06/01/2026 12:05:00 PM", utc(2026, 6, 1, 17, 5)),
        ("6/1/2026 21:58", utc(2026, 6, 2, 2, 58)),
        ("6/1/26", utc(2026, 6, 1, 5)),
        ("06/01/2026", utc(2026, 6, 1, 5)),
        ("2026-06-01", utc(2026, 6, 1, 5)),
        ("2026-06-01T21:58:00", utc(2026, 6, 2, 2, 58)),
        ("2026-06-01T21:58:00.000", utc(2026, 6, 2, 2, 58)),
        ("2026-06-01 21:58:00", utc(2026, 6, 2, 2, 58)),
        ("2026-06-01T21:58:00Z", utc(2026, 6, 1, 21, 58)),
        ("2026-06-01T21:58:00.250Z", datetime(2026, 6, 1, 21, 58, 0, 250000, tzinfo=UTC)),
        ("2026-06-01T21:58:00+02:00", utc(2026, 6, 1, 19, 58)),
        ("2026-01-15 08:00", utc(2026, 1, 15, 14)),  # CST, UTC-6
    ],
)
def test_date_forms(tmp_path: Path, text: str, expected: datetime) -> None:
    path = write(tmp_path, HEADER + f"D1,{text},THEFT,,,,,\n")
    (row,) = rows_of(read(path)[1])
    assert row.occurred_at == expected
    assert row.occurred_at.tzinfo is UTC


def test_mixed_forms_in_one_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "M1,06/01/2026 09:58:00 PM,THEFT,,,,,\n"
        + "M2,2026-06-01T21:58:00,THEFT,,,,,\n"
        + "M3,6/1/2026 21:58,THEFT,,,,,\n",
    )
    rows = rows_of(read(path)[1])
    assert {row.occurred_at for row in rows} == {utc(2026, 6, 2, 2, 58)}


def test_a_separate_time_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "report_number,occurred_date,occurred_time,offense,description\n"
        + "T1,2026-06-01T00:00:00.000,2158,THEFT,\n"
        + "T2,06/01/2026,9:58 PM,THEFT,\n"
        + "T3,06/01/2026,21:58:30,THEFT,\n"
        + "T4,06/01/2026,,THEFT,\n"
        + "T5,06/01/2026,25:99,THEFT,\n",
    )
    reader, items = read(path)
    assert reader.columns["time"] == "occurred_time"
    rows = [item for item in items if isinstance(item, IncidentRow)]
    assert [row.occurred_at for row in rows] == [
        utc(2026, 6, 2, 2, 58),
        utc(2026, 6, 2, 2, 58),
        utc(2026, 6, 2, 2, 58, 30),
        utc(2026, 6, 1, 5),
    ]
    assert problems_of(items) == [(6, "the time '25:99' is not a time")]


def test_daylight_saving_gap_and_repeat(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        # 2:30 does not exist on 8 March 2026 in Chicago: it moves forward to 3:30 CDT.
        + "G1,03/08/2026 02:30:00 AM,THEFT,,,,,\n"
        + "G2,03/08/2026 03:30:00 AM,THEFT,,,,,\n"
        # 1:30 happens twice on 1 November 2026: the first, still CDT (UTC-5).
        + "R1,11/01/2026 01:30:00 AM,THEFT,,,,,\n"
        + "R2,11/01/2026 02:30:00 AM,THEFT,,,,,\n",
    )
    rows = rows_of(read(path)[1])
    assert [row.occurred_at for row in rows] == [
        utc(2026, 3, 8, 8, 30),
        utc(2026, 3, 8, 8, 30),
        utc(2026, 11, 1, 6, 30),
        utc(2026, 11, 1, 8, 30),
    ]


def test_a_date_format_overrides_the_guessing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + "F1,13/06/2026 21:58,THEFT,,,,,\n" + "F2,06/01/2026 09:58 PM,THEFT,,,,,\n",
    )
    guessed = read(path)[1]
    assert problems_of(guessed) == [(2, "the date '13/06/2026 21:58' is not a date")]
    items = read(path, date_format="%d/%m/%Y %H:%M")[1]
    assert [row.occurred_at for row in items if isinstance(row, IncidentRow)] == [
        utc(2026, 6, 14, 2, 58)
    ]
    assert problems_of(items) == [(3, "the date '06/01/2026 09:58 PM' is not a date")]


def test_a_date_format_without_codes_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER)
    with pytest.raises(ImportFileError, match="--date-format"):
        open_incidents(path, zone=CHICAGO, taxonomy=TAXONOMY, date_format="day-month-year")


# --- Bad rows ------------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_line_and_the_rest_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "OK1,06/01/2026,THEFT,,,,,\n"  # 2
        + "P1,06/01/2026,,RETAIL THEFT,,,,\n"  # 3
        + "P2,,THEFT,,,,,\n"  # 4
        + "P3,13/45/2026,THEFT,,,,,\n"  # 5
        + "P4,06/01/2026,THEFT\n"  # 6
        + '"OK2",06/02/2026,ASSAULT,"two\nlines",,,,\n'  # 7-8
        + "P5,06/01/2999,THEFT,,,,,\n"  # 9
        + "P6,06/01/1899,THEFT,,,,,\n"  # 10
        + "\n"  # 11, blank
        + ",,,,,,,\n"  # 12, a spreadsheet's empty row
        + "P7,06/01/2026,THEFT,,,,,,surplus\n"  # 13
        + "OK3,06/03/2026,THEFT,,,,,,\n",  # 14, an empty trailing cell is fine
    )
    items = read(path)[1]
    assert problems_of(items) == [
        (3, "no crime type"),
        (4, "no date"),
        (5, "the date '13/45/2026' is not a date"),
        (6, "the row has 3 fields; the header has 8"),
        (9, "the date '06/01/2999' is in the future"),
        (10, "the date '06/01/1899' is before 1900"),
        (13, "the row has 9 fields; the header has 8"),
    ]
    rows = [item for item in items if isinstance(item, IncidentRow)]
    assert [(row.line, row.external_id) for row in rows] == [(2, "OK1"), (7, "OK2"), (14, "OK3")]


def test_a_runaway_value_is_a_problem_and_reading_goes_on(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + 'V1,06/01/2026,THEFT,"' + "x" * 200_000 + '",,,,\n' + "V2,06/02/2026,THEFT,,,,,\n",
    )
    items = read(path)[1]
    assert problems_of(items) == [(2, "a value is over 128 KB long (a quote left open?)")]
    assert [item.external_id for item in items if isinstance(item, IncidentRow)] == ["V2"]


# --- Layouts and --map ---------------------------------------------------------------------------


def test_a_socrata_export(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "incident_id,incident_datetime,incident_type_primary,incident_description,"
        "address_1,block_address,latitude,longitude,district,:@computed_region_x\n"
        + "S1,2026-06-01T21:58:00.000,LARCENY,From auto,,100 Block MAIN ST,41.8,-87.6,D3,7\n",
    )
    reader, items = read(path)
    (row,) = rows_of(items)
    assert reader.layout == "socrata"
    assert reader.columns == {
        "id": "incident_id",
        "date": "incident_datetime",
        "type": "incident_type_primary",
        "description": "incident_description",
        "address": "block_address",
        "lat": "latitude",
        "lon": "longitude",
        "area": "district",
    }
    assert (row.external_id, row.category, row.address, row.area) == (
        "S1",
        "theft_from_vehicle",
        "100 Block MAIN ST",
        "D3",
    )


def test_header_names_are_compared_loosely(tmp_path: Path) -> None:
    path = write(tmp_path, " PRIMARY-TYPE ,Occurred Date\nTHEFT,06/01/2026\n")
    reader, items = read(path)
    assert reader.layout == "generic"
    assert reader.columns == {"type": "PRIMARY-TYPE", "date": "Occurred Date"}
    (row,) = rows_of(items)
    assert (row.external_id, row.description, row.address, row.area) == (None, "", "", "")


def test_missing_fields_are_named_with_the_columns_and_how_to_map_them(tmp_path: Path) -> None:
    path = write(tmp_path, "Report No,When,Crime Code,Where\nR1,06/01/2026,0810,Main St\n")
    with pytest.raises(ImportFileError) as caught:
        open_incidents(path, zone=CHICAGO, taxonomy=TAXONOMY)
    message = str(caught.value)
    assert "missing: date, type" in message
    assert '"Report No", "When", "Crime Code", "Where"' in message
    assert '--map date="COLUMN" --map type="COLUMN"' in message


def test_only_the_type_missing(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Where\n06/01/2026,Main St\n")
    with pytest.raises(ImportFileError, match=r"missing: type\)"):
        open_incidents(path, zone=CHICAGO, taxonomy=TAXONOMY)


def test_map_names_the_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Report No,When,Crime Code,Where,Date\nR1,06/01/2026 21:58,Burglary,Main St,01/01/2020\n",
    )
    mapping = {"date": "When", "type": "crime code", "address": "Where", "id": "Report No"}
    reader, items = read(path, mapping=mapping)
    (row,) = rows_of(items)
    assert reader.layout == "mapped"
    assert reader.columns == {
        "id": "Report No",
        "date": "When",
        "type": "Crime Code",
        "address": "Where",
    }
    assert (row.external_id, row.raw_type, row.address) == ("R1", "Burglary", "Main St")
    assert row.occurred_at == utc(2026, 6, 2, 2, 58)


def test_map_overrides_one_guess_and_keeps_the_others(tmp_path: Path) -> None:
    path = write(tmp_path, "id,date,reported_date,offense\nX1,06/01/2026,06/05/2026,THEFT\n")
    reader, items = read(path, mapping={"date": "reported_date", "id": ""})
    (row,) = rows_of(items)
    assert reader.columns == {"date": "reported_date", "type": "offense"}
    assert row.occurred_at == utc(2026, 6, 5, 5)
    assert row.external_id is None


def test_map_to_a_column_the_file_lacks(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Offense\n06/01/2026,THEFT\n")
    with pytest.raises(ImportFileError) as caught:
        open_incidents(path, zone=CHICAGO, taxonomy=TAXONOMY, mapping={"type": "Crime"})
    assert 'has no column "Crime"' in str(caught.value)
    assert '"Date", "Offense"' in str(caught.value)


def test_map_an_unknown_field(tmp_path: Path) -> None:
    path = write(tmp_path, "Date,Offense\n06/01/2026,THEFT\n")
    with pytest.raises(ImportFileError, match="'weapon' is not a field"):
        open_incidents(path, zone=CHICAGO, taxonomy=TAXONOMY, mapping={"weapon": "Offense"})


# --- Whole-file refusals -------------------------------------------------------------------------


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no file at"):
        open_incidents(tmp_path / "absent.csv", zone=CHICAGO, taxonomy=TAXONOMY)


def test_an_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="is empty"):
        open_incidents(write(tmp_path, b""), zone=CHICAGO, taxonomy=TAXONOMY)


def test_a_file_of_blank_lines_has_no_header(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no header row"):
        open_incidents(write(tmp_path, "\n\r\n\n"), zone=CHICAGO, taxonomy=TAXONOMY)


def test_a_header_alone_yields_nothing(tmp_path: Path) -> None:
    reader, items = read(write(tmp_path, HEADER))
    assert items == []
    assert reader.layout == "generic"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "is not a text file"),
        (b"Date,Offense\n06/01/2026,THE\x00FT\n", "is not a text file"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(100), "Excel workbook"),
        (b"Date,Offense\n06/01/2026,THEFT \x81\x8d\x8f\n", "neither UTF-8 nor Windows-1252"),
    ],
    ids=["png", "nul", "xlsx", "undecodable"],
)
def test_a_binary_file(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        open_incidents(write(tmp_path, content), zone=CHICAGO, taxonomy=TAXONOMY)


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(b"")
    os.truncate(path, 2 << 30)  # sparse: nothing is written
    with pytest.raises(ImportFileError) as caught:
        open_incidents(path, zone=CHICAGO, taxonomy=TAXONOMY)
    assert "the file is 2.0 GB; the limit is 1.0 GB (DATA_IMPORT_MAX_MB)" in str(caught.value)


def test_a_small_limit(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A,06/01/2026,THEFT,,,,,\n" * 100)
    with pytest.raises(ImportFileError, match=r"the file is 2\.4 KB; the limit is 1\.0 KB"):
        open_incidents(path, zone=CHICAGO, taxonomy=TAXONOMY, max_bytes=1024)


# --- Row hashes ----------------------------------------------------------------------------------


def test_the_same_incident_in_two_exports_hashes_alike(tmp_path: Path) -> None:
    first = write(
        tmp_path,
        "Date,Offense,Description,Address,Latitude,Longitude\n"
        + "06/01/2026 09:58:00 PM,THEFT,RETAIL THEFT,007XX W 31ST ST,41.838,-87.645\n"
        + "06/01/2026 10:58:00 PM,THEFT,RETAIL THEFT,007XX W 31ST ST,41.838,-87.645\n",
        "first.csv",
    )
    second = write(
        tmp_path,
        "occurred_date,offense,description,address,latitude,longitude\n"
        + '2026-06-01T21:58:00,Theft, retail  theft ,007xx w 31st st,"41,8380","-87,6450"\n',
        "second.csv",
    )
    one, two = rows_of(read(first)[1]), rows_of(read(second)[1])
    assert one[0].external_id is None and two[0].external_id is None
    assert one[0].row_hash == two[0].row_hash
    assert one[1].row_hash != one[0].row_hash
    # The text itself is kept as the file gave it.
    assert (two[0].raw_type, two[0].description) == ("Theft", "retail  theft")


def test_progress_counts_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A,06/01/2026,THEFT,,,,,\n" * 20_000)
    with open_incidents(path, zone=CHICAGO, taxonomy=TAXONOMY) as reader:
        assert reader.total_bytes == path.stat().st_size
        seen = []
        for index, _item in enumerate(reader):
            if index % 5000 == 0:
                seen.append(reader.bytes_read)
    assert seen == sorted(seen)
    assert 0 < seen[0] < reader.total_bytes
    assert reader.bytes_read == reader.total_bytes
