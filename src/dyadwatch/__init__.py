"""dyadwatch: measure, monitor and explain the relationship between two states.

The Python API mirrors the CLI: ``dyadwatch.api.votes("CHN", "RUS")``,
``dyadwatch.api.alliances(...)``, ``dyadwatch.report.build_report(...)``,
``dyadwatch.warehouse.Warehouse(path).ingest(dyadwatch.sources.get(name), files)``.
"""

__version__ = "0.1.0"
