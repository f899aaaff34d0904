"""Text a spreadsheet shows as text. Every CSV and XLSX the portal writes for people to open (the exports, the packs'
CSVs, HR's lists, an import dry run's list of what it would record) puts its cells through `neutralise`."""

# A spreadsheet treats a cell starting with one of these as a formula: '=HYPERLINK(...)' in a name must stay text.
# The full-width signs too (＝ ＋ － ＠, as a Japanese or Chinese keyboard types them): a spreadsheet in those languages
# reads one typed at the start of a cell as the sign itself. A pack made before they were here, holding a cell that
# starts with one, rebuilds with an apostrophe before it: `verify_pack` says so, and that it is otherwise the same.
FULL_WIDTH_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", *FULL_WIDTH_STARTS)
FORMULA_FIRST = frozenset(FORMULA_STARTS)


def neutralise(value):
    """Text a spreadsheet will show as text: a leading formula character gets an apostrophe before it."""
    if value.__class__ is str and value[:1] in FORMULA_FIRST:
        return "'" + value
    return value
