"""Security headers on every answer: no inline scripts, no framing, no content sniffing."""

from urllib.parse import urlsplit


def content_security_policy(provider_urls: list[str]) -> str:
    """Forms may only post here, or redirect on to the provider's pages (its credit-purchase
    and number-application pages are reached by a POST that redirects)."""
    origins = sorted({f"{u.scheme}://{u.netloc}" for u in map(urlsplit, provider_urls) if u.netloc})
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; "
        f"form-action 'self' {' '.join(origins)}; frame-ancestors 'none'"
    )


def init_app(app) -> None:
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
