"""Typed FastAPI dependencies shared by the page and API routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session


def get_session(request: Request) -> Iterator[Session]:
    """A read-only session on the currently published database."""
    with request.app.state.database.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
