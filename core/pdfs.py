"""PDF uploads are parsed, not grepped.

Matching bytes misses what a viewer sees: names may be escaped (`/Java#53cript` is
`/JavaScript`), strings may be hex, and since PDF 1.5 most objects sit inside compressed
object streams. pypdf decodes all of that; we then walk every object in the cross-reference
table (reachable or not) and refuse anything that runs or carries something when opened:
JavaScript, launch/import/submit actions, automatic actions (/OpenAction that is an action,
/AA), embedded or attached files, rich media and XFA forms. Encrypted PDFs cannot be
inspected and are refused too. Plain links (/URI) and page destinations stay allowed.
"""

import io
import logging

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .budget import BudgetExceeded, DecodeBudget

logger = logging.getLogger(__name__)

MAX_OBJECTS = 50_000  # a 100-page scanned report has a few thousand
FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA", "/Launch"}
FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition", "/GoToE", "/RichMediaExecute"}
FORBIDDEN_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}


class UnsafePdf(Exception):
    """`reason` is one of: unreadable, encrypted, active, too_large."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def _walk(value, seen: set, budget: DecodeBudget, depth: int = 0) -> None:
    if isinstance(value, IndirectObject):
        return  # every indirect object is visited from the xref table itself
    if depth > 64:
        raise UnsafePdf("too_large", "nested too deeply")
    if isinstance(value, DictionaryObject):
        if id(value) in seen:
            return
        seen.add(id(value))
        keys = set(value.keys())
        hit = keys & FORBIDDEN_KEYS
        if hit:
            raise UnsafePdf("active", sorted(hit)[0])
        if value.get("/S") in FORBIDDEN_ACTIONS:
            raise UnsafePdf("active", str(value.get("/S")))
        if value.get("/Subtype") in FORBIDDEN_SUBTYPES:
            raise UnsafePdf("active", str(value.get("/Subtype")))
        if value.get("/Type") in ("/Filespec", "/EmbeddedFile") and ("/EF" in keys or value.get("/Type") == "/EmbeddedFile"):
            raise UnsafePdf("active", "/EF")
        opening = value.get("/OpenAction")
        if opening is not None:
            target = opening.get_object() if isinstance(opening, IndirectObject) else opening
            if isinstance(target, DictionaryObject):  # an action runs on open; an array only shows a page
                raise UnsafePdf("active", "/OpenAction")
        for item in value.values():
            _walk(item, seen, budget, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            _walk(item, seen, budget, depth + 1)


def inspect_pdf(data: bytes, budget: DecodeBudget | None = None) -> int:
    """Raise UnsafePdf unless `data` is a readable, unencrypted PDF with nothing active.
    Returns the number of pages."""
    budget = budget or DecodeBudget()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnsafePdf("encrypted")
        numbers = {number for table in reader.xref.values() for number in table}
        numbers |= set(reader.xref_objStm)
        if len(numbers) > MAX_OBJECTS:
            raise UnsafePdf("too_large", f"{len(numbers)} objects")
        seen: set = set()
        _walk(reader.trailer, seen, budget)
        for count, number in enumerate(sorted(numbers)):
            if count % 500 == 0:
                budget.check_time()
            generation = next((gen for gen, table in reader.xref.items() if number in table), 0)
            obj = reader.get_object(IndirectObject(number, generation, reader))
            _walk(obj, seen, budget)
        pages = len(reader.pages)
    except UnsafePdf:
        raise
    except BudgetExceeded:
        raise UnsafePdf("too_large", "time budget") from None
    except Exception as exc:  # pypdf raises many types on hostile input; all mean "cannot verify"
        logger.info("pdf refused as unreadable: %s", type(exc).__name__)
        raise UnsafePdf("unreadable", type(exc).__name__) from None
    if pages < 1:
        raise UnsafePdf("unreadable", "no pages")
    return pages
