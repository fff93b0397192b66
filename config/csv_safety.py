"""Formula injection in spreadsheets (OWASP "CSV Injection"): a cell that starts with `=`, `+`,
`-`, `@`, a tab or a carriage return is run as a formula by Excel, LibreOffice and Sheets. Every
CSV or TSV the app writes prefixes such a cell with a single quote, which spreadsheets show as
text; every reader of those files strips it again, so a round trip gives back what was typed.

A cell that already starts with quotes before such a character gets one more quote, so that
stripping one is always right: `'=x` is written `''=x` and read back `'=x`.
"""

from import_export.formats import base_formats

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def neutralise(value: object) -> object:
    """The cell as written to a file: text that a spreadsheet would run gets a leading quote."""
    if isinstance(value, str) and value.lstrip(GUARD).startswith(TRIGGERS):
        return GUARD + value
    return value


def restore(value):
    """The cell as typed, from a file `neutralise` wrote."""
    if (
        isinstance(value, str)
        and value.startswith(GUARD)
        and value.lstrip(GUARD).startswith(TRIGGERS)
    ):
        return value[1:]
    return value


def neutralise_row(row) -> list:
    return [neutralise(value) for value in row]


class _SafeTabular:
    """django-import-export format: neutralise on export, restore on import."""

    def export_data(self, dataset, **kwargs):
        safe = dataset.__class__(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            safe.append(neutralise_row(row))
        return super().export_data(safe, **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        restored = dataset.__class__(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            restored.append([restore(value) for value in row])
        return restored


class SafeCSV(_SafeTabular, base_formats.CSV):
    pass


class SafeTSV(_SafeTabular, base_formats.TSV):
    pass
