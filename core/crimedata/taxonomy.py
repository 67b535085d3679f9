"""A small crime taxonomy, and the rules that put a department's own wording into it.

Rules are regular expressions tested, case-insensitively and in order, against the text
"TYPE | DESCRIPTION"; the first that matches names the category and anything unmatched is
"other". The built-in rules know the City of Chicago's "Primary Type"/"Description" vocabulary
and common US police, UCR and NIBRS wording; a department's mapping file puts its own rules
before them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from core.errors import InvalidInput

CATEGORIES: Final[dict[str, str]] = {
    "burglary": "Burglary",
    "theft": "Theft",
    "vehicle_theft": "Vehicle theft",
    "theft_from_vehicle": "Theft from vehicle",
    "robbery": "Robbery",
    "assault": "Assault",
    "vandalism": "Vandalism",
    "fraud": "Fraud and scams",
    "drugs": "Drugs",
    "other": "Other",
}

OTHER: Final = "other"

# Real files repeat a few hundred (type, description) pairs, so the memo stays small; the cap
# only guards against a file whose descriptions are free text.
_MEMO_LIMIT = 50_000

# "Matches in the type" patterns are anchored before the " | " separator, so that a word in the
# description (ROBBERY | ... THEFT) does not outrank what the department called the crime.
_IN_TYPE = r"^[^|]*"

_VEHICLE = r"(?:motor\s*vehicles?|vehicles?|autos?|automobiles?|cars?|trucks?|mv|veh)"
_STEALING = r"(?:theft|thefts|larceny|steal|stolen|burglary|burglar|break|prowl|prowling|lft)"

_BUILT_IN: Final[tuple[tuple[str, str], ...]] = (
    # Sexual offences have their own place in UCR/NIBRS and in Chicago's data; "sexual assault"
    # must not be counted with street assaults, so it is settled before the assault rules.
    (OTHER, r"\b(?:sex|sexual|crim\s+sexual|rape|sodomy|fondling)\b"),
    # Theft from a vehicle first: its wording contains both "theft" and "vehicle".
    (
        "theft_from_vehicle",
        rf"^(?=.*\b{_STEALING}).*\b(?:from|into)\s+(?:an?\s+|the\s+)?{_VEHICLE}\b",
    ),
    ("theft_from_vehicle", rf"\b{_VEHICLE}\s*[-/]?\s*(?:burglary|burglaries|break|prowl)"),
    ("theft_from_vehicle", rf"\bburglary\b[^|]*\|?\s*[-:/]?\s*(?:of\s+|to\s+)?{_VEHICLE}\b"),
    ("theft_from_vehicle", r"\bbmv\b|\bbfmv\b|\blfmv\b|\btfmv\b|\bl\s*/\s*f\s*/\s*a\b"),
    (
        "theft_from_vehicle",
        r"\b(?:motor\s*vehicle|vehicle|auto|car)\s+(?:parts|accessories|parts\s*/\s*accessories)"
        r"|\bcatalytic\s+converters?\b",
    ),
    # Vehicle theft next, before plain theft. Carjacking is robbery (NIBRS), and is left to it.
    (
        "vehicle_theft",
        rf"\b{_VEHICLE}\s*(?:theft|thefts|larceny|stolen)\b"
        rf"|\bstolen\s+(?:motor\s*)?(?:vehicles?|autos?|automobiles?|cars?|trucks?|motorcycles?)\b"
        rf"|\b(?:theft|larceny)\s+of\s+(?:an?\s+|the\s+)?{_VEHICLE}\b"
        r"|\bgrand\s+theft\s+auto\b|\bmvt\b|\bgta\b"
        r"|\bunauthori[sz]ed\s+use\s+of\s+(?:an?\s+)?(?:motor\s*)?vehicle\b",
    ),
    # What the department called the crime outranks words in its description.
    ("robbery", _IN_TYPE + r"\b(?:robbery|robberies|carjacking|car\s*jacking|hijacking)\b"),
    (
        "burglary",
        _IN_TYPE + r"\b(?:burglary|burglaries|b\s*&\s*e|breaking\s*(?:&|and)\s*entering"
        r"|break[-\s]*ins?|home\s+invasion|housebreaking)\b",
    ),
    (
        "assault",
        _IN_TYPE + r"\b(?:assault|assaults|battery|agg\.?\s+assault|agg\.?\s+battery)\b",
    ),
    (
        "vandalism",
        _IN_TYPE + r"\b(?:criminal\s+damage|criminal\s+mischief|vandalism|graffiti"
        r"|destruction|damage\s+to\s+property|property\s+damage|malicious\s+mischief"
        r"|defacement|defacing)\b",
    ),
    (
        "drugs",
        _IN_TYPE + r"\b(?:narcotics?|drugs?|controlled\s+substances?|cannabis|marijuana"
        r"|cocaine|heroin|opioids?|methamphetamine|paraphernalia|vcsa)\b",
    ),
    (
        "fraud",
        _IN_TYPE + r"\b(?:deceptive|fraud|frauds|fraudulent|forgery|forged|counterfeit\w*"
        r"|embezzle\w*|identity\s+theft|id\s+theft|swindle|scams?|con\s+game"
        r"|confidence\s+game|false\s+pretenses?|impersonat\w+|bad\s+checks?|bogus\s+checks?"
        r"|credit\s+card|wire\s+fraud)\b",
    ),
    # Theft in the type: but THEFT | FINANCIAL ID THEFT is fraud, so the description's fraud
    # wording is looked at first.
    (
        "fraud",
        r"\b(?:identity\s+theft|id\s+theft|fraud|fraudulent|forgery|counterfeit\w*|embezzle\w*"
        r"|swindle|scams?|confidence\s+game|con\s+game|false\s+pretenses?|impersonat\w+"
        r"|bad\s+checks?|bogus\s+checks?|credit\s+card)\b",
    ),
    (
        "theft",
        _IN_TYPE + r"\b(?:theft|thefts|larceny|larcenies|shoplifting|shoplift|stealing"
        r"|stolen\s+property|pick\s*-?\s*pocket\w*|pocket\s*-?\s*picking|purse\s*-?\s*snatch\w*"
        r"|petty\s+theft|grand\s+theft)\b",
    ),
    # Types that say nothing ("PART 1", "PROPERTY CRIME"): the description decides.
    ("robbery", r"\b(?:robbery|carjacking|hijacking)\b"),
    ("burglary", r"\b(?:burglary|b\s*&\s*e|breaking\s*(?:&|and)\s*entering|break[-\s]*in)\b"),
    ("assault", r"\b(?:assault|battery)\b"),
    ("vandalism", r"\b(?:criminal\s+damage|criminal\s+mischief|vandalism|graffiti)\b"),
    ("drugs", r"\b(?:narcotics?|drugs?|controlled\s+substances?)\b"),
    (
        "theft",
        r"\b(?:theft|larceny|shoplifting|stolen\s+property|pick\s*-?\s*pocket\w*"
        r"|pocket\s*-?\s*picking|purse\s*-?\s*snatch\w*)\b",
    ),
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One ordered rule: a case-insensitive pattern and the category it gives."""

    pattern: re.Pattern[str]
    category: str


