"""Writers: BibTeX (biblatex-compatible), RIS, CSL-JSON and CSV, one module per format,
registered here in one place (as papis registers its exporters).

The contract other tools rely on: one entry per study; its key is the study's key and
`ids` lists its other records' keys; unknown and curator fields pass through untouched;
output is deterministic (same library, same bytes), and what BibTeX and CSL-JSON write
reads back to the same entries, so export -> import -> export gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tracker.entry import StudyView
from tracker.export.bibtex import (
    DATAMODEL,
    FLAVOURS,
    Flavour,
    bibtex_entry,
    bibtex_fields,
    bibtex_name,
    iter_bibtex,
    latex_escape,
    write_bibtex,
)
from tracker.export.csljson import csl_item, csljson_entry, join_csljson, write_csljson
from tracker.export.ris import ris_entry, write_ris
from tracker.export.table import CSV_COLUMNS, csv_row, join_csv, write_csv

__all__ = [
    "CSV_COLUMNS",
    "DATAMODEL",
    "ENTRY_FORMATS",
    "FLAVOURS",
    "WRITERS",
    "EntryFormat",
    "Flavour",
    "Writer",
    "bibtex_entry",
    "bibtex_fields",
    "bibtex_name",
    "csl_item",
    "csljson_entry",
    "iter_bibtex",
    "latex_escape",
    "ris_entry",
    "write_bibtex",
    "write_csljson",
    "write_csv",
    "write_ris",
]

Writer = Callable[[Sequence[StudyView]], str]


@dataclass(frozen=True, slots=True)
class EntryFormat:
    """A format as one text per study and a way to join them: what a site build needs to
    write the same study into many downloads while rendering it once."""

    extension: str
    entry: Callable[[StudyView], str]
    join: Callable[[Sequence[str]], str]


ENTRY_FORMATS: dict[str, EntryFormat] = {
    "bibtex": EntryFormat("bib", bibtex_entry, "\n".join),
    "ris": EntryFormat("ris", ris_entry, "\n".join),
    "csljson": EntryFormat("json", csljson_entry, join_csljson),
    "csv": EntryFormat("csv", csv_row, join_csv),
}


#: The registry: format name -> writer.
WRITERS: dict[str, Writer] = {
    "bibtex": write_bibtex,
    "ris": write_ris,
    "csljson": write_csljson,
    "csv": write_csv,
}
