"""The one client of the sandbox's JSON test API (documented in clickatell_sandbox/README.md),
for the tests, the demo seed, the screenshots and the benches."""

import html
import re

import requests


class SandboxAPI:
    def __init__(self, url: str, server=None, *, timeout: float = 10):
        """`url`: the sandbox's base URL; `server`: the test server serving it, if any."""
        self.server = server
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()

    def _get(self, path: str, **params):
        response = self.http.get(f"{self.url}/sandbox/api{path}", params=params,
                                 timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def _post(self, path: str, body: dict | None = None):
        response = self.http.post(f"{self.url}/sandbox/api{path}", json=body or {},
                                  timeout=self.timeout)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self) -> None:
        self._post("/reset")

    def captcha_code(self, captcha_id: str) -> str:
        return self._get(f"/captchas/{captcha_id}")["code"]

    def emails(self, to: str | None = None) -> list[dict]:
        return self._get("/emails", **({"to": to} if to else {}))

    def messages(self, to: str | None = None, sender: str | None = None) -> list[dict]:
        params = {}
        if to:
            params["to"] = to
        if sender:
            params["from"] = sender
        return self._get("/messages", **params)

    def accounts(self) -> list[dict]:
        return self._get("/accounts")

    def create_account(self, **fields) -> dict:
        return self._post("/accounts", fields)

    def try_create_account(self, **fields) -> requests.Response:
        """The sandbox's answer as it is (201, or a refusal such as a number already taken)."""
        return self.http.post(f"{self.url}/sandbox/api/accounts", json=fields,
                              timeout=self.timeout)

    def create_platform_setup(self, **fields) -> dict:
        """A Platform SMS setup (One API) on a new or existing sandbox account."""
        return self._post("/platform/setups", fields)

    def try_create_platform_setup(self, **fields) -> requests.Response:
        """The sandbox's answer as it is (201, or a 400 such as a number already taken)."""
        return self.http.post(f"{self.url}/sandbox/api/platform/setups", json=fields,
                              timeout=self.timeout)

    def platform_setups(self) -> list[dict]:
        return self._get("/platform/setups")

    def set_platform_callbacks(self, integration_id: str, **urls) -> dict:
        """Paste a setup's `status_url` / `reply_url`, as in the portal."""
        return self._post(f"/platform/setups/{integration_id}/callbacks", urls)

    def platform_errors(self, code: int, count: int = 1) -> None:
        """The next One API sends are refused with this error code."""
        self.http.post(f"{self.url}/sandbox/api/platform/errors",
                       json={"code": code, "count": count}, timeout=self.timeout).raise_for_status()

    def sms_code(self, to: str) -> str:
        return self._get("/sms-codes", to=to)[-1]["code"]

    def inbound(self, sender: str, to: str, text: str) -> str:
        return self._post("/inbound", {"from": sender, "to": to, "text": text})["moMsgId"]

    def faults(self, rate: float, kinds: list[str], seed: int = 1, **extra) -> None:
        self._post("/faults", {"rate": rate, "kinds": kinds, "seed": seed, **extra})

    def clear_faults(self) -> None:
        self.http.delete(f"{self.url}/sandbox/api/faults",
                         timeout=self.timeout).raise_for_status()

    def switch_phone(self, msisdn: str, *, on: bool) -> None:
        """Switch a phone off (texts to it end undelivered) or back on."""
        self._post(f"/phones/{msisdn.removeprefix('+')}", {"reachable": on})

    def pushes(self) -> list[dict]:
        return self._get("/pushes")

    def activate(self, email: str) -> requests.Response:
        """Follow the activation link of the last e-mail sent to `email`, as its reader would."""
        link = self.emails(email)[-1]["activation_url"]
        return self.http.get(link, allow_redirects=False, timeout=self.timeout)

    def _submit_page_form(self, url: str, fields: dict) -> requests.Response:
        """Fill in one of the sandbox's own pages, as a person in a browser would."""
        browser = requests.Session()
        page = browser.get(url, timeout=10)
        page.raise_for_status()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        data = {"csrf_token": token.group(1) if token else "", **fields}
        return browser.post(url, data=data, allow_redirects=False, timeout=10)

    def pick_number(self, apply_url: str, number: str | None = None) -> requests.Response:
        """Choose a long number on the two-way application page (the first one offered)."""
        page = requests.get(apply_url, timeout=10).text
        if number is None:
            number = re.search(r'name="number"[^>]*value="(\d+)"', page).group(1)
        callback = re.search(r'name="callback_url"[^>]*value="([^"]*)"', page)
        return self._submit_page_form(apply_url, {
            "number": number, "callback_url": html.unescape(callback.group(1)) if callback else ""})

    def buy_credits(self, buy_url: str, package: int = 100) -> requests.Response:
        return self._submit_page_form(buy_url, {"package": str(package)})
