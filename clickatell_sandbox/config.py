"""Settings of a running sandbox: defaults, then the environment, then the caller's dict."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

DEFAULTS: dict[str, object] = {
    "CLICKATELL_CONNECT_TOKEN": "c0ffee00c0ffee00c0ffee00c0ffee00",
    "SANDBOX_DATABASE_URL": None,
    "SANDBOX_REQUIRE_HTTPS": False,
    "SANDBOX_FREE_CREDITS": 10.0,
    "SANDBOX_CREDITS_PER_PART": 1.0,
    "SANDBOX_TIME_SCALE": 1.0,
    "SANDBOX_DELIVERY_STEP_SECONDS": 0.5,
    "SANDBOX_SESSION_TTL_SECONDS": 900.0,
    "SANDBOX_CAPTCHA_TTL_SECONDS": 900.0,
    "SANDBOX_PUBLIC_URL": None,
    "SANDBOX_FAULT_TIMEOUT_SECONDS": 3.0,
    "SANDBOX_DRIP_SECONDS": 2.0,
    "SANDBOX_PUSH_TIMEOUT_SECONDS": 10.0,
    "SANDBOX_PUSH_WORKERS": 4,
    "SANDBOX_SECRET_KEY": None,
}


def _parse(raw: str, default: object) -> object:
    """Environment values are strings; give them the type of their default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw or None


def load(app_config: dict, overrides: dict | None) -> None:
    """Fill the Flask config: defaults first, then the environment, then the test overrides."""
    for key, default in DEFAULTS.items():
        value = default
        if key in os.environ:
            value = _parse(os.environ[key], default)
        app_config[key] = value
    app_config.update(overrides or {})
    app_config["SECRET_KEY"] = app_config["SANDBOX_SECRET_KEY"] or secrets.token_hex(16)
    # Cookies ignore the port: on one host (127.0.0.1:5000 and :5001) the app's "session"
    # cookie and ours would overwrite each other, signing the person out of the app.
    app_config["SESSION_COOKIE_NAME"] = "clickatell_sandbox_session"


@dataclass(frozen=True)
class Settings:
    """The typed view of the config that services and background threads read."""

    connect_token: str
    require_https: bool
    free_credits: float
    credits_per_part: float
    time_scale: float
    delivery_step_seconds: float
    session_ttl_seconds: float
    captcha_ttl_seconds: float
    public_url: str | None
    fault_timeout_seconds: float
    push_timeout_seconds: float
    push_workers: int

    @classmethod
    def from_config(cls, config: dict) -> Settings:
        return cls(
            connect_token=str(config["CLICKATELL_CONNECT_TOKEN"]),
            require_https=bool(config["SANDBOX_REQUIRE_HTTPS"]),
            free_credits=float(config["SANDBOX_FREE_CREDITS"]),
            credits_per_part=float(config["SANDBOX_CREDITS_PER_PART"]),
            time_scale=float(config["SANDBOX_TIME_SCALE"]),
            delivery_step_seconds=float(config["SANDBOX_DELIVERY_STEP_SECONDS"]),
            session_ttl_seconds=float(config["SANDBOX_SESSION_TTL_SECONDS"]),
            captcha_ttl_seconds=float(config["SANDBOX_CAPTCHA_TTL_SECONDS"]),
            public_url=(str(config["SANDBOX_PUBLIC_URL"]).rstrip("/") + "/")
            if config["SANDBOX_PUBLIC_URL"]
            else None,
            fault_timeout_seconds=float(config["SANDBOX_FAULT_TIMEOUT_SECONDS"]),
            push_timeout_seconds=float(config["SANDBOX_PUSH_TIMEOUT_SECONDS"]),
            push_workers=int(config["SANDBOX_PUSH_WORKERS"]),
        )
