"""Report sections, one module each (see ``dyadwatch.report.base``)."""
