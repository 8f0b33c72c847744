"""The README's production recipe, followed as an operator would: the production
configuration (refusing every development value), PostgreSQL migrated with `flask db
upgrade`, gunicorn with two workers serving HTTPS, one `flask worker`, and Clickatell's URLs
pointed at a sandbox started as if it were remote (on this machine's network address, in a
process of its own). An appointment booked over the JSON API gets its reminder to the
sandbox's phone and the patient's reply confirms it; the worker is then killed with SIGKILL
and started again, and nothing is sent twice.

The only departures from the recipe: TLS is served by gunicorn itself (standing in for the
reverse proxy, so `PROXY_COUNT=0`), and the practice is set up directly in the database (the
sign-up is a browser journey of its own, tests/browser/test_journey.py)."""

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import create_engine, select

from devtools.sandbox_api import SandboxAPI
from reminder_app import create_app
from reminder_app.extensions import db
from reminder_app.gateways import callback_url
from reminder_app.models import ClickatellAccount, Direction, Message, MessageKind, WorkerHeartbeat
from reminder_app.models.clickatell_account import new_callback_secret
from reminder_app.settings.service import create_api_token
from tests.factories import make_practice, make_provider

from .conftest import NEEDS_POSTGRES, scratch_postgres

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONNECT_TOKEN = "d7111d7111d7111d7111d7111d7111d7"
LONG_NUMBER = "+14155550177"
PATIENT_MOBILE = "12015550123"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def network_address() -> str | None:
    """This machine's address on its network (not loopback): where a 'remote' sandbox lives."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))  # no packet is sent; only a route is chosen
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def wait_for(what: str, condition, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if found := condition():
                return found
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


class Processes:
    """The recipe's processes; each is stopped (or killed) at the end whatever happens."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=log)
        log.close()
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def processes(tmp_path):
    running = Processes(tmp_path)
    yield running
    running.stop_all()
    for log in sorted(tmp_path.glob("*.log")):  # shown by pytest when the drill fails
        print(f"----- {log.name}\n{log.read_text(errors='replace')[-4000:]}")


def test_the_readme_recipe_sends_each_reminder_once_across_a_killed_worker(tmp_path, processes):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip(NEEDS_POSTGRES)
    address = network_address()
    if address is None:
        pytest.skip("no network address besides loopback for a 'remote' sandbox")
    cert, key = self_signed_certificate(tmp_path)
    app_port, sandbox_port = free_port(), free_port()
    public = f"https://127.0.0.1:{app_port}"

    # The 'remote' Clickatell: the sandbox on the network address, trusting our certificate.
    sandbox_url = f"http://{address}:{sandbox_port}"
    processes.start("sandbox", [str(BIN / "flask"), "--app", "clickatell_sandbox", "run",
                                "--host", address, "--port", str(sandbox_port)], {
        **os.environ, "CLICKATELL_CONNECT_TOKEN": CONNECT_TOKEN,
        "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'sandbox.db'}",
        "REQUESTS_CA_BUNDLE": str(cert)})
    sandbox = SandboxAPI(sandbox_url)
    wait_for("the sandbox", lambda: requests.get(f"{sandbox_url}/sandbox/", timeout=2).ok, 30)

    with scratch_postgres("recipe") as database_url:
        # /etc/reminder-app/env, as deploy/env.example has it filled in
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("CLICKATELL_", "DATABASE_", "FLASK_", "REMINDER_"))}
        env.update({
            "REMINDER_APP_CONFIG": "production", "FLASK_APP": "wsgi",
            "SECRET_KEY": os.urandom(32).hex(),
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "DATABASE_URL": database_url, "PUBLIC_BASE_URL": public, "PROXY_COUNT": "0",
            "CLICKATELL_CONNECT_URL": f"{sandbox_url}/connect",
            "CLICKATELL_API_URL": sandbox_url, "CLICKATELL_CONNECT_TOKEN": CONNECT_TOKEN,
            "WEB_CONCURRENCY": "2", "WORKER_PROCESSES": "1",
            "DISPATCH_INTERVAL_SECONDS": "2", "WORKER_HEARTBEAT_SECONDS": "1",
        })
        # Step 4: the schema.
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                       env=env, check=True, capture_output=True)
        practice_id, api_token = set_up_practice(env, sandbox)

        # Step 5: web (gunicorn, two workers) and one worker.
        processes.start("web", [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{app_port}",
                                "--certfile", str(cert), "--keyfile", str(key), "wsgi:app"],
                        env)
        worker = processes.start("worker", [str(BIN / "flask"), "--app", "wsgi", "worker"], env)
        api = requests.Session()
        api.verify = str(cert)
        api.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment wins over verify
        api.headers["Authorization"] = f"Bearer {api_token}"
        # Step 7: check it.
        wait_for("the app", lambda: api.get(f"{public}/healthz", timeout=2).json()["status"]
                 == "ok", 60)

        # Book over the JSON API, due at the next minute with the "2 hours before" rule.
        patient = api.post(f"{public}/api/v1/patients", timeout=10, json={
            "first_name": "Ana", "last_name": "Reyes", "mobile": "(201) 555-0123",
            "sms_consent": True}).json()["patient"]
        starts_at = (datetime.now(UTC) + timedelta(hours=2, minutes=1)).replace(
            second=0, microsecond=0)
        booked = api.post(f"{public}/api/v1/appointments", timeout=10, json={
            "patient_id": patient["id"], "provider_id": provider_id(api, public),
            "starts_at": starts_at.isoformat().replace("+00:00", "Z")})
        assert booked.status_code == 201, booked.text
        appointment = booked.json()["appointment"]

        # Added with consent, the patient first gets the opt-in confirmation; then the reminder.
        reminders = wait_for("the reminder on the patient's phone",
                             lambda: reminders_to_patient(sandbox), 150)
        assert len(reminders) == 1

        sandbox.inbound(PATIENT_MOBILE, LONG_NUMBER.removeprefix("+"), "C")
        wait_for("the reply to confirm the appointment", lambda: api.get(
            f"{public}/api/v1/appointments/{appointment['id']}", timeout=10,
        ).json()["appointment"]["status"] == "confirmed", 60)

        # The worker dies without a word, and is started again.
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        killed = set(heartbeats(database_url))
        processes.start("worker-again", [str(BIN / "flask"), "--app", "wsgi", "worker"], env)
        first = wait_for("the new worker's first pass", lambda: new_pass(database_url, killed), 60)
        wait_for("another pass", lambda: new_pass(database_url, killed) > first, 60)

        sent = [m for m in sandbox.messages() if m["direction"] != "in"]
        twice = {cli: n for cli, n in Counter(m["cliMsgId"] for m in sent).items() if n > 1}
        assert twice == {}
        kinds = outbound_kinds(database_url)
        assert kinds[MessageKind.REMINDER] == 1
        assert len(texts_to_patient(sandbox)) == sum(kinds.values())
        assert practice_id


