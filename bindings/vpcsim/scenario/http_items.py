"""The HTTP traffic items: `http: {to: web:80, path: /api, host: shop.example}` (a client, with
`expect: 200` or an outcome) and the routes of `listen: {http: 80, routes: [...]}` (a server).

    - from: client
      http: {to: web:80, path: /api, host: shop.example, count: 3}
      expect: 200
    - on: web
      listen:
        http: 80
        routes:
          - {path: /api, status: 200, body: '{"ok": true}', headers: {Content-Type: application/json}}
          - {path: /slow, service_time: 50ms}
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

from vpcsim.scenario.fields import _boolean, _check_keys, _duration, _integer, _mapping, _sequence, _text
from vpcsim.scenario.location import _At

HTTP_KEYS = ("to", "path", "host", "method", "body", "headers", "count", "keep_alive")
ROUTE_KEYS = ("path", "status", "body", "headers", "service_time", "method")
_MAX_REQUESTS = 1_000_000
_TOKEN_EXTRA = set("!#$%&'*+-.^_`|~")


def _token(at: _At, value: Any, what: str) -> str:
    text = _text(at, value)
    if not all(c.isalnum() or c in _TOKEN_EXTRA for c in text) or not text.isascii():
        raise at.error(f"'{text}' is not a valid {what} (letters, digits and !#$%&'*+-.^_`|~)")
    return text


def _path(at: _At, value: Any, exact_ok: bool = False) -> str:
    text = _text(at, value)
    bare = text[1:] if exact_ok and text.startswith("=") else text
    if not bare.startswith("/") or any(c in text for c in " \r\n\t"):
        exact = " (or =/PATH for exactly that path)" if exact_ok else ""
        raise at.error(f"a path starts with '/'{exact} and holds no space, such as /api, not '{text}'")
    return text


def _headers(at: _At, value: Any) -> List[Tuple[str, str]]:
    data = _mapping(at, value, "a mapping of header names to values, such as {X-Env: canary}")
    out = []
    for name, raw in data.items():
        hat = at.key(data, name)
        _token(hat, name, "header name")
        if isinstance(raw, bool) or raw is None:
            raise hat.error("a header value is text or a number")
        text = str(raw)
        if "\r" in text or "\n" in text:
            raise hat.error("a header value holds no line break")
        out.append((str(name), text))
    return out


def http_request(at: _At, value: Any, destination: Callable[..., str], nodes: Dict[str, Any]) -> Tuple[_At, str, Dict[str, Any]]:
    """An http item's mapping: where it goes (its _At and the destination) and its params."""
    data = _mapping(at, value, "a mapping such as {to: web:80, path: /api, host: shop.example}")
    _check_keys(at, data, HTTP_KEYS)
    if "to" not in data:
        raise at.error("missing 'to' (NODE:PORT or ADDRESS:PORT, such as web:80; NODE alone means port 80)")
    dest_at = at.key(data, "to")
    to_text = _text(dest_at, data["to"])
    host, colon, port_text = to_text.rpartition(":")
    if not colon:
        host, port_text = to_text, "80"
    if not host:
        raise dest_at.error(f"expected NODE:PORT or ADDRESS:PORT, such as web:80, got '{to_text}'")
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise dest_at.error(f"port '{port_text}' is not a number in 1..65535")
    target = destination(dest_at, host, nodes)
    params: Dict[str, Any] = {"port": int(port_text), "path": "/", "host": "", "method": "GET", "body": "",
                              "headers": [], "count": 1, "keep_alive": True}
    if data.get("path") is not None:
        params["path"] = _path(at.key(data, "path"), data["path"])
    if data.get("host") is not None:
        params["host"] = _text(at.key(data, "host"), data["host"])
        if any(c in params["host"] for c in " \r\n\t"):
            raise at.key(data, "host").error(f"a host name holds no space, not '{params['host']}'")
    if data.get("method") is not None:
        params["method"] = _token(at.key(data, "method"), data["method"], "method")
    if data.get("body") is not None:
        params["body"] = _text(at.key(data, "body"), data["body"], empty_ok=True)
    if data.get("headers") is not None:
        params["headers"] = _headers(at.key(data, "headers"), data["headers"])
    if data.get("count") is not None:
        params["count"] = _integer(at.key(data, "count"), data["count"], 1, _MAX_REQUESTS, "a number of requests")
    if data.get("keep_alive") is not None:
        params["keep_alive"] = _boolean(at.key(data, "keep_alive"), data["keep_alive"])
    return dest_at, target, params


def http_routes(at: _At, listen: Any, reply: str) -> List[Dict[str, Any]]:
    """An http listener's routes; without any, one route for every path answering 200 with `reply`."""
    if listen.get("routes") is None:
        return [{"path": "/", "status": 200, "body": reply, "headers": [], "service_time": 0, "method": ""}]
    rat = at.key(listen, "routes")
    items = _sequence(rat, listen["routes"], "a list of routes such as [{path: /api, status: 200, body: ok}]")
    routes = []
    seen: Dict[Tuple[str, str], int] = {}
    for index, item in enumerate(items):
        iat = rat.item(items, index)
        data = _mapping(iat, item, "a route such as {path: /api, status: 200, body: ok}")
        _check_keys(iat, data, ROUTE_KEYS)
        route: Dict[str, Any] = {"path": "/", "status": 200, "body": reply, "headers": [], "service_time": 0, "method": ""}
        if data.get("path") is not None:
            route["path"] = _path(iat.key(data, "path"), data["path"], exact_ok=True)
        if data.get("status") is not None:
            route["status"] = _integer(iat.key(data, "status"), data["status"], 100, 599, "an HTTP status")
        if data.get("body") is not None:
            route["body"] = _text(iat.key(data, "body"), data["body"], empty_ok=True)
        if data.get("headers") is not None:
            route["headers"] = _headers(iat.key(data, "headers"), data["headers"])
        if data.get("service_time") is not None:
            route["service_time"] = _duration(iat.key(data, "service_time"), data["service_time"])
        if data.get("method") is not None:
            route["method"] = _token(iat.key(data, "method"), data["method"], "method")
        key = (route["method"], route["path"])
        if key in seen:
            raise iat.error(f"route {route['method'] + ' ' if route['method'] else ''}{route['path']} is given twice "
                            f"(also routes item {seen[key] + 1})")
        seen[key] = index
        routes.append(route)
    return routes
