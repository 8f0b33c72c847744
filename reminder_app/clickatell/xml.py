"""Connect API documents: build requests, parse answers safely.

This is the only module that touches XML. Answers are parsed with a parser that resolves
no entities, loads no DTD and touches no network; any document that declares a DOCTYPE or
an entity, is larger than a cap, is not well-formed, or is not a `<clickatellsdk>` answer
raises `ProtocolError` (never an lxml exception).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from lxml import etree

from .errors import ProtocolError

__all__ = ["MAX_ANSWER_BYTES", "ConnectAnswer", "build_request", "parse_answer"]

#: Connect answers are small (the country list is the largest, a few KiB).
MAX_ANSWER_BYTES = 256 * 1024

_ROOT = "clickatellsdk"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def build_request(action: str, params: Mapping[str, object] | None = None) -> str:
    """The request document for `action`: `<clickatellsdk><action>…</action><p>…</p>…`.

    Parameters whose value is None are left out; booleans become 1/0; text is escaped.
    """
    if not _NAME.match(action):
        raise ValueError(f"invalid action name: {action!r}")
    root = etree.Element(_ROOT)
    etree.SubElement(root, "action").text = action
    for name, value in (params or {}).items():
        if value is None:
            continue
        if not _NAME.match(name):
            raise ValueError(f"invalid parameter name: {name!r}")
        try:
            etree.SubElement(root, name).text = _text(value)
        except ValueError:  # control characters cannot be put into XML at all
            raise ValueError(f"parameter {name!r} contains characters XML cannot carry") \
                from None
    return etree.tostring(root, encoding="unicode")


@dataclass(frozen=True, slots=True)
class ConnectAnswer:
    """What a Connect answer says.

    `values` holds one dict per `<Value>` inside `<Values>`, with the field names in lower
    case (Clickatell writes `Usernumber` and `UserNumber` for the same field). `context` is
    the `<Value>` an error may carry under the root, with Clickatell's own field names
    (e.g. {"Email": "a@b.example"}): it is shown to people.
    """

    action: str | None
    ok: bool
    values: list[dict[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict)
    timestamp: int | None = None

    def first(self, name: str) -> str | None:
        """The first value of field `name` (any case) across the `<Value>` elements."""
        key = name.lower()
        for value in self.values:
            if key in value:
                return value[key]
        return None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
        recover=False,
    )


def _local(tag: object) -> str | None:
    if not isinstance(tag, str):  # comments, entities, processing instructions
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _elements(parent: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    for child in parent:
        name = _local(child.tag)
        if name is not None:
            yield name, child


def _content(element: etree._Element) -> str:
    return "".join(element.itertext()).strip()


def _fields(element: etree._Element, *, lower: bool) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = child.tag.rsplit("}", 1)[-1]
        fields.setdefault(name.lower() if lower else name, _content(child))
    if not fields and _content(element):
        fields["value" if lower else "Value"] = _content(element)
    return fields


def parse_answer(body: bytes, *, max_bytes: int = MAX_ANSWER_BYTES) -> ConnectAnswer:
    """Parse a Connect answer, or raise ProtocolError."""
    if not isinstance(body, bytes | bytearray):
        raise TypeError("parse_answer takes the raw bytes of the answer")
    if len(body) > max_bytes:
        raise ProtocolError(f"answer larger than {max_bytes} bytes")
    if not body.strip():
        raise ProtocolError("empty answer")
    if _DECLARATION.search(body):
        raise ProtocolError("answer declares a DOCTYPE or entities")
    try:
        root = etree.fromstring(bytes(body), _parser())
    except etree.XMLSyntaxError as exc:
        raise ProtocolError(f"answer is not well-formed XML: {exc.msg}") from None
    except (etree.LxmlError, ValueError) as exc:
        raise ProtocolError(f"answer could not be parsed: {type(exc).__name__}") from None

    # The byte check above cannot see declarations in other encodings (UTF-16, …).
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ProtocolError("answer declares a DOCTYPE or entities")
    if _local(root.tag) != _ROOT:
        raise ProtocolError(f"unexpected root element <{root.tag}>")

    action = None
    result = None
    values: list[dict[str, str]] = []
    errors: list[tuple[str, str]] = []
    context: dict[str, str] = {}
    timestamp = None
    if any(True for _ in root.iter(etree.Entity)):
        raise ProtocolError("entity reference in answer")
    for name, element in _elements(root):
        if name == "action":
            action = _content(element) or None
        elif name == "result":
            result = _content(element).lower()
        elif name == "values":
            loose = {}
            for child_name, child in _elements(element):
                if child_name == "value":
                    values.append(_fields(child, lower=True))
                else:
                    loose.setdefault(child_name, _content(child))
            if loose:
                values.append(loose)
        elif name == "value":
            context.update(_fields(element, lower=False))
        elif name == "error":
            code = _content(element)
            if not (code.isascii() and code.isdigit() and len(code) <= 3):
                raise ProtocolError(f"error code is not a number: {code[:20]!r}")
            errors.append((code.zfill(3), ""))
        elif name == "description":
            if errors and not errors[-1][1]:
                errors[-1] = (errors[-1][0], _content(element))
        elif name == "timestamp":
            stamp = _content(element)
            timestamp = int(stamp) if stamp.isascii() and stamp.isdigit() else None

    if result == "success" and not errors:
        ok = True
    elif result == "error" or (result is None and errors):
        ok = False
        if not errors:
            raise ProtocolError("error answer without an error code")
    else:
        raise ProtocolError(f"answer has no usable <Result> ({result!r})")
    return ConnectAnswer(action, ok, values, errors, context, timestamp)
