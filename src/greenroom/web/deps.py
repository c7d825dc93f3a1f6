"""Dependencies shared by every feature's routes: the app context, the database and the client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from greenroom.accounts.activity import Client
from greenroom.config import Settings
from greenroom.db import session_scope
from greenroom.security import Keyring
from greenroom.web.context import AppContext


def app_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.greenroom
    return context


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    yield from session_scope(app_context(request).sessions)


def get_settings(request: Request) -> Settings:
    return app_context(request).settings


def get_keys(request: Request) -> Keyring:
    return app_context(request).keys


def get_client(request: Request) -> Client:
    host = request.client.host if request.client else "unknown"
    return Client(ip=host, user_agent=request.headers.get("user-agent", "")[:255])


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
KeysDep = Annotated[Keyring, Depends(get_keys)]
ClientDep = Annotated[Client, Depends(get_client)]
