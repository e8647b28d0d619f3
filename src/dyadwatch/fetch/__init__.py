"""Fetch the publishers' files into the user cache, verified; ``update`` then ingests them.

* ``http.py`` — the httpx client: retries, backoff, Retry-After, Range resume, atomic writes;
* ``verify.py`` — refusing HTML, LFS pointers, empty bodies, wrong formats, bad checksums;
* ``cache.py`` — the cache directory (platformdirs; ``DYADWATCH_CACHE``);
* ``recipes.py`` + ``data/recipes.yaml`` — what to download for each source;
* ``core.py`` — ``fetch``/``update`` for file recipes; ``gdelt2.py`` and ``comtrade_api.py`` for the two
  recipes that are queries rather than files.
"""

from dyadwatch.fetch.core import FetchResult, fetch, update

__all__ = ["FetchResult", "fetch", "update"]
