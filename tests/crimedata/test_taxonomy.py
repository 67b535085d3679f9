"""The crime taxonomy: Chicago's and NIBRS wording land in the right category, and a
department's mapping file comes first."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.crimedata.taxonomy import CATEGORIES, Taxonomy
from core.errors import InvalidInput


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.default()


def test_categories_keep_their_keys_labels_and_order() -> None:
    assert list(CATEGORIES.items()) == [
        ("burglary", "Burglary"),
        ("theft", "Theft"),
        ("vehicle_theft", "Vehicle theft"),
        ("theft_from_vehicle", "Theft from vehicle"),
        ("robbery", "Robbery"),
        ("assault", "Assault"),
        ("vandalism", "Vandalism"),
        ("fraud", "Fraud and scams"),
        ("drugs", "Drugs"),
        ("other", "Other"),
    ]


@pytest.mark.parametrize(
    ("raw_type", "description", "expected"),
    [
        ("THEFT", "RETAIL THEFT", "theft"),
        ("THEFT", "$500 AND UNDER", "theft"),
        ("THEFT", "THEFT FROM MOTOR VEHICLE", "theft_from_vehicle"),
        ("THEFT", "FINANCIAL ID THEFT: OVER $300", "fraud"),
        ("BATTERY", "DOMESTIC BATTERY SIMPLE", "assault"),
        ("ASSAULT", "AGGRAVATED: HANDGUN", "assault"),
        ("CRIMINAL DAMAGE", "TO VEHICLE", "vandalism"),
        ("CRIMINAL DAMAGE", "TO PROPERTY", "vandalism"),
        ("DECEPTIVE PRACTICE", "THEFT OF LOST / MISLAID PROPERTY", "fraud"),
        ("DECEPTIVE PRACTICE", "FINANCIAL IDENTITY THEFT OVER $ 300", "fraud"),
        ("NARCOTICS", "ALTER/FORGE PRESCRIPTION", "drugs"),
        ("MOTOR VEHICLE THEFT", "AUTOMOBILE", "vehicle_theft"),
        ("MOTOR VEHICLE THEFT", "THEFT / RECOVERY - AUTOMOBILE", "vehicle_theft"),
        ("BURGLARY", "FORCIBLE ENTRY", "burglary"),
        ("ROBBERY", "VEHICULAR HIJACKING", "robbery"),
        ("ROBBERY", "STRONGARM - NO WEAPON", "robbery"),
        ("CRIMINAL TRESPASS", "TO LAND", "other"),
        ("OTHER OFFENSE", "OTHER VEHICLE OFFENSE", "other"),
        ("WEAPONS VIOLATION", "UNLAWFUL POSS OF HANDGUN", "other"),
        ("CRIM SEXUAL ASSAULT", "NON-AGGRAVATED", "other"),
    ],
)
def test_chicago_vocabulary(
    taxonomy: Taxonomy, raw_type: str, description: str, expected: str
) -> None:
    assert taxonomy.categorise(raw_type, description) == expected


@pytest.mark.parametrize(
    ("raw_type", "expected"),
    [
        ("Larceny", "theft"),
        ("All Other Larceny", "theft"),
        ("Shoplifting", "theft"),
        ("Pocket-picking", "theft"),
        ("Stolen Property Offenses", "theft"),
        ("Breaking & Entering", "burglary"),
        ("Burglary/Breaking & Entering", "burglary"),
        ("Residential Burglary", "burglary"),
        ("B&E", "burglary"),
        ("Stolen Vehicle", "vehicle_theft"),
        ("Auto Theft", "vehicle_theft"),
        ("Motor Vehicle Theft", "vehicle_theft"),
        ("Aggravated Assault", "assault"),
        ("Simple Assault", "assault"),
        ("Criminal Mischief", "vandalism"),
        ("Graffiti", "vandalism"),
        ("Destruction/Damage/Vandalism of Property", "vandalism"),
        ("Identity Theft", "fraud"),
        ("Forgery", "fraud"),
        ("Counterfeiting/Forgery", "fraud"),
        ("Embezzlement", "fraud"),
        ("False Pretenses/Swindle/Confidence Game", "fraud"),
        ("Drug/Narcotic Violations", "drugs"),
        ("Drug Equipment Violations", "drugs"),
        ("Theft from Motor Vehicle", "theft_from_vehicle"),
        ("Theft of Motor Vehicle Parts or Accessories", "theft_from_vehicle"),
        ("LARCENY FROM AUTO", "theft_from_vehicle"),
        ("VEHICLE BURGLARY", "theft_from_vehicle"),
        ("BURGLARY - VEHICLE", "theft_from_vehicle"),
        ("Car prowl", "theft_from_vehicle"),
        ("Carjacking", "robbery"),
        ("Robbery", "robbery"),
        ("Homicide", "other"),
        ("", "other"),
    ],
)
def test_nibrs_and_police_wording(taxonomy: Taxonomy, raw_type: str, expected: str) -> None:
    assert taxonomy.categorise(raw_type, "") == expected


def test_matching_ignores_case_and_spacing(taxonomy: Taxonomy) -> None:
    assert taxonomy.categorise("motor  vehicle   theft", "") == "vehicle_theft"
    assert taxonomy.categorise("theft", "from  motor vehicle") == "theft_from_vehicle"


def test_burglary_of_a_vehicle_is_theft_from_vehicle(taxonomy: Taxonomy) -> None:
    assert taxonomy.categorise("BURGLARY", "VEHICLE") == "theft_from_vehicle"
    assert taxonomy.categorise("BURGLARY", "FROM VEHICLE") == "theft_from_vehicle"
    assert taxonomy.categorise("BURGLARY", "UNLAWFUL ENTRY") == "burglary"


def test_a_vague_type_leaves_it_to_the_description(taxonomy: Taxonomy) -> None:
    assert taxonomy.categorise("PART 1", "LARCENY") == "theft"
    assert taxonomy.categorise("PROPERTY CRIME", "VANDALISM") == "vandalism"


def test_answers_are_remembered_per_pair(taxonomy: Taxonomy) -> None:
    fresh = Taxonomy.default()
    assert fresh.categorise("THEFT", "RETAIL THEFT") == "theft"
    # A second call must not run the rules again: take them away and ask once more.
    fresh.rules = ()
    assert fresh.categorise("THEFT", "RETAIL THEFT") == "theft"
    assert fresh.categorise("THEFT", "OVER $500") == "other"


def test_extra_rules_come_before_the_built_in_ones(taxonomy: Taxonomy) -> None:
    custom = taxonomy.with_extra([(r"^criminal trespass\b", "burglary")])
    assert custom.categorise("CRIMINAL TRESPASS", "TO RESIDENCE") == "burglary"
    assert taxonomy.categorise("CRIMINAL TRESPASS", "TO RESIDENCE") == "other"
    with pytest.raises(InvalidInput, match="rule 1"):
        taxonomy.with_extra([("x", "arson")])


def test_a_department_file_overrides_a_built_in_rule(tmp_path: Path) -> None:
    path = tmp_path / "mapping.csv"
    path.write_text(
        "pattern,category\n"
        "# Our records put catalytic converter thefts under THEFT/PARTS\n"
        "\n"
        r"^theft \| parts\b,theft_from_vehicle"
        "\n"
        '"retail theft|shoplift, (attempt)",other\n'
        r"^intimidation\b,ASSAULT"
        "\n",
        encoding="utf-8",
    )
    custom = Taxonomy.load(path)
    assert custom.categorise("THEFT", "PARTS") == "theft_from_vehicle"
    assert custom.categorise("THEFT", "RETAIL THEFT") == "other"
    assert custom.categorise("INTIMIDATION", "INTIMIDATION") == "assault"
    # What the file does not mention still follows the built-in rules.
    assert custom.categorise("THEFT", "OVER $500") == "theft"
    assert custom.categorise("NARCOTICS", "POSS: COCAINE") == "drugs"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("theft,stealing", "line 3 of mapping.csv: 'stealing' is not a category"),
        ("(unclosed,theft", "line 3 of mapping.csv: '(unclosed' is not a valid regular expression"),
        ("theft", "line 3 of mapping.csv: expected two columns"),
        (",theft", "line 3 of mapping.csv: the pattern is empty"),
    ],
)
def test_a_bad_mapping_line_is_named(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "mapping.csv"
    path.write_text(f"pattern,category\nburglary,burglary\n{line}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        Taxonomy.load(path)
    assert str(caught.value).startswith(message)


def test_a_missing_mapping_file_is_said(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no mapping file"):
        Taxonomy.load(tmp_path / "absent.csv")
