"""Reading a police department's incident export (CSV) one row at a time.

`open_incidents` checks the whole file first (there, readable, text, not too big, a header with a
date and a crime type) and raises `ImportFileError` before any row is read; the reader then
yields, for every data row, either an `IncidentRow` or a `RowProblem` naming the row's line, and
goes on after a bad row. Nothing here touches storage: the caller decides what to keep.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from hashlib import blake2b
from pathlib import Path
from types import TracebackType
from typing import IO, Final, Protocol
from zoneinfo import ZoneInfo

from core.crimedata.taxonomy import Taxonomy
from core.errors import UserError

FIELDS: Final = ("id", "date", "time", "type", "description", "address", "lat", "lon", "area")
REQUIRED: Final = ("date", "type")
# Not a field of a row: a column holding both coordinates ("POINT (lon lat)" or "(lat, lon)"),
# used when the file has no latitude and longitude columns.
POINT: Final = "location"

SNIFF_BYTES: Final = 64 * 1024
EARLIEST: Final = datetime(1900, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=1)


class ImportFileError(UserError):
    """The whole file cannot be imported; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One incident read from the file."""

    line: int
    external_id: str | None
    row_hash: str
    occurred_at: datetime
    raw_type: str
    description: str
    category: str
    address: str
    lat: float | None
    lon: float | None
    area: str


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A data row that could not be read, and why."""

    line: int
    reason: str


# --- Encoding ----------------------------------------------------------------------------------


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as Windows-1252 (a UTF-8 export edited in Excel)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


# Files are sniffed on their first 64 KiB only; a stray byte later must not stop the import.
codecs.register_error("crimedata-cp1252", _cp1252_fallback)

# Control characters that never appear in a text export (tab, CR, LF, form feed do).
_BINARY_BYTES = bytes(range(32)).translate(None, b"\t\n\r\f\x1a")


def _encoding(sample: bytes, name: str) -> str:
    """The text encoding of a file from its first bytes; ImportFileError when it is not text."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"{name} is an Excel workbook or a zip archive, not a CSV file: open it and save it "
            "as 'CSV (comma delimited)', then import that file."
        )
    controls = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    if b"\x00" in sample or controls > len(sample) // 100:
        raise ImportFileError(
            f"{name} is not a text file. Export the incidents as CSV (comma-separated values) "
            "and import that file."
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{name} is not a text file that can be read (neither UTF-8 nor Windows-1252). "
            "Export the incidents as CSV in UTF-8 and import that file."
        ) from None
    return "cp1252"


# --- Header ------------------------------------------------------------------------------------


def normalise_name(column: str) -> str:
    """A column name compared loosely: "Primary Type" -> "primary_type"."""
    return re.sub(r"[^a-z0-9]+", "_", column.strip().lstrip("\ufeff").lower()).strip("_")


CHICAGO: Final[dict[str, str]] = {
    "id": "id",
    "date": "date",
    "type": "primary_type",
    "description": "description",
    "address": "block",
    "lat": "latitude",
    "lon": "longitude",
    "area": "beat",
}
_CHICAGO_MARKS = frozenset({"case_number", "primary_type", "iucr", "block", "fbi_code"})


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Preferred first: the time the crime happened before the time it was reported.
SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "id": _words(
        "id incident_id incident_number incident_no incident_num case_number case_no case_id "
        "report_number report_no report_id offense_id event_number event_id cad_number "
        "record_id"
    ),
    "date": _words(
        "incident_datetime incident_date_time incident_date occurred_datetime "
        "occurred_date_time occurred_date occurred_on occurred date_occurred occurrence_date "
        "offense_date crime_date date_time datetime date report_datetime report_date "
        "reported_date date_reported reported_on"
    ),
    "time": _words(
        "time incident_time occurred_time occurrence_time time_occurred offense_time crime_time"
    ),
    "type": _words(
        "primary_type incident_type_primary offense offense_type offense_category "
        "offense_description crime_type crime incident_type incident_category type category "
        "ucr_description nibrs_description"
    ),
    "description": _words(
        "description incident_description offense_description crime_description "
        "incident_subcategory offense_subcategory subcategory details"
    ),
    "address": _words(
        "address block_address location_address street_address incident_address block "
        "hundred_block street"
    ),
    "lat": _words("latitude lat y_latitude"),
    "lon": _words("longitude lon lng long x_longitude"),
    "area": _words(
        "beat district zone neighborhood neighbourhood ward precinct sector police_district "
        "area community_area reporting_area"
    ),
    POINT: _words("location geolocation location_1 point geocoded_column the_geom"),
}

# Socrata (data.<city>.gov) exports name columns in snake_case, with system columns such as
# ":@computed_region_..." alongside.
_SNAKE = re.compile(r"^:?@?[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Layout:
    """How a file's header was understood: its layout name and field -> column index."""

    name: str
    indexes: dict[str, int]


