"""Security headers on every answer: no inline scripts, no framing, no content sniffing, no
copy kept by a browser or proxy (pages and API answers carry patients' data; only static
files are cached), and HTTPS only where the production settings say so (HSTS).
And one rule on every input: no character a text column cannot store (NUL, and the halves
of a surrogate pair, which only a JSON `\\ud800` escape can produce)."""

import re
from urllib.parse import urlsplit

from flask import abort, jsonify, request


def content_security_policy(provider_urls: list[str]) -> str:
    """Forms may only post here, or redirect on to the provider's pages (its credit-purchase
    and number-application pages are reached by a POST that redirects)."""
    origins = sorted({f"{u.scheme}://{u.netloc}" for u in map(urlsplit, provider_urls) if u.netloc})
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; "
        f"form-action 'self' {' '.join(origins)}; frame-ancestors 'none'"
    )


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def field_with_unstorable(value, name: str = "") -> str | None:
    """The name of the first field (query, form or JSON) whose text holds a NUL or a lone
    surrogate, or None."""
    if isinstance(value, str):
        return name if _UNSTORABLE.search(value) or _UNSTORABLE.search(name) else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((name, item) for item in value)
    elif hasattr(value, "lists"):  # a werkzeug MultiDict
        items = ((key, item) for key, values in value.lists() for item in values)
    else:
        return None
    for key, item in items:
        found = field_with_unstorable(item, str(key))
        if found is not None:
            return found
    return None


def refuse_unstorable_characters():
    """No person types a NUL or half a surrogate pair, and no text column can store one
    (PostgreSQL refuses a NUL, and neither driver can encode a lone surrogate: a 500):
    refuse the request instead. The webhooks are left to their own parsers, which store the
    callback raw first and then refuse or clean it; a URL with no route is not read at all."""
    if request.url_rule is None or request.blueprint == "webhooks":
        return None  # no route (nothing reads the body), or a parser of its own
    field = (field_with_unstorable(request.args) or field_with_unstorable(request.form)
             or (field_with_unstorable(request.get_json(silent=True)) if request.is_json else None))
    if field is None:
        return None
    if request.blueprint == "api":
        return jsonify(error="Validation failed.",
                       fields={field or "body": ["Must not contain NUL characters or unpaired "
                                                 "surrogates."]}), 422
    abort(400)


def init_app(app) -> None:
    app.before_request(refuse_unstorable_characters)

    policy = content_security_policy(
        [app.config["CLICKATELL_CONNECT_URL"], app.config["CLICKATELL_API_URL"]]
    )

    hsts = app.config.get("HSTS_SECONDS") or 0

    @app.after_request
    def set_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not is_static_file():
            # A view that chose its own caching keeps it (the calendar feed is polled).
            response.headers.setdefault("Cache-Control", "no-store")
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts}")
        return response


def is_static_file() -> bool:
    """Our own static files and Bootstrap's (`bootstrap.static`)."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")
