"""The Connect API's XML envelopes: reading a request, writing a success or an error."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Response
from lxml import etree

from ..codes import CONNECT_ERRORS

ROOT = "clickatellsdk"

# Untrusted input: no entity expansion, no DTD, no network.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


class MalformedRequest(ValueError):
    pass


@dataclass(frozen=True)
class Request:
    action: str
    params: dict[str, str]


def parse(document: str) -> Request:
    """Element names in any case; parameters are the flat siblings of `<action>`; the first of a
    repeated name wins. Raises MalformedRequest."""
    if not document.strip():
        raise MalformedRequest("empty XML field")
    try:
        root = etree.fromstring(document.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedRequest(str(exc)) from None
    if not isinstance(root.tag, str) or root.tag.lower() != ROOT:
        raise MalformedRequest("root element must be clickatellsdk")
    params: dict[str, str] = {}
    for child in root:
        if isinstance(child.tag, str):
            params.setdefault(child.tag.lower(), (child.text or "").strip())
    return Request(action=params.pop("action", "").lower(), params=params)


def _document(root: etree._Element) -> Response:
    etree.SubElement(root, "Timestamp").text = str(int(time.time()))
    body = b'<?xml version="1.0"?>\n' + etree.tostring(root, encoding="utf-8")
    return Response(body, content_type="text/xml; charset=utf-8")


def success(action: str, records: list[dict[str, object]]) -> Response:
    """`<Values/>` when there is nothing to say, else one `<Value>` per record."""
    root = etree.Element("CLICKATELLSDK")
    etree.SubElement(root, "Action").text = action
    etree.SubElement(root, "Result").text = "Success"
    values = etree.SubElement(root, "Values")
    for record in records:
        value = etree.SubElement(values, "Value")
        for name, content in record.items():
            etree.SubElement(value, name).text = str(content)
    return _document(root)


def error(code: str, context: dict[str, str] | None = None) -> Response:
    """No `<Action>`; the optional `<Value>` context sits under the root."""
    root = etree.Element("CLICKATELLSDK")
    etree.SubElement(root, "Result").text = "Error"
    etree.SubElement(root, "Error").text = code
    etree.SubElement(root, "Description").text = CONNECT_ERRORS[code]
    if context:
        value = etree.SubElement(root, "Value")
        for name, content in context.items():
            etree.SubElement(value, name).text = content
    return _document(root)
