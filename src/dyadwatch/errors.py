"""One error hierarchy for dyadwatch.

Every error names what went wrong, where (file, line or column) and the fix.
Subclasses also inherit the matching builtin so callers can catch either.
The CLI turns them into a one-paragraph message and a non-zero exit code.
"""

from __future__ import annotations


class DyadwatchError(Exception):
    """Base class of every error dyadwatch raises on purpose."""

    exit_code = 1


class DyadwatchWarning(UserWarning):
    """Something the reader should know about an answer that is still given (the CLI prints it as a note)."""


class AmbiguousNameWarning(DyadwatchWarning):
    """A country name that several states answer to was read as one of them."""


class SourceFormatError(ValueError, DyadwatchError):
    """A file is not in the layout its source expects."""

    exit_code = 3


class UnknownSourceError(KeyError, DyadwatchError):
    exit_code = 2

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownCountryError(LookupError, DyadwatchError):
    exit_code = 2


class NoDataError(LookupError, DyadwatchError):
    """The warehouse (and the embedded pack) hold nothing for this request."""

    exit_code = 4


class UnitOfAnalysisError(TypeError, DyadwatchError):
    """Two tables of different units of analysis were joined."""

    exit_code = 2


class ClaimFileError(ValueError, DyadwatchError):
    exit_code = 3


class MissingExtraError(ImportError, DyadwatchError):
    """An optional heavy dependency is not installed."""

    exit_code = 2


class NeedsIngestError(NoDataError):
    """The chosen store cannot answer: the request needs data that must be ingested first (the message says how)."""

    exit_code = 4


class SubsetError(ValueError, DyadwatchError):
    """A vote subset that does not exist (an unknown issue area) or that the source cannot give."""

    exit_code = 2


class PeriodError(ValueError, DyadwatchError):
    """A trade period that cannot be read (it says which forms are accepted)."""

    exit_code = 2


class UnknownMeasureError(ValueError, DyadwatchError):
    """A vote similarity measure that dyadwatch does not compute."""

    exit_code = 2


class FetchError(DyadwatchError):
    """A download failed or gave something that is not the publisher's file (names the URL and the fix)."""

    exit_code = 5


class InvalidValueError(SourceFormatError):
    """A value no publisher writes (out of range, not a number, a malformed period)."""


class TruncatedFileError(SourceFormatError):
    """A file ends mid-record: the download or export was cut."""


class EmptyInputError(SourceFormatError):
    """A file with a header but no rows: a failed export, never the dataset."""


class ShrinkError(DyadwatchError):
    """An ingest would delete all, or a large share, of the rows a source already holds."""

    exit_code = 5


class ChecksumError(FetchError, ValueError):
    """A downloaded file's sha256/MD5 or size is not the one the publisher (or the recipe) states."""


class OfflineError(FetchError, FileNotFoundError):
    """--offline was asked but the cache does not hold the file."""


class ApiError(FetchError):
    """A publisher's data API refused a request or answered with an error."""


class ConfigError(ValueError, DyadwatchError):
    """A bundled or user-given configuration file (assess.yaml, countries.yaml) is malformed."""

    exit_code = 3


class BadParameterError(ValueError, DyadwatchError):
    """A request parameter is out of range or malformed (the dashboard answers 422 with the allowed values)."""

    exit_code = 2


class WarehouseNotFoundError(FileNotFoundError, DyadwatchError):
    """An explicitly given warehouse (``--db`` / ``DYADWATCH_DB``) does not exist: never silently the pack."""

    exit_code = 2


class WarehouseWriteError(OSError, DyadwatchError):
    """The warehouse file cannot be written: disk full, read-only folder, no permission."""

    exit_code = 6


class SchemaVersionError(DyadwatchError):
    """The warehouse was written by another version of dyadwatch with another table layout."""

    exit_code = 7


class OutputError(OSError, DyadwatchError):
    """An output file cannot be written safely (a symlink, or a file that is not dyadwatch's)."""

    exit_code = 8


class ArgumentError(ValueError, DyadwatchError):
    """Arguments that cannot give an answer (reversed or out-of-coverage years, a dyad of one state)."""

    exit_code = 2

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class WarehouseBusyError(DyadwatchError):
    """Another process holds the warehouse's write lock for longer than dyadwatch waits."""

    exit_code = 5


class WarehouseFileError(ValueError, DyadwatchError):
    """The warehouse path is a folder, or a file that is not a DuckDB database."""

    exit_code = 2