def _compile(pattern: str, category: str, where: str) -> Rule:
    """A checked rule; `where` ("line 4 of mapping.csv") is named in the error."""
    category = category.strip().lower()
    if category not in CATEGORIES:
        raise InvalidInput(
            f"{where}: '{category}' is not a category; use one of {', '.join(CATEGORIES)}."
        )
    if not pattern.strip():
        raise InvalidInput(f"{where}: the pattern is empty.")
    try:
        compiled = re.compile(pattern.strip(), re.IGNORECASE)
    except re.error as error:
        raise InvalidInput(
            f"{where}: '{pattern.strip()}' is not a valid regular expression ({error})."
        ) from None
    return Rule(compiled, category)


def subject(raw_type: str, description: str) -> str:
    """The text rules are tested against: "TYPE | DESCRIPTION", spaces collapsed."""
    return f"{' '.join(raw_type.split())} | {' '.join(description.split())}"


class Taxonomy:
    """Ordered rules that put a crime's type and description into one of CATEGORIES."""

    __slots__ = ("_memo", "rules")

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._memo: dict[tuple[str, str], str] = {}

    @classmethod
    def default(cls) -> Taxonomy:
        """The built-in rules (Chicago, UCR/NIBRS and common US police wording)."""
        return cls(_compile(pattern, category, "built-in") for category, pattern in _BUILT_IN)

    @classmethod
    def load(cls, path: Path) -> Taxonomy:
        """The built-in rules with a department mapping file's (`pattern,category`) first."""
        return cls.default().with_extra(read_mapping(path))

    def with_extra(self, rules: Iterable[tuple[str, str]]) -> Taxonomy:
        """A taxonomy whose extra (pattern, category) rules are tried before these ones."""
        extra = [
            _compile(pattern, category, f"rule {number}")
            for number, (pattern, category) in enumerate(rules, start=1)
        ]
        return Taxonomy([*extra, *self.rules])

    def categorise(self, raw_type: str, description: str) -> str:
        """The category key for a crime's type and description ("other" when no rule fits)."""
        key = (raw_type, description)
        found = self._memo.get(key)
        if found is not None:
            return found
        text = subject(raw_type, description)
        found = OTHER
        for rule in self.rules:
            if rule.pattern.search(text):
                found = rule.category
                break
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = found
        return found


def read_mapping(path: Path) -> list[tuple[str, str]]:
    """The checked (pattern, category) rules of a department mapping file.

    The file is CSV with two columns, `pattern,category`; a first line naming those columns,
    blank lines and lines starting with # are skipped. Errors name the line.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"There is no mapping file at {path}.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"The mapping file {path} cannot be read ({error}).") from None
    rules: list[tuple[str, str]] = []
    reader = csv.reader(text.splitlines())
    for row in reader:
        number = reader.line_num
        where = f"line {number} of {path.name}"
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if number == 1 and [cell.strip().lower() for cell in row] == ["pattern", "category"]:
            continue
        if len(row) != 2:
            raise InvalidInput(
                f"{where}: expected two columns, pattern,category (put a pattern holding a "
                "comma in double quotes)."
            )
        pattern, category = row
        _compile(pattern, category, where)
        rules.append((pattern.strip(), category.strip().lower()))
    return rules
