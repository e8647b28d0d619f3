"""The dashboard: ``dyadwatch serve`` (FastAPI + uvicorn, Jinja2 pages, a JSON API, Vega-Lite charts).

Presentation only. Every number comes through one adapter, ``web/data.py``, which calls the
library (``dyadwatch.api``, ``assess``, ``claims``, ``indicators.votes_panel``, ideal points)
on a read-only store; ``app.py`` builds the application, ``routes_api.py`` the JSON API and
``routes_pages.py`` the HTML pages.
"""
