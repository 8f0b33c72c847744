"""An id larger than any table can hold (found by the API fuzzer: it reached the database,
which refused to compare with it: a 500) is a 404 on every staff page and API call."""

import pytest

from reminder_app.settings.service import create_api_token

from .conftest import staff_rules

HUGE = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("huge", HUGE)
def test_every_staff_url_with_an_id_answers_404_for_a_huge_one(app, signed_in, huge):
    checked = 0
    for rule in staff_rules(app, "GET"):
        if not rule.arguments:
            continue
        url = rule.build(dict.fromkeys(rule.arguments, huge))[1]
        assert signed_in.get(url).status_code == 404, url
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("huge", HUGE)
def test_every_api_call_with_a_huge_id_answers_404_or_422(app, client, owner, huge):
    headers = {"Authorization": f"Bearer {create_api_token(owner.practice, 'PMS')[1]}"}
    for path in ("patients", "appointments"):
        assert client.get(f"/api/v1/{path}/{huge}", headers=headers).status_code == 404
        assert client.patch(f"/api/v1/{path}/{huge}", headers=headers,
                            json={"notes": "x"}).status_code == 404
    assert client.post(f"/api/v1/appointments/{huge}/cancel", headers=headers,
                       json={}).status_code == 404
    for query in (f"offset={huge}", f"limit={huge}", f"patient_id={huge}",
                  f"provider_id={huge}"):
        assert client.get(f"/api/v1/appointments?{query}", headers=headers).status_code == 422
    response = client.post("/api/v1/appointments", headers=headers, json={
        "patient_id": huge, "provider_id": huge, "starts_at": "2030-01-07T10:00:00Z"})
    assert response.status_code == 422
