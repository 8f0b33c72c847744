"""Security headers on every answer: no inline scripts, no framing, no content sniffing.
And one rule on every input: no NUL characters."""

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


def field_with_nul(value, name: str = "") -> str | None:
    """The name of the first field (query, form or JSON) whose text holds a NUL, or None."""
    if isinstance(value, str):
        return name if "\x00" in value or "\x00" in name else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((name, item) for item in value)
    elif hasattr(value, "lists"):  # a werkzeug MultiDict
        items = ((key, item) for key, values in value.lists() for item in values)
    else:
        return None
    for key, item in items:
        found = field_with_nul(item, str(key))
        if found is not None:
            return found
    return None


def refuse_nul_characters():
    """No person types a NUL, and no text column can store one (PostgreSQL refuses it with
    an error, which would be a 500): refuse the request instead. The webhooks are left to
    their own parsers, which store the callback raw first and then refuse or clean it; a
    URL with no route is not read at all."""
    if request.url_rule is None or request.blueprint == "webhooks":
        return None  # no route (nothing reads the body), or a parser of its own
    field = (field_with_nul(request.args) or field_with_nul(request.form)
             or (field_with_nul(request.get_json(silent=True)) if request.is_json else None))
    if field is None:
        return None
    if request.blueprint == "api":
        return jsonify(error="Validation failed.",
                       fields={field or "body": ["Must not contain NUL characters."]}), 422
    abort(400)


def init_app(app) -> None:
    app.before_request(refuse_nul_characters)

    policy = content_security_policy(
        [app.config["CLICKATELL_CONNECT_URL"], app.config["CLICKATELL_API_URL"]]
    )

    @app.after_request
    def set_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
