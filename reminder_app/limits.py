"""How much a request may send, decided before anything reads it.

Every body has a cap chosen by its route: `MAX_CONTENT_LENGTH` for ordinary forms and API
calls, a larger one for the CSV import (a file, then its text posted back for the
confirmation), the callbacks' own small one for the webhooks. The cap is checked first of
all, before the CSRF check or the NUL rule parse a form or a JSON body, so an unauthenticated
caller cannot make us read megabytes; a body without a length (chunked) is cut off at the
same cap as it is read. A URL that matches no route has nothing parse its body at all.

JSON is parsed with a depth limit: no real body nests deeper than a few levels, and a very
deep one would otherwise exhaust Python's recursion (a 500) in the parser or in the code
that walks the result.
"""

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider

from .appointments.csv_import import MAX_BYTES as CSV_MAX_BYTES
from .inbound.webhooks import MAX_CALLBACK_BYTES

#: Percent-encoding can triple the CSV's text when the preview posts it back.
CSV_IMPORT_MAX_BYTES = 4 * CSV_MAX_BYTES

#: Caps other than `MAX_CONTENT_LENGTH`, by endpoint or by blueprint.
BODY_LIMITS = {
    "appointments.import_csv": CSV_IMPORT_MAX_BYTES,
    "appointments.import_confirm": CSV_IMPORT_MAX_BYTES,
    "webhooks": MAX_CALLBACK_BYTES + 1,  # one byte more: the webhook answers its own 413
}

#: Deepest nesting of arrays and objects a JSON body may have.
MAX_JSON_DEPTH = 32


def body_limit(endpoint: str | None, blueprint: str | None, default: int | None
               ) -> int | None:
    return BODY_LIMITS.get(endpoint or "", BODY_LIMITS.get(blueprint or "", default))


def cap_the_body():
    """Refuse a body over its route's cap (413) before anything reads it."""
    if request.url_rule is None:
        return  # no route: nothing will read the body
    limit = body_limit(request.endpoint, request.blueprint, request.max_content_length)
    if limit is None:
        return
    request.max_content_length = limit
    request.max_form_memory_size = max(limit, request.max_form_memory_size or 0)
    if (request.content_length or 0) > limit:
        abort(413)


def json_depth(value) -> int:
    """How deeply arrays and objects nest in a parsed value (iterative: never recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest


class DepthLimitedJSON(DefaultJSONProvider):
    """`request.get_json` answers 400 (or None when silent) for a body nested too deeply."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        if json_depth(value) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        return value


def init_app(app: Flask) -> None:
    """Before every other hook (the CSRF check reads the form)."""
    app.json = DepthLimitedJSON(app)
    app.before_request_funcs.setdefault(None, []).insert(0, cap_the_body)