def _guess(normalised: list[str]) -> dict[str, int]:
    """Field -> column index from the synonyms, each column used at most once."""
    position: dict[str, int] = {}
    for index, name in enumerate(normalised):
        position.setdefault(name, index)
    found: dict[str, int] = {}
    taken: set[int] = set()
    for field, names in SYNONYMS.items():
        for name in names:
            at = position.get(name)
            if at is not None and at not in taken:
                found[field] = at
                taken.add(at)
                break
    return found


def _format_columns(header: list[str]) -> str:
    return ", ".join(f'"{column}"' for column in header) or "(none)"


def recognise(header: list[str], mapping: Mapping[str, str] | None, name: str) -> Layout:
    """The layout of a header row, with `mapping` (field -> column) overriding the guesses."""
    normalised = [normalise_name(column) for column in header]
    names = set(normalised)
    if names >= _CHICAGO_MARKS and all(column in names for column in CHICAGO.values()):
        layout = "chicago"
        indexes = {field: normalised.index(column) for field, column in CHICAGO.items()}
    else:
        indexes = _guess(normalised)
        snake = all(_SNAKE.match(column.strip().lstrip("\ufeff")) for column in header)
        layout = "socrata" if snake else "generic"
    if mapping:
        layout = "mapped"
        indexes = dict(indexes)
        for field, column in mapping.items():
            field = field.strip().lower()
            if field not in (*FIELDS, POINT):
                raise ImportFileError(
                    f"--map {field}=...: '{field}' is not a field; the fields are "
                    f"{', '.join((*FIELDS, POINT))}."
                )
            if not column.strip():
                # --map id= says the file has no such column (e.g. ids that are not unique).
                indexes.pop(field, None)
                continue
            index = _find_column(header, normalised, column)
            if index is None:
                raise ImportFileError(
                    f'--map {field}="{column}": {name} has no column "{column}". '
                    f"Its columns are {_format_columns(header)}."
                )
            indexes[field] = index
    missing = [field for field in REQUIRED if field not in indexes]
    if missing:
        wanted = {"date": "the date of the incident", "type": "the crime type"}
        raise ImportFileError(
            f"{name} has no column for {' and '.join(wanted[field] for field in missing)} "
            f"(missing: {', '.join(missing)}). Its columns are {_format_columns(header)}. "
            "Name the columns to use with --map FIELD=COLUMN, e.g. "
            + " ".join(f'--map {field}="COLUMN"' for field in missing)
            + "."
        )
    return Layout(layout, indexes)


def _find_column(header: list[str], normalised: list[str], column: str) -> int | None:
    """The index of a column named exactly, or else loosely (case, spaces, punctuation)."""
    stripped = [name.strip().lstrip("\ufeff") for name in header]
    if column.strip() in stripped:
        return stripped.index(column.strip())
    loose = normalise_name(column)
    if loose and loose in normalised:
        return normalised.index(loose)
    return None


# --- Dates -------------------------------------------------------------------------------------