def set_up_practice(env: dict, sandbox: SandboxAPI) -> tuple[int, str]:
    """A practice with a ready Clickatell account on the sandbox and an API token, written
    with the production settings (so the password is encrypted with the field key)."""
    settings = {"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                **{k: env[k] for k in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "PUBLIC_BASE_URL",
                                       "CLICKATELL_API_URL", "CLICKATELL_CONNECT_URL",
                                       "CLICKATELL_CONNECT_TOKEN")}}
    app = create_app(settings)
    with app.app_context():
        owner = make_practice("Recipe Practice", owner_email="owner@recipe.example")
        practice = owner.practice
        practice.quiet_start = practice.quiet_end = clock(0, 0)  # any hour of the day
        make_provider(practice, "Dr. Amelia Reyes")
        now = datetime.now(UTC)
        account = ClickatellAccount(
            practice=practice, username="recipe", email="recipe@example.com",
            mobile="+12015550142", country_id=226, callback_secret=new_callback_secret(),
            email_activated_at=now, sms_activated_at=now, long_number=LONG_NUMBER,
            balance=1000, balance_checked_at=now)
        account.password = "Secret123"
        created = sandbox.create_account(
            user=account.username, password="Secret123", email=account.email,
            mobile=account.mobile, account_id=9, credits=1000,
            long_number=LONG_NUMBER.removeprefix("+"),
            callback_url=callback_url(account, "status"), callback_type_id=1,
            mo_callback_url=callback_url(account, "inbound"))
        account.api_id = str(created["api_id"])
        db.session.add(account)
        db.session.commit()
        _, token = create_api_token(practice, "the recipe drill")
        db.session.commit()
        practice_id = practice.id
        db.session.remove()
        db.engine.dispose()
    return practice_id, token


def provider_id(api: requests.Session, public: str) -> int:
    providers = api.get(f"{public}/api/v1/providers", timeout=10).json()["providers"]
    if providers:
        return providers[0]["id"]
    raise AssertionError("the practice has no provider to book with")


def texts_to_patient(sandbox: SandboxAPI) -> list[dict]:
    return [m for m in sandbox.messages(to=PATIENT_MOBILE) if m["direction"] != "in"]


def reminders_to_patient(sandbox: SandboxAPI) -> list[dict]:
    """The reminder (C to confirm, R to reschedule), not the opt-in confirmation or an answer."""
    return [m for m in texts_to_patient(sandbox) if "R to reschedule" in m["text"]]


def heartbeats(database_url: str) -> dict[str, datetime | None]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = dict(connection.execute(select(WorkerHeartbeat.name,
                                              WorkerHeartbeat.last_pass_at)).all())
    engine.dispose()
    return rows


def new_pass(database_url: str, old_workers: set[str]) -> datetime | None:
    """The last pass of a worker started after `old_workers`, if it has made one."""
    return max((at for name, at in heartbeats(database_url).items()
                if name not in old_workers and at is not None), default=None)


def outbound_kinds(database_url: str) -> Counter:
    """The app's own record of what it sent the patient, by kind."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        kinds = Counter(dict(connection.execute(
            select(Message.kind, db.func.count()).where(Message.direction == Direction.OUTBOUND)
            .group_by(Message.kind)).all()))
    engine.dispose()
    return kinds
