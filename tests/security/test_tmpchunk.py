from tests.security.test_hostile_input import *  # noqa
def test_c(app, live_app, account):
    url = f"{live_app.url}/webhooks/clickatell/{account.callback_secret}/inbound"
    r = requests.post(url, data=(b"text=" + b"C" * 8_000 for _ in range(10)), timeout=10, headers={"Content-Type": "application/x-www-form-urlencoded"})
    print(r.status_code, r.text[:300])
    print([ (x.payload[:50], len(x.payload), x.error) for x in stored()])
