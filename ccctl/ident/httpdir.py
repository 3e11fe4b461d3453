"""A directory behind an HTTP JSON lookup service.

ccctl sends ``POST <url>`` with ``{"by": "phone"|"personnummer"|"number"|"id",
"value": "..."}`` (the value in the body, never in the URL, so it does not end
up in access logs) and expects ``200`` with one JSON object in the row format
of records.py (``skills`` may also be an object ``{"bygglov": 3}``), or
``404`` when there is no such caller. Anything else is an error and the
caller stays unidentified.
"""

from __future__ import annotations

import logging

import aiohttp

from ccctl.ident.records import By, DirectoryError, Record, record_from_row

log = logging.getLogger(__name__)


class HttpDirectory:
    def __init__(self, url: str, *, timeout: float, token: str | None = None) -> None:
        self._url = url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._headers = {"Accept": "application/json"}
        if token is not None:
            self._headers["Authorization"] = f"Bearer {token}"
        self._session: aiohttp.ClientSession | None = None

    async def lookup(self, by: By, value: str) -> Record | None:
        if self._session is None:
            # Created lazily: a ClientSession must be made inside the running loop.
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self._headers)
        try:
            async with self._session.post(self._url, json={"by": by, "value": value}) as reply:
                if reply.status == 404:
                    return None
                if reply.status != 200:
                    raise DirectoryError(f"{self._url} answered HTTP {reply.status} to a "
                                         f"lookup by {by}")
                data = await reply.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise DirectoryError(f"lookup by {by} at {self._url} failed: "
                                 f"{type(exc).__name__}") from None
        if not isinstance(data, dict):
            raise DirectoryError(f"{self._url} did not answer a JSON object to a lookup by {by}")
        return record_from_row(data, f"{self._url} (lookup by {by})")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
