"""Error pages and JSON errors: every failure gets a clear message, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db import DatabaseMissing
from app.web.templating import templates

logger = logging.getLogger(__name__)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "title": title, "message": message}, status_code=status
    )


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            detail = error.detail if error.detail != "Not Found" else "There is no page at this address."
            return _error_page(request, 404, "Not found", detail)
        return _error_page(request, error.status_code, "Request not possible", str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in error.errors()
        )
        if _wants_json(request):
            return JSONResponse({"detail": problems, "errors": jsonable_errors(error)}, status_code=422)
        return _error_page(request, 422, "Invalid request", problems)

    @app.exception_handler(DatabaseMissing)
    async def database_missing(request: Request, error: DatabaseMissing) -> Response:
        return _error_page(request, 503, "No data yet", error.advice())

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        logger.exception("unhandled error on %s", request.url.path)
        return _error_page(request, 500, "Something went wrong", "An unexpected error occurred; it has been logged.")


def jsonable_errors(error: RequestValidationError) -> list[dict[str, object]]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
