"""The real crime data the project shares with its steering repository (`../shared/data`): found
beside the checkout wherever it is cloned, or where CRIMEWATCH_SHARED_DATA points."""

from __future__ import annotations

import os
from pathlib import Path

CHICAGO_NAME = "chicago_bridgeport_crime.csv"
MACHINE_COPY = Path("/work/shared/data")  # where the development machines keep it


def shared_data_file(name: str) -> Path:
    """A file of the shared data: CRIMEWATCH_SHARED_DATA, then `shared/data` next to the
    checkout or any folder above it, then the machine's own copy."""
    folders = []
    if os.environ.get("CRIMEWATCH_SHARED_DATA"):
        folders.append(Path(os.environ["CRIMEWATCH_SHARED_DATA"]))
    root = Path(__file__).resolve().parents[2]
    folders += [parent / "shared" / "data" for parent in (root, *root.parents)]
    folders.append(MACHINE_COPY)
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(
        f"{name} is not in shared/data beside the checkout nor in {MACHINE_COPY}: set "
        "CRIMEWATCH_SHARED_DATA to the folder that holds it"
    )


CHICAGO = shared_data_file(CHICAGO_NAME)
