"""babelwire over HTTP: the catalog that the REST API (:mod:`babelwire.api`) and the web pages serve.

``catalog`` holds the queries and the ingest, ``pages`` the server-rendered UI, ``templates/``
its Jinja2 templates and ``static/`` its hand-written CSS and JavaScript.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from babelwire.web.catalog import Catalog


def get_catalog(request: Request) -> Catalog:
    """The app's catalog (a FastAPI dependency)."""
    return request.app.state.catalog


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
