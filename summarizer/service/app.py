"""The FastAPI application: wiring of store, runner, backend pool, errors, metrics and static page.

``create_app(settings)`` builds everything from ``Settings``; state lives on ``app.state.svc`` so
several apps (tests) can coexist in one process. ``SUMMARIZER_PLUGINS`` modules are imported at
start (``plugins.load_plugins``, as the CLI does) so they can register backends and chat providers
(the tests' slow backend does).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..config.options import SummaryOptions
from ..config.settings import Settings
from ..errors import RateLimited, SummarizerError
from ..plugins import load_plugins
from . import openapi_docs
from .auth import caller_owner, parse_keys
from .events import EventHub
from .extract_route import router as extract_router
from .job_runner import JobRunner, new_runner
from .jobstore import JobStore, SqliteJobStore
from .middleware import EdgeMiddleware, error_body
from .pool import BackendPool
from .prometheus import Metrics
from .quotas import Quotas
from .retention import sweep_forever
from .routes import router
from .routes_jobs import router as jobs_router
from .security_headers import SecurityHeaders
from .storage import StorageGuard
from .webhooks import WebhookSender, check_settings

log = logging.getLogger("summarizer.service")
STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"


@dataclass
class Service:
    settings: Settings
    api_keys: list[bytes]
    metrics: Metrics
    pool: BackendPool
    hub: EventHub
    quotas: Quotas
    store: Optional[JobStore] = None
    runner: Optional[JobRunner] = None
    guard: StorageGuard = field(default_factory=StorageGuard)  # checks nothing with PostgreSQL


def _field(loc) -> str:
    """('body', 'documents', 0, 'id') -> 'documents[0].id'."""
    parts = list(loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "body"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SummarizerError)
    async def _summarizer_error(request: Request, exc: SummarizerError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return JSONResponse(error_body(exc.code, str(exc), exc.field), status_code=exc.http_status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        if first.get("type") == "json_invalid":  # its loc is (body, character offset), not a field
            where = first.get("loc", ("body", "?"))[-1]
            reason = (first.get("ctx") or {}).get("error", "JSON decode error")
            return JSONResponse(error_body("invalid_json", f"body: not valid JSON ({reason} at character {where})",
                                           "body"), status_code=422)
        field = _field(first.get("loc", ()))
        msg = first.get("msg", "invalid")
        if first.get("type") == "extra_forbidden":
            msg = "unknown field"
        return JSONResponse(error_body("validation_error", f"{field}: {msg}", field), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse(error_body("internal_error", f"internal error ({type(exc).__name__})"), status_code=500)


def _install_ops_routes(app: FastAPI, svc: Service) -> None:
    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], responses={503: {"description": "default backend not reachable, or the "
                                                                      "job database cannot take jobs"}})
    async def readyz() -> JSONResponse:
        try:
            svc.guard.check_new_work()  # the job database can take jobs (file in place, disk not full)
            backend = await svc.pool.get(SummaryOptions())
            await backend.check_ready()
        except SummarizerError as exc:
            return JSONResponse(error_body(exc.code, str(exc)), status_code=503)
        return JSONResponse({"status": "ready", "backend": backend.name})

    @app.get("/metrics", tags=["ops"], response_class=Response)
    async def metrics_endpoint(request: Request) -> Response:
        if not svc.settings.metrics_public:
            caller_owner(request)  # with API keys set, a scraper sends one too (401 otherwise)
        return Response(await svc.metrics.render_off_loop(svc.store.count_by_status, svc.store.queue_stats),
                        media_type=svc.metrics.content_type)


@asynccontextmanager
async def sqlite_services(svc: Service):
    """The SQLite job store with the in-process runner, its webhooks and the retention sweep; the
    file and its disk watched (``storage``)."""
    settings = svc.settings
    svc.store = store = SqliteJobStore(settings.resolved_db_path())
    svc.guard = StorageGuard(store, settings.min_free_disk_mb)
    webhooks = WebhookSender(settings)
    svc.runner = new_runner(store, svc.pool, settings, svc.hub, svc.metrics, webhooks=webhooks)
    await svc.runner.start()
    sweeper = asyncio.create_task(sweep_forever(store, settings), name="retention")
    watch = asyncio.create_task(svc.guard.watch(), name="storage-watch")
    try:
        yield
    finally:
        for task in (sweeper, watch):
            task.cancel()
        await asyncio.gather(sweeper, watch, return_exceptions=True)
        await svc.runner.aclose()  # running jobs are handed back (queued) for the next start
        await webhooks.aclose()
        await svc.pool.aclose()
        store.close()


def create_app(settings: Optional[Settings] = None, on_ready: Optional[Callable[[], None]] = None) -> FastAPI:
    """The app; ``on_ready`` is called once its services are up, before it serves a request
    (``summarizer serve`` tunes the collector there, ``service/heap.py``)."""
    settings = settings or Settings()
    load_plugins(settings)
    check_settings(settings)  # webhook hosts without a secret: one line, before serving
    if settings.database_url is not None:
        from .pg.services import check_database

        check_database(settings)  # an old schema or an unreachable database: one line, before serving
    metrics = Metrics()
    keys = parse_keys(settings)
    svc = Service(settings=settings, api_keys=keys, metrics=metrics, pool=BackendPool(settings), hub=EventHub(),
                  quotas=Quotas(settings, keys_configured=bool(keys)))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.database_url is not None:  # PostgreSQL: shared store and queue (service/pg)
            from .pg.services import api_services

            try:
                async with api_services(settings, svc.pool, svc.hub) as (svc.store, svc.runner):
                    if on_ready is not None:
                        on_ready()
                    yield
            finally:
                await svc.pool.aclose()  # after the in-process worker (if any) has drained
            return
        async with sqlite_services(svc):
            if on_ready is not None:
                on_ready()
            yield

    app = FastAPI(title="summarizer", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Multi-document summaries with verified span citations.")
    app.state.svc = svc
    _install_error_handlers(app)
    for routes in (router, jobs_router, extract_router):
        app.include_router(routes)

    _install_ops_routes(app, svc)
    openapi_docs.install(app, auth=bool(svc.api_keys))  # /docs from local files; before the page's "/"
    if STATIC_DIR.is_dir():  # the web page (built on another branch); after the routes so it never shadows them
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="web")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(EdgeMiddleware, metrics=metrics, max_body=settings.max_request_bytes)
    return app
