"""Indicators: functions of a warehouse (Ibis backend) and parameters that return tables.

Relational indicators are Ibis expressions, so they run unchanged on DuckDB
(the warehouse) or any other Ibis backend holding the canonical tables.
"""