# The day part: US month/day/year (06/01/2026, 6/1/26) or ISO year-month-day (2026-06-01).
_US_DAY = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})")
_ISO_DAY = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
# The time part: 21:58, 09:58:00 PM, 21:58:00.000, 2158, with an optional Z/UTC/+02:00 offset.
_CLOCK = re.compile(
    r"(\d{1,2}):?(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?"
    r"\s*(?:([AaPp])\.?[Mm]\.?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)
_CACHE_LIMIT = 100_000

Day = tuple[int, int, int]
Clock = tuple[int, int, int, int, timezone | None]
_MIDNIGHT: Final[Clock] = (0, 0, 0, 0, None)


def _us_day(text: str) -> Day | None:
    match = _US_DAY.fullmatch(text)
    if match is None:
        return None
    month, day, year = match.groups()
    number = int(year)
    if len(year) == 2:
        # strptime's %y convention: 69-99 are 1900s, 00-68 are 2000s.
        number += 1900 if number >= 69 else 2000
    return number, int(month), int(day)


def _iso_day(text: str) -> Day | None:
    match = _ISO_DAY.fullmatch(text)
    if match is None:
        return None
    year, month, day = match.groups()
    return int(year), int(month), int(day)


def _offset(text: str) -> timezone:
    if text in ("Z", "z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return timezone(sign * timedelta(minutes=minutes))


def clock(text: str) -> Clock | None:
    """(hour, minute, second, microsecond, offset or None) of a time of day; None if not one."""
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    hour, minute, second, fraction, meridiem, offset = match.groups()
    hours = int(hour)
    if meridiem is not None:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if meridiem in "Pp" else 0)
    if hours > 23 or int(minute) > 59 or int(second or 0) > 59:
        return None
    return (
        hours,
        int(minute),
        int(second or 0),
        int((fraction or "0").ljust(6, "0")),
        None if offset is None else _offset(offset),
    )


class Dates:
    """Reads the dates of one file: US and ISO forms, or a strptime format when one is given.

    A million-row file holds far fewer distinct days and times of day than rows, so the day
    part and the time part are each read once and remembered; the form that read the first day
    is tried first afterwards.
    """

    __slots__ = ("_clocks", "_date_format", "_days", "_forms", "_whole")

    def __init__(self, date_format: str | None = None) -> None:
        self._date_format = date_format
        self._forms: list[Callable[[str], Day | None]] = [_us_day, _iso_day]
        self._days: dict[str, Day | None] = {}
        self._clocks: dict[str, Clock | None] = {}
        self._whole: dict[str, datetime | None] = {}

    def parse(self, text: str) -> datetime | None:
        """The moment a text names, naive (local) or aware; None when it is not a date."""
        if self._date_format is not None:
            return self._strptime(text)
        split = text.find(" ")
        if split < 0:
            split = text.find("T")
        if split < 0:
            head, tail = text, ""
        else:
            head, tail = text[:split], text[split + 1 :].strip()
        try:
            day = self._days[head]
        except KeyError:
            day = self._day(head)
        if day is None:
            return None
        if not tail:
            parts: Clock | None = _MIDNIGHT
        else:
            try:
                parts = self._clocks[tail]
            except KeyError:
                parts = self.clock(tail)
        if parts is None:
            return None
        try:
            return datetime(*day, *parts[:4], tzinfo=parts[4])
        except ValueError:  # 02/30/2026, 13/45/2026
            return None

    def clock(self, text: str) -> Clock | None:
        """A time of day (see `clock`), remembered."""
        if text in self._clocks:
            return self._clocks[text]
        found = clock(text)
        if len(self._clocks) >= _CACHE_LIMIT:
            self._clocks.clear()
        self._clocks[text] = found
        return found

    def _day(self, text: str) -> Day | None:
        found: Day | None = None
        for form in self._forms:
            found = form(text)
            if found is not None:
                if form is not self._forms[0]:
                    self._forms.remove(form)
                    self._forms.insert(0, form)
                break
        if len(self._days) >= _CACHE_LIMIT:
            self._days.clear()
        self._days[text] = found
        return found

    def _strptime(self, text: str) -> datetime | None:
        if text in self._whole:
            return self._whole[text]
        found: datetime | None
        try:
            found = datetime.strptime(text, self._date_format or "")
        except ValueError:
            found = None
        if len(self._whole) >= _CACHE_LIMIT:
            self._whole.clear()
        self._whole[text] = found
        return found


# --- Coordinates -------------------------------------------------------------------------------

_POINT_WKT = re.compile(
    r"POINT\s*\(\s*([-+]?[\d.]+)\s+([-+]?[\d.]+)\s*\)", re.IGNORECASE
)  # POINT (lon lat)
_POINT_PAIR = re.compile(r"\(\s*([-+]?[\d.]+)\s*,\s*([-+]?[\d.]+)\s*\)")  # (lat, lon)


def _number(text: str) -> float | None:
    """A coordinate with a decimal point or comma; None when blank, zero or not a number."""
    if not text:
        return None
    try:
        value = float(text.replace(",", ".", 1) if "," in text else text)
    except ValueError:
        return None
    # 0 is what many exports write for "not geocoded"; NaN and infinity fail the range check.
    return None if value == 0.0 else value


def _coordinates(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    if lat is None or lon is None or not -90.0 <= lat <= 90.0 or not -180.0 <= lon <= 180.0:
        return None, None
    return lat, lon


def _point(text: str) -> tuple[float | None, float | None]:
    """(lat, lon) from "POINT (lon lat)" or "(lat, lon)"."""
    match = _POINT_WKT.search(text)
    if match is not None:
        return _coordinates(_number(match.group(2)), _number(match.group(1)))
    match = _POINT_PAIR.search(text)
    if match is not None:
        return _coordinates(_number(match.group(1)), _number(match.group(2)))
    return None, None


# --- Reading -----------------------------------------------------------------------------------


def _size(value: int) -> str:
    if value >= 1 << 30:
        return f"{value / (1 << 30):.1f} GB"
    if value >= 1 << 20:
        return f"{value / (1 << 20):.1f} MB"
    return f"{value / (1 << 10):.1f} KB"


def _quote(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


class _Rows(Protocol):
    """A csv reader: rows, and the number of physical lines read so far."""

    line_num: int

    def __next__(self) -> list[str]: ...


class IncidentReader:
    """Iterating yields an `IncidentRow` or a `RowProblem` for each data row, in file order."""

    def __init__(
        self,
        *,
        binary: IO[bytes],
        text: io.TextIOWrapper,
        reader: _Rows,
        header: list[str],
        header_lines: int,
        layout: Layout,
        total_bytes: int,
        zone: ZoneInfo,
        taxonomy: Taxonomy,
        date_format: str | None,
        now: datetime | None = None,
    ) -> None:
        self._now = now
        self._binary = binary
        self._text = text
        self._reader = reader
        self._header_lines = header_lines
        self._zone = zone
        self._taxonomy = taxonomy
        self._done = False
        self.layout: str = layout.name
        self.columns: dict[str, str] = {
            field: header[index].strip().lstrip("\ufeff")
            for field, index in sorted(layout.indexes.items(), key=lambda item: item[1])
        }
        self._indexes = layout.indexes
        self._width = len(header)
        self.total_bytes: int = total_bytes
        self._dates = Dates(date_format)

    @property
    def bytes_read(self) -> int:
        """How far into the file reading has got (for a progress bar; read ahead by a buffer)."""
        if self._done or self._binary.closed:
            return self.total_bytes
        return min(self._binary.tell(), self.total_bytes)

    def __enter__(self) -> IncidentReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (also done when iteration ends or the `with` block is left)."""
        self._text.close()

    def __iter__(self) -> Iterator[IncidentRow | RowProblem]:
        # Locals, not attribute look-ups: this loop runs once per row of files of a million rows.
        i_id, i_date, i_time, i_type, i_desc, i_addr, i_lat, i_lon, i_area, i_point = (
            self._indexes.get(field, -1) for field in (*FIELDS, POINT)
        )
        width = self._width
        zone = self._zone
        categorise = self._taxonomy.categorise
        latest = (self._now or datetime.now(UTC)) + _FUTURE_SLACK
        utc = UTC
        dates = self._dates
        # Normalised (type, description, address) for the row hash: blocks and crime wordings
        # repeat, so each is normalised once.
        texts: dict[tuple[str, str, str], str] = {}
        last_line = self._header_lines
        reader = self._reader
        try:
            while True:
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as error:
                    line = last_line + 1
                    last_line = reader.line_num
                    reason = f"the row cannot be read ({error})"
                    if "field limit" in str(error):
                        reason = "a value is over 128 KB long (a quote left open?)"
                    yield RowProblem(line, reason)
                    continue
                line = last_line + 1
                last_line = reader.line_num
                if len(record) != width:
                    if not any(cell.strip() for cell in record):
                        continue  # a blank line, or a row of empty cells left by a spreadsheet
                    if len(record) < width or any(cell.strip() for cell in record[width:]):
                        yield RowProblem(
                            line, f"the row has {len(record)} fields; the header has {width}"
                        )
                        continue
                raw_type = record[i_type].strip()
                if not raw_type:
                    if not any(cell.strip() for cell in record):
                        continue
                    yield RowProblem(line, "no crime type")
                    continue
                date_text = record[i_date].strip()
                if not date_text:
                    yield RowProblem(line, "no date")
                    continue
                moment = dates.parse(date_text)
                if moment is None:
                    yield RowProblem(line, f"the date '{_quote(date_text)}' is not a date")
                    continue
                if i_time >= 0:
                    time_text = record[i_time].strip()
                    if time_text:
                        parts = dates.clock(time_text)
                        if parts is None:
                            yield RowProblem(line, f"the time '{_quote(time_text)}' is not a time")
                            continue
                        hour, minute, second, micro, offset = parts
                        moment = moment.replace(
                            hour=hour,
                            minute=minute,
                            second=second,
                            microsecond=micro,
                            tzinfo=offset or moment.tzinfo,
                        )
                if moment.tzinfo is None:
                    # fold=0: in the autumn repeat the first of the two times; in the spring
                    # gap the offset from before the change, which moves the time forward.
                    moment = moment.replace(tzinfo=zone)
                occurred_at = moment.astimezone(utc)
                if occurred_at < EARLIEST:
                    yield RowProblem(line, f"the date '{_quote(date_text)}' is before 1900")
                    continue
                if occurred_at > latest:
                    yield RowProblem(line, f"the date '{_quote(date_text)}' is in the future")
                    continue
                description = record[i_desc].strip() if i_desc >= 0 else ""
                address = record[i_addr].strip() if i_addr >= 0 else ""
                if i_lat >= 0 and i_lon >= 0:
                    lat, lon = _coordinates(
                        _number(record[i_lat].strip()), _number(record[i_lon].strip())
                    )
                elif i_point >= 0:
                    lat, lon = _point(record[i_point])
                else:
                    lat = lon = None
                key = (raw_type, description, address)
                what = texts.get(key)
                if what is None:
                    what = f"{_normal(raw_type)}\x1f{_normal(description)}\x1f{_normal(address)}"
                    if len(texts) >= _CACHE_LIMIT:
                        texts.clear()
                    texts[key] = what
                external_id = (record[i_id].strip() or None) if i_id >= 0 else None
                yield IncidentRow(
                    line=line,
                    external_id=external_id,
                    row_hash=_digest(occurred_at, what, lat, lon),
                    occurred_at=occurred_at,
                    raw_type=raw_type,
                    description=description,
                    category=categorise(raw_type, description),
                    address=address,
                    lat=lat,
                    lon=lon,
                    area=record[i_area].strip() if i_area >= 0 else "",
                )
        finally:
            self._done = True
            self.close()


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def row_hash(
    occurred_at: datetime,
    raw_type: str,
    description: str,
    address: str,
    lat: float | None,
    lon: float | None,
) -> str:
    """A digest of a row's normalised values: the same incident in two exports hashes alike."""
    what = f"{_normal(raw_type)}\x1f{_normal(description)}\x1f{_normal(address)}"
    return _digest(occurred_at, what, lat, lon)


def _digest(occurred_at: datetime, what: str, lat: float | None, lon: float | None) -> str:
    """The row hash from the UTC time, the normalised texts and the coordinates (6 places)."""
    where = "" if lat is None or lon is None else f"{lat:.6f},{lon:.6f}"
    text = f"{occurred_at.timestamp()}\x1f{what}\x1f{where}"
    return blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def open_incidents(
    path: Path,
    *,
    zone: ZoneInfo,
    taxonomy: Taxonomy,
    mapping: Mapping[str, str] | None = None,
    date_format: str | None = None,
    max_bytes: int = 1 << 30,
    now: datetime | None = None,
) -> IncidentReader:
    """A reader of an incident CSV; ImportFileError when the file as a whole cannot be read.
    `now` (the service's clock; the machine's when None) decides which dates are in the
    future."""
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(f"There is no file at {path}.") from None
    except OSError as error:
        raise ImportFileError(f"{path} cannot be read ({error.strerror}).") from None
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder, not a CSV file.")
    if size > max_bytes:
        raise ImportFileError(
            f"{name}: the file is {_size(size)}; the limit is {_size(max_bytes)} "
            "(DATA_IMPORT_MAX_MB). Export a shorter date range, or raise DATA_IMPORT_MAX_MB."
        )
    if size == 0:
        raise ImportFileError(
            f"{name} is empty. Export the incidents again (with a header row) and import that."
        )
    try:
        binary = path.open("rb")
    except OSError as error:
        raise ImportFileError(f"{path} cannot be read ({error.strerror}).") from None
    try:
        encoding = _encoding(binary.read(SNIFF_BYTES), name)
        binary.seek(0)
        errors = "replace" if encoding == "utf-16" else "crimedata-cp1252"
        text = io.TextIOWrapper(binary, encoding=encoding, errors=errors, newline="")
    except BaseException:
        binary.close()
        raise
    try:
        reader = csv.reader(text)
        header: list[str] | None = None
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    header = row
                    break
        except (csv.Error, UnicodeError) as error:
            raise ImportFileError(f"The first line of {name} cannot be read ({error}).") from None
        if header is None:
            raise ImportFileError(
                f"{name} has no header row. Export the incidents again with column names "
                "in the first line."
            )
        layout = recognise(header, mapping, name)
        if date_format is not None:
            _check_format(date_format)
        return IncidentReader(
            binary=binary,
            text=text,
            reader=reader,
            header=header,
            header_lines=reader.line_num,
            layout=layout,
            total_bytes=size,
            zone=zone,
            taxonomy=taxonomy,
            date_format=date_format,
            now=now,
        )
    except BaseException:
        text.close()
        raise


def _check_format(date_format: str) -> None:
    """ImportFileError when --date-format cannot read even a date it wrote itself."""
    sample = datetime(2026, 6, 1, 21, 58, 7, tzinfo=UTC)
    try:
        datetime.strptime(sample.strftime(date_format), date_format)
    except ValueError as error:
        raise ImportFileError(
            f"--date-format '{date_format}' is not a date format ({error}); write it with "
            "strptime codes, e.g. '%d/%m/%Y %H:%M'."
        ) from None
    if "%" not in date_format:
        raise ImportFileError(
            f"--date-format '{date_format}' has no % codes; write it with strptime codes, "
            "e.g. '%d/%m/%Y %H:%M'."
        )
