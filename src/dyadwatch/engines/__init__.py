"""Engines beyond the embedded DuckDB warehouse: stores whose tables live on a distributed engine."""
