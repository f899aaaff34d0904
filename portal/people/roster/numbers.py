"""Numbers a spreadsheet has rewritten. Excel reads 00012345 in a CSV as the number 12345, and an .xlsx may store it
so, so a file can name someone the portal knows as 00012345 by 12345 (or, the other way round, give 00012345 to
someone the portal took from such a file as 12345); other tools write 12345.0, and Excel writes a long number as
1.23457E+11. Read as written, such a row is a new person, or a completion for nobody: the imports ask this instead,
and refuse the row with the reason."""

import re

from django.db.models import Q

from portal.lib.csvfiles import parse_date, quoted

from ..models import Assignment, StaffMember

# How a spreadsheet rewrites a number it took for a quantity: 12345.0, or 1.23457E+11 (Excel's General format for a
# number of 12 digits or more, which a CSV then keeps, the last digits lost).
REWRITTEN = re.compile(r"\d+\.\d+|\d+(?:\.\d+)?[eE][+-]?\d+")
# A number as ESR and the portal's own files write one: digits (10000001, 00012345), after letters if any (E0000001,
# A01), and a post's suffix after them (10000001-2; a post of someone numbered so, E123-2-1). With one suffix at most
# it is never a date.
NUMBER = re.compile(r"[A-Za-z]*[0-9]+(?:-[0-9]+)*")
ONE_SUFFIX = re.compile(r"[A-Za-z]*[0-9]+(?:-[0-9]+)?")
# A day and a month as Excel shows a number it took for a date when a CSV is saved ("01-Feb", "1-Feb-26", "Feb-26"):
# parse_date reads those with a year; these it does not.
EXCEL_DAY = re.compile(r"\d{1,2}[-/ ][A-Za-z]{3,9}(?:[-/ ]\d{2,4})?|[A-Za-z]{3,9}[-/ ]\d{2,4}")


def rewritten_number_error(number: str, column: str = "Employee Number") -> str:
    """Why `number` cannot be taken as written, to follow "Line N: ", or "" if it can."""
    if not REWRITTEN.fullmatch(number):
        return ""
    return (
        f"{column} {number} looks like a number a spreadsheet has rewritten (with a decimal point, or in scientific "
        "notation, its last digits lost). Give it as ESR writes it (in Excel, format the column as Text first), then "
        "upload the file again"
    )


def number_error(number: str, column: str = "Employee Number") -> str:
    """Why `number` is not a number the import can take, to follow "Line N: ", or "" if it is one (or is empty): a
    number a spreadsheet rewrote, a date Excel made of it, or text ("N/A", "12 34"). Stored, it would be a person or
    post that ESR's real number never matches."""
    if not number:
        return ""
    rewritten = rewritten_number_error(number, column)
    if rewritten or ONE_SUFFIX.fullmatch(number):
        return rewritten
    if EXCEL_DAY.fullmatch(number) or _is_date(number):
        return (
            f"{column} '{quoted(number)}' is a date, not a number: Excel turns some numbers into dates (1-2 into "
            "01-Feb). Give the number as ESR writes it (in Excel, format the column as Text first), then upload the "
            "file again"
        )
    if NUMBER.fullmatch(number):
        return ""
    return (
        f"{column} '{quoted(number)}' is not a number as ESR writes one: digits, after letters if any (E0000001), and "
        "a post's -N after them (10000001-2). Give the number ESR holds, then upload the file again"
    )


def _is_date(text: str) -> bool:
    """Whether `text` is a day Excel could have shown: its dates start in 1900 (1001-2-3 is no date of Excel's)."""
    try:
        return parse_date(text).year >= 1900
    except ValueError:
        return False


def zero_twins(numbers) -> dict[str, str]:
    """{number: the number the portal holds that differs from it only in leading zeros}, for each all-digit number
    in `numbers` that has such a twin, among employee numbers and assignment numbers (one query). Pass the numbers
    the portal does not hold as written."""
    wanted: dict[str, list[str]] = {}
    for number in numbers:
        if number.isascii() and number.isdigit():
            wanted.setdefault(number.lstrip("0"), []).append(number)
    wanted.pop("", None)
    if not wanted:
        return {}
    held = set(
        StaffMember.objects.filter(Q(employee_number__startswith="0") | Q(employee_number__in=list(wanted)))
        .order_by()
        .values_list("employee_number", flat=True)
        .union(
            Assignment.objects.filter(Q(number__startswith="0") | Q(number__in=list(wanted)))
            .order_by()
            .values_list("number")
        )
    )
    twins = {}
    for twin in sorted(held):
        for number in wanted.get(twin.lstrip("0"), []) if twin.isdigit() else []:
            if number != twin:
                twins.setdefault(number, twin)
    return twins


def code_twins(codes) -> dict[str, str]:
    """{an all-digit code without its leading zeros: the code as the portal holds it}, for looking up with
    `code_twin` a team's code a spreadsheet has rewritten (0123 read as 123, or the other way round)."""
    return {code.lstrip("0"): code for code in codes if code.isascii() and code.isdigit() and code.lstrip("0")}


def code_twin(code: str, twins: dict[str, str]) -> str | None:
    """The code the portal holds (from `code_twins`) that differs from `code` only in leading zeros, if any."""
    if not (code.isascii() and code.isdigit()):
        return None
    twin = twins.get(code.lstrip("0"))
    return twin if twin is not None and twin != code else None


def zero_twin_error(number: str, twin: str, column: str = "Employee Number") -> str:
    """Why a row naming `number` is refused when the portal holds `twin`, to follow "Line N: "."""
    return (
        f"{column} {number} is not in the portal, but {twin} is: the two differ only in leading zeros, which Excel "
        f"drops from numbers. Give the number as the portal holds it, {twin} (in Excel, format the column as Text "
        "first), then upload the file again"
    )
