import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Role, StaffUser
from tests.factories import make_practice, make_staff


@pytest.fixture
def owner(app):
    return make_practice(owner_email="dana@example.com")


NEW_MEMBER = {"name": "Sam Front", "email": "sam@example.com", "role": "staff",
              "password": "long-enough-1", "confirm": "long-enough-1"}


def test_owner_adds_a_staff_member_who_can_then_sign_in(client, auth, owner):
    auth.login("dana@example.com")
    response = client.post("/settings/staff", data=NEW_MEMBER)
    assert response.status_code == 303
    member = db.session.scalar(select(StaffUser).where(StaffUser.email == "sam@example.com"))
    assert member.practice_id == owner.practice_id and member.role == Role.STAFF
    auth.logout()
    assert auth.login("sam@example.com", "long-enough-1").status_code == 303


def test_adding_staff_validates_every_field(client, auth, owner):
    auth.login("dana@example.com")
    bad = dict(NEW_MEMBER, email="not-an-email", confirm="different-1")
    response = client.post("/settings/staff", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Invalid email address" in page and "The passwords differ." in page
    assert db.session.scalar(select(StaffUser).where(StaffUser.name == "Sam Front")) is None


def test_an_e_mail_already_used_is_refused(client, auth, owner):
    auth.login("dana@example.com")
    response = client.post("/settings/staff", data=dict(NEW_MEMBER, email="DANA@example.com"))
    assert "already signs in with that e-mail" in response.get_data(as_text=True)


def test_staff_cannot_add_or_remove_staff(client, auth, owner):
    member = make_staff(owner.practice, email="sam@example.com")
    auth.login("sam@example.com")
    assert client.post("/settings/staff", data=dict(NEW_MEMBER, email="x@example.com")
                       ).status_code == 403
    assert client.post(f"/settings/staff/{owner.id}/remove").status_code == 403
    assert db.session.get(StaffUser, owner.id) is not None
    assert member.id


def test_owner_removes_a_staff_member(client, auth, owner):
    member = make_staff(owner.practice)
    auth.login("dana@example.com")
    assert client.post(f"/settings/staff/{member.id}/remove").status_code == 303
    db.session.expire_all()
    assert db.session.get(StaffUser, member.id) is None


def test_owner_cannot_remove_themselves(client, auth, owner):
    auth.login("dana@example.com")
    response = client.post(f"/settings/staff/{owner.id}/remove", follow_redirects=True)
    assert "You cannot remove yourself." in response.get_data(as_text=True)
    assert db.session.get(StaffUser, owner.id) is not None


def test_a_second_owner_can_be_removed_but_never_the_last_one(app, owner):
    from reminder_app.settings.service import StaffError, remove_staff

    second = make_staff(owner.practice, role=Role.OWNER)
    remove_staff(second, acting=owner)
    someone = make_staff(owner.practice)
    with pytest.raises(StaffError, match="at least one owner"):
        remove_staff(owner, acting=someone)
