"""Browser-facing headers on every response: no framing, no MIME sniffing, no referrer, and a
Content-Security-Policy that lets the web page load only its own scripts.

The page keeps the caller's API key in sessionStorage, so a script injected into it, or the page
framed by another site (clickjacking), could use the key. The policy allows scripts, styles,
fetches and images from this origin only (no inline script or style: the page has none,
``tests/test_web_page.py`` checks it under this policy), no plugins, no ``<base>`` rewriting, no framing. FastAPI's ``/docs`` and ``/redoc`` pages start
Swagger UI / ReDoc with an inline script, so they get the other headers but not this policy.
"""

from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_ALWAYS = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer")]
_NO_CSP = ("/docs", "/redoc")


class SecurityHeaders:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = list(_ALWAYS)
        if not scope["path"].startswith(_NO_CSP):
            extra.append((b"content-security-policy", CSP.encode()))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in extra if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
