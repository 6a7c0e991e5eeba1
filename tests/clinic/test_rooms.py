"""Rooms: each of a clinic's rooms has a name of its own in that clinic."""

import pytest

from clinic.models import Room

pytestmark = pytest.mark.django_db


def add(api, name: str):
    return api.post("/api/v1/rooms/", {"name": name}, format="json")


def test_a_second_room_of_one_name_is_refused_by_the_name(admin_api):
    assert add(admin_api, "Room 1").status_code == 201
    answer = add(admin_api, " Room 1 ")  # the name as kept: without the spaces
    assert answer.status_code == 400
    assert answer.json()["name"] == ["The clinic already has a room of that name."]
    assert Room.objects.filter(name="Room 1").count() == 1


def test_another_clinic_may_name_a_room_the_same(admin_api, other_admin_api):
    assert add(admin_api, "Room 1").status_code == 201
    assert add(other_admin_api, "Room 1").status_code == 201
