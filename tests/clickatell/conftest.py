import pytest

from reminder_app.clickatell import ConnectClient, MessagingClient, SessionStore

from .stub import StubServer

TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00"
CONNECT_PATH = f"/connect/{TOKEN}"


@pytest.fixture
def stub():
    server = StubServer()
    yield server
    server.stop()


@pytest.fixture
def connect(stub):
    with ConnectClient(f"{stub.url}/connect", TOKEN, timeout=(1, 0.25), backoff=0) as client:
        yield client


@pytest.fixture
def session_store():
    return SessionStore()


@pytest.fixture
def messaging(stub, session_store):
    with MessagingClient(stub.url, api_id="3523864", user="drsmith", password="s3cretpw",
                         timeout=(1, 0.25), backoff=0,
                         session_store=session_store) as client:
        yield client


@pytest.fixture
def receiver():
    """Our side of the callbacks: records every delivery report and reply pushed to it."""
    server = StubServer()
    server.answer("/hooks/status", b"")
    server.answer("/hooks/mo", b"")
    yield server
    server.stop()
