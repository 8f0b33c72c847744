"""Where a person may be sent back to after a form: only a page of our own."""

import re

#: A path on this site: one slash, then printable ASCII with no backslash. Browsers drop
#: tabs and newlines inside a URL, read a backslash as a slash and skip leading spaces, so
#: each of those could turn a path into `//host`; refusing them all is simpler than
#: guessing which browser does what.
_LOCAL_PATH = re.compile(r"/(?![/\\])[!-\[\]-~]*\Z")


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`: a `next=` never sends anyone
    to another host (`//evil`, `/\\evil`, `/%09/evil`, `https:`, `javascript:`)."""
    if target and _LOCAL_PATH.match(target):
        return target
    return fallback
