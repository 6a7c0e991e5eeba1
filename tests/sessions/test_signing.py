"""Signing a session: who may, when, and what exactly is signed (api.md 1.1)."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from clinic.models import Staff
from core.errors import Conflict
from sessions.models import NeedlingSession
from sessions.records import services
from tests.bodies import site

pytestmark = pytest.mark.django_db


@pytest.fixture
def signable(log_session):
    """A finished draft whose six needles were all counted out."""
    return log_session(needles_removed=6)


def sign(api, session):
    return api.post(f"/api/v1/sessions/{session['id']}/sign/")


def test_only_the_sessions_own_therapist_signs_it(
    signable, therapist_api, admin_api, clinic, make_therapist
):
    from tests.accounts import api_client

    colleague = api_client(make_therapist(clinic, "sam"))
    for stranger in (colleague, admin_api):
        answer = sign(stranger, signable)
        assert answer.status_code == 403 and answer.json()["code"] == "permission_denied"
    assert NeedlingSession.objects.get().status == "draft"
    assert sign(therapist_api, signable).json()["status"] == "signed"


def test_a_session_still_running_cannot_be_signed(log_session, therapist_api):
    running = log_session(ended_at=None, needles_removed=6)
    answer = sign(therapist_api, running)
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"


@pytest.mark.parametrize(
    "change",
    [
        {"pain_after": 99},  # out of range
        {"sites": []},  # a session needs a site
        {"started_at": "yesterday"},
        {"therapist": "not-an-id"},
        {"notes": "Changed after signing."},  # valid, and refused all the same
    ],
)
def test_a_signed_session_refuses_any_change_valid_or_not(
    signable, therapist_api, admin_api, change
):
    """api.md: "later PATCH/DELETE is 409 session_signed", whatever the body says."""
    assert sign(therapist_api, signable).status_code == 200
    url = f"/api/v1/sessions/{signable['id']}/"
    for api in (therapist_api, admin_api):
        patched = api.patch(url, change, format="json")
        assert (patched.status_code, patched.json()["code"]) == (409, "session_signed")
        deleted = api.delete(url)
        assert (deleted.status_code, deleted.json()["code"]) == (409, "session_signed")
    kept = NeedlingSession.objects.get()
    assert (kept.status, kept.pain_after, kept.notes) == (
        "signed",
        signable["pain_after"],
        signable["notes"],
    )


def test_a_superuser_signing_in_the_admin_gets_a_message_not_an_error(signable):
    root = Staff.objects.create_superuser("root", "root@example.org", "a-long-root-password")
    admin_site = Client()
    admin_site.force_login(root)
    answer = admin_site.post(
        "/admin/needling/needlingsession/",
        {"action": "sign_drafts", "_selected_action": [signable["id"]]},
        follow=True,
    )
    assert answer.status_code == 200
    shown = [str(message) for message in answer.context["messages"]]
    assert any("own therapist" in message for message in shown), shown
    assert NeedlingSession.objects.get().status == "draft"


def in_thread(work):
    """Run `work` in a thread of its own, on its own database connection."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # the test reads it
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_signature_waits_for_an_edit_under_way_and_judges_the_edited_record(signable, therapist):
    # The edit takes two of the three sites away (six needles inserted become two), and is
    # still uncommitted when the signature arrives: the signature must see the edit, where
    # the count of needles removed (six) no longer adds up.
    editing, finish_edit = threading.Event(), threading.Event()
    draft = NeedlingSession.objects.get(pk=signable["id"])

    def edit():
        with transaction.atomic():
            services.correct_session(draft, actor=therapist, sites=[site()])
            editing.set()
            finish_edit.wait(10)

    edit_thread, _ = in_thread(edit)
    assert editing.wait(10)
    sign_thread, signed = in_thread(lambda: services.sign_session(draft, actor=therapist))
    sign_thread.join(0.5)
    assert sign_thread.is_alive(), "the signature did not wait for the edit"
    finish_edit.set()
    edit_thread.join(10)
    sign_thread.join(10)
    assert isinstance(signed.get("error"), Conflict)
    assert signed["error"].code == "needle_count_mismatch"
    assert NeedlingSession.objects.get().status == "draft"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_waits_for_a_signature_under_way_and_is_then_refused(signable, therapist):
    # The edit was read (as the API reads it) before the signature locked the record.
    signing, finish_signing = threading.Event(), threading.Event()
    seen_by_editor = NeedlingSession.objects.get(pk=signable["id"])

    def sign_and_hold():
        with transaction.atomic():
            services.sign_session(NeedlingSession.objects.get(pk=signable["id"]), actor=therapist)
            signing.set()
            finish_signing.wait(10)

    sign_thread, _ = in_thread(sign_and_hold)
    assert signing.wait(10)
    edit_thread, edited = in_thread(
        lambda: services.correct_session(seen_by_editor, actor=therapist, notes="after the fact")
    )
    edit_thread.join(0.5)
    assert edit_thread.is_alive(), "the edit did not wait for the signature"
    finish_signing.set()
    sign_thread.join(10)
    edit_thread.join(10)
    assert isinstance(edited.get("error"), Conflict)
    assert edited["error"].code == "session_signed"
    signed = NeedlingSession.objects.get()
    assert (signed.status, signed.notes) == ("signed", signable["notes"])
