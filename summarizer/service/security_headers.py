"""Browser-facing headers on every response: no framing, no MIME sniffing, no referrer, and a
Content-Security-Policy that lets a page load only this server's own scripts and styles.

The web page keeps the caller's API key in sessionStorage, and so may ``/docs`` (Swagger UI's
"Authorize"), so a script injected into either, or the page framed by another site
(clickjacking), could use the key. The policy allows scripts, styles, fetches and images from this
origin only, no inline script or style (neither page has any: ``tests/test_web_page.py`` and
``tests/service/test_docs_browser.py`` run them under it), no plugins, no ``<base>`` rewriting,
no framing.
"""

from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_ALWAYS = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"), (b"content-security-policy", CSP.encode())]


class SecurityHeaders:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in _ALWAYS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
