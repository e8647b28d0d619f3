"""Download recipes: ``data/recipes.yaml``, validated with pydantic, looked up by source name.

A recipe belongs to a source of the registry (``dyadwatch.sources``), so
``fetch``/``update`` work for any source by name and adding a recipe is adding
a YAML block, not code. A recipe marked ``fetch_only`` names data no loader
reads yet (COW MIDs, NMC): it can be fetched but not ingested.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dyadwatch.errors import DyadwatchError, UnknownSourceError


class RecipeError(ValueError, DyadwatchError):
    """recipes.yaml is malformed (a bug in dyadwatch or a user's own recipe file)."""

    exit_code = 3


class RecipeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    url: str
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    md5: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    size: int | None = Field(default=None, gt=0)
    format: str | None = None
    method: Literal["GET", "POST"] = "GET"
    body: dict | None = None  # JSON body of a POST
    unwrap: str | None = None  # "base64-json:KEY": the file is base64 in the JSON response's KEY
    unpack: bool = False  # a zip whose contents (not the zip) go to the loader
    members: list[str] | None = None  # with unpack: glob patterns of the unpacked files to give the loader

    @model_validator(mode="after")
    def _unwrap_needs_post(self) -> RecipeFile:
        if self.unwrap and self.method != "POST":
            raise ValueError("unwrap applies to POST queries only")
        return self

    @field_validator("url")
    @classmethod
    def _http(cls, v: str) -> str:
        if urlsplit(v).scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {v!r}")
        return v


class Version(BaseModel):
    model_config = ConfigDict(extra="forbid")

    released: dt.date
    note: str | None = None
    files: list[RecipeFile] = Field(min_length=1)


class Recipe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    kind: Literal["files", "gdelt2", "comtrade_api"] = "files"
    page: str
    licence: str | None = None
    restricted: bool = False
    fetch_only: bool = False
    default: str
    versions: dict[str, Version]

    @model_validator(mode="after")
    def _default_exists(self) -> Recipe:
        if self.default not in self.versions:
            raise ValueError(f"default version {self.default!r} is not one of {list(self.versions)}")
        if self.restricted and not self.licence:
            raise ValueError("a restricted recipe must state its licence")
        return self

    def version(self, name: str | None) -> tuple[str, Version]:
        name = name or self.default
        if name == "latest" and "latest" not in self.versions:
            name = max(self.versions, key=lambda k: self.versions[k].released)
        if name not in self.versions:
            raise UnknownSourceError(
                f"{self.source} has no version {name!r}; known: {', '.join(self.versions)}. "
                f"Fix: pass one of them to --version (or omit it for {self.default})."
            )
        return name, self.versions[name]

    def since(self, date: dt.date) -> list[str]:
        """The versions released on or after ``date``, oldest first."""
        return sorted(
            (k for k, v in self.versions.items() if v.released >= date), key=lambda k: self.versions[k].released
        )


@cache
def all_recipes() -> dict[str, Recipe]:
    text = resources.files("dyadwatch").joinpath("data/recipes.yaml").read_text("utf-8")
    return parse(text, "dyadwatch/data/recipes.yaml")


def parse(text: str, where: str) -> dict[str, Recipe]:
    """Validate a recipes YAML text; errors name the recipe and the field."""
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise RecipeError(f"{where}: not valid YAML ({e}).") from e
    out = {}
    for name, body in raw.items():
        try:
            out[name] = Recipe(source=name, **body)
        except (ValidationError, TypeError) as e:
            raise RecipeError(f"{where}: recipe {name!r} is invalid: {e}") from e
    return out


def get(source: str) -> Recipe:
    """The recipe of a source in the registry (or of a fetch-only dataset)."""
    from dyadwatch import sources

    recipes = all_recipes()
    if source in recipes and recipes[source].fetch_only:
        return recipes[source]
    sources.get(source)  # unknown source: the registry's message lists the known ones
    if source not in recipes:
        have = ", ".join(sorted(recipes))
        raise UnknownSourceError(
            f"Source {source!r} has no download recipe; fetch it by hand and use `dyadwatch ingest {source} FILE`. "
            f"Sources with recipes: {have}."
        )
    return recipes[source]


def with_mirror(url: str, mirror: str | None) -> str:
    """``url`` with its scheme and host replaced by ``mirror`` (an institutional mirror, or a test server)."""
    if not mirror:
        return url
    m, u = urlsplit(mirror), urlsplit(url)
    path = m.path.rstrip("/") + u.path
    return urlunsplit((m.scheme, m.netloc, path, u.query, u.fragment))
