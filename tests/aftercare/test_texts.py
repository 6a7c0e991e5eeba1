"""The words of messages, as pure functions: what a text may say, how it is filled, in which
language, and the red flags that no text can leave out."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from aftercare import default_texts, plan, texts
from aftercare.channels import LONGEST_SMS
from aftercare.models import PATIENT_KINDS, Channel, Kind
from core.errors import RuleViolation

EXPLOIT = "{{ therapist.clinic.patients.all }}"


@pytest.mark.parametrize(
    "kind, source",
    [
        (Kind.HEAT_OK, "Heat is fine now."),
        (Kind.HEAT_OK, "{{ clinic }}: heat is fine, {{given_name}}."),
        (Kind.CHECKIN_24H, "{{ link }}\n{{  clinic  }}"),
        (Kind.APPOINTMENT_REMINDER, "{{ appointment_time }} with {{ therapist }}"),
        (Kind.COURSE_REBOOK, "Sessions left: {{ sessions_left }} {single braces} 100%"),
        (Kind.SIDE_EFFECT_ALERT, "{{ side_effect }} ({{ severity }}) for {{ patient_name }}"),
    ],
)
def test_plain_placeholders_of_the_kind_are_accepted(kind, source):
    texts.check_text(source, kind)


@pytest.mark.parametrize(
    "kind, source, why",
    [
        (Kind.APPOINTMENT_REMINDER, EXPLOIT, "attribute lookups (.) are not allowed"),
        (Kind.APPOINTMENT_REMINDER, "{{ therapist.password }}", "attribute lookups"),
        (Kind.HEAT_OK, "{{ clinic|upper }}", "filters (|) are not allowed"),
        (Kind.HEAT_OK, "{% if clinic %}Hi{% endif %}", "tags ({% %}) are not allowed"),
        (Kind.HEAT_OK, "{% load static %}", "tags ({% %}) are not allowed"),
        (Kind.HEAT_OK, "{# a note #}Heat", "comments ({# #}) are not allowed"),
        (Kind.HEAT_OK, "{{ link }}", "no such placeholder in this message"),
        (Kind.HEAT_OK, "{{ settings }}", "no such placeholder in this message"),
        (Kind.HEAT_OK, "{{ clinic given_name }}", "only a placeholder's name"),
        (Kind.HEAT_OK, "{{ }}", "only a placeholder's name"),
        (Kind.HEAT_OK, "{{ clinic", "never closed"),
        (Kind.HEAT_OK, "clinic }}", "never opened"),
        (Kind.HEAT_OK, "{{ {{ clinic }} }}", "only a placeholder's name"),
        (Kind.HEAT_OK, "{{ clinic\n|safe }}", "filters (|) are not allowed"),
    ],
)
def test_anything_else_is_an_invalid_template(kind, source, why):
    with pytest.raises(RuleViolation) as refused:
        texts.check_text(source, kind)
    assert refused.value.code == "invalid_template"
    assert why in refused.value.detail
    assert ", ".join(f"{{{{ {n} }}}}" for n in texts.PLACEHOLDERS[kind]) in refused.value.detail


REST = "Please rest and drink water. "


@pytest.mark.parametrize(
    "kind, language, body",
    [
        (Kind.AFTERCARE_IMMEDIATE, "en", "{{ clinic }}: " + REST * 48),  # + link and red flags
        (Kind.HEAT_OK, "en", "{{ clinic }} " * 9),  # short as written, each name at its longest
        (Kind.APPOINTMENT_REMINDER, "en", "x" * 1570),  # + how to reply by SMS
        (Kind.URGENT_CARE, "es", "x" * 1510),  # + the red flags, longer in Spanish
    ],
)
def test_a_body_that_can_make_an_sms_too_long_to_send_is_an_invalid_template(kind, language, body):
    with pytest.raises(RuleViolation) as refused:
        texts.check_body(body, kind, language)
    assert refused.value.code == "invalid_template"
    assert f"at most {LONGEST_SMS} can be sent" in refused.value.detail


@pytest.mark.parametrize(
    "kind, language, body",
    [
        (Kind.AFTERCARE_IMMEDIATE, "en", "{{ clinic }}: " + REST * 40),
        (Kind.APPOINTMENT_REMINDER, "en", "x" * 1560),
        (Kind.URGENT_CARE, "en", "x" * 1510),
    ],
)
def test_a_body_whose_longest_sms_can_be_sent_is_accepted(kind, language, body):
    texts.check_body(body, kind, language)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", PATIENT_KINDS)
def test_every_built_in_body_fits_in_one_sms_at_its_longest(kind, language):
    texts.check_body(default_texts.text(language, kind)[1], kind, language)


def test_a_stored_text_too_long_for_one_sms_is_replaced_by_the_built_in_one():
    """Saved before texts were measured: the aftercare and its red flags still go."""
    words = texts.words(
        Kind.AFTERCARE_IMMEDIATE,
        "en",
        {"clinic": "North", "link": "https://clinic.example/p/token/"},
        own=("Aftercare", "{{ clinic }}: " + REST * 60),
        channel=Channel.SMS,
    )
    assert words.text.startswith("North: after today's dry needling")
    assert len(words.text) <= LONGEST_SMS


def test_every_kind_has_a_default_text_and_placeholders():
    assert texts.LANGUAGES == ["en", "es"]
    assert sorted(default_texts.TEXTS) == sorted(Kind.values) == sorted(texts.PLACEHOLDERS)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_renders_in_every_language_with_its_placeholders_filled(kind, language):
    subject, body = default_texts.text(language, kind)
    texts.check_text(subject, kind)
    texts.check_text(body, kind)
    values = {name: f"<{name} value>" for name in texts.PLACEHOLDERS[kind]}
    words = texts.words(kind, language, values, own=None, channel=Channel.SMS)
    assert "{" not in words.subject + words.text and "}" not in words.subject + words.text
    # Every placeholder a default text uses is filled, the clinic's name at least.
    assert "<clinic value>" in words.text or kind == Kind.SIDE_EFFECT_ALERT
    for name in texts.PLACEHOLDERS[kind]:
        assert (f"<{name} value>" in words.subject + words.text) == (
            f"{{{{ {name} }}}}" in subject + body
        )
    red_flag = default_texts.red_flag(language)
    assert (red_flag in words.text) == (kind in texts.RED_FLAG_ADVICE_KINDS)
    assert ("<link value>" in words.text) == (kind in texts.LINK_KINDS)


@pytest.mark.parametrize("kind", Kind.values)
def test_every_text_is_translated_and_keeps_the_english_placeholders(kind):
    english, spanish = default_texts.text("en", kind), default_texts.text("es", kind)
    for en, es in zip(english, spanish, strict=True):
        assert en != es  # a missing translation falls back to English: caught here
        assert texts.BRACES.findall(en) == texts.BRACES.findall(es) or sorted(
            texts.BRACES.findall(en)
        ) == sorted(texts.BRACES.findall(es))


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_language_without_a_catalogue_is_written_to_in_english(language):
    assert default_texts.text(texts.supported_language(language), Kind.HEAT_OK) == (
        default_texts.text("en", Kind.HEAT_OK)
    )


def test_the_words_do_not_depend_on_the_language_active_in_the_caller():
    with translation.override("es"):
        assert default_texts.text("en", Kind.HEAT_OK)[0] == "Heat is fine now"
        assert default_texts.red_flag("en").startswith("Shortness of breath")
    assert default_texts.text("es", Kind.HEAT_OK)[0] == "Ya puede aplicarse calor"


def test_spanish_texts_are_spanish():
    _, immediate = default_texts.text("es", Kind.AFTERCARE_IMMEDIATE)
    assert "punción seca" in immediate and "no antes de las {{ heat_time }}" in immediate
    red_flag = default_texts.red_flag("es")
    assert "falta de aire" in red_flag and "dolor en el pecho" in red_flag
    assert "urgencias" in red_flag


@pytest.mark.parametrize("kind", sorted(texts.RED_FLAG_ADVICE_KINDS))
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_red_flags_are_added_once_to_a_clinics_text_that_leaves_them_out(kind, language):
    red_flag = default_texts.red_flag(language)
    without = texts.words(
        kind, language, {"clinic": "North"}, own=("Hi", "{{ clinic }}: rest."), channel=Channel.SMS
    )
    assert without.text == f"North: rest. {red_flag}"  # no link given: none added
    with_them = texts.words(
        kind, language, {}, own=("Hi", f"{red_flag} Rest."), channel=Channel.SMS
    )
    assert with_them.text.count(red_flag) == 1


@pytest.mark.parametrize("kind", sorted(texts.LINK_KINDS))
def test_the_patient_page_link_is_added_once_to_a_clinics_text_that_leaves_it_out(kind):
    link = "https://clinic.example/p/token/"
    values = {"clinic": "North", "link": link}
    without = texts.words(
        kind, "en", values, own=("Hi", "{{ clinic }}: rest."), channel=Channel.SMS
    )
    assert without.text.startswith(f"North: rest. {link}")
    with_it = texts.words(
        kind, "en", values, own=("Hi", "Rest, then {{ link }}"), channel=Channel.SMS
    )
    assert with_it.text.count(link) == 1


def test_a_stored_text_that_is_not_plain_placeholders_is_never_rendered():
    words = texts.words(
        Kind.APPOINTMENT_REMINDER,
        "en",
        {"clinic": "North", "therapist": "Sam"},
        own=("Reminder", f"Hello {EXPLOIT}"),
        channel=Channel.EMAIL,
    )
    assert words.text == texts.render(
        default_texts.text("en", Kind.APPOINTMENT_REMINDER)[1],
        {"clinic": "North", "therapist": "Sam", "appointment_time": "", "given_name": ""},
    )


def test_a_subject_is_one_line_whatever_its_values_hold():
    words = texts.words(
        Kind.RED_FLAG_ALERT,
        "en",
        {"patient_name": "Ada\nBcc: someone@example.org\r\n", "clinic": "North"},
        own=None,
        channel=Channel.EMAIL,
    )
    assert words.subject == "Ada Bcc: someone@example.org texted words that need urgent care"


@pytest.mark.parametrize(
    "source, values, expected",
    [
        ("{{ clinic }}: hi", {"clinic": "North"}, "North: hi"),
        (EXPLOIT, {"therapist": "Sam"}, EXPLOIT),  # left as written, never looked up
        ("{% if x %}{{ clinic }}{% endif %}", {"clinic": "N"}, "{% if x %}N{% endif %}"),
        ("{{ clinic|upper }}", {"clinic": "North"}, "{{ clinic|upper }}"),
        ("{{ given_name }} {{ link }}", {"given_name": "{{ link }}", "link": "L"}, "{{ link }} L"),
        ("{{ unknown }}", {}, "{{ unknown }}"),
    ],
)
def test_rendering_fills_plain_names_from_plain_strings_and_nothing_else(source, values, expected):
    assert texts.render(source, values) == expected


@pytest.mark.parametrize(
    "kind, patient_language, expected",
    [
        (Kind.AFTERCARE_IMMEDIATE, "es", "es"),
        (Kind.CHECKIN_24H, "en", "en"),
        (Kind.HEAT_OK, "fr", "en"),  # not supported: the default
        (Kind.HEAT_OK, "", "en"),
        (Kind.SIDE_EFFECT_ALERT, "es", "en"),  # to the clinic's staff, not the patient
    ],
)
def test_a_message_is_in_the_patients_language_where_supported(kind, patient_language, expected):
    assert texts.language_for(kind, patient_language) == expected


@pytest.mark.parametrize(
    "language, expected",
    [("en", "Monday 7 December at 10:05"), ("es", "lunes 7 de diciembre a las 10:05")],
)
def test_an_appointment_time_is_written_in_the_messages_language(language, expected):
    local = datetime(2026, 12, 7, 10, 5, tzinfo=ZoneInfo("Europe/Madrid"))
    assert texts.appointment_time(local, language) == expected


@pytest.mark.parametrize("language, greeting", [("en", "Dear Ada,"), ("es", "Hola, Ada:")])
def test_emails_greet_in_the_messages_language(language, greeting):
    words = texts.Words("Subject", "Text <b>", language)
    assert texts.email_text(words, "Ada").startswith(f"{greeting}\n\nText <b>")
    assert "Text &lt;b&gt;" in texts.email_html(words, "Ada")


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_emails_html_part_is_the_same_words_under_the_clinics_name(language):
    link = "https://clinic.example/p/abc/"
    words = texts.words(
        Kind.CHECKIN_24H,
        language,
        {"clinic": "North & Co", "given_name": "Ada", "link": link},
        own=None,
        channel=Channel.EMAIL,
    )
    html = texts.email_html(words, "Ada <3")
    assert f'<html lang="{language}">' in html
    assert "<h1" in html and "North &amp; Co</h1>" in html
    assert "Ada &lt;3" in html and f'<a href="{link}"' in html
    visible = re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").replace("&#x27;", "'")
    assert words.text in " ".join(visible.split())


# Quiet hours 21:00-08:00: a 07:30 appointment's reminder goes back to 20:59 two evenings
# before it, and the check-in of a session ended at 21:30 waits until 08:00 two days after.
MOVED_A_DAY = [
    (Kind.APPOINTMENT_REMINDER, -2, {"en": "tomorrow", "es": "mañana"}),
    (Kind.CHECKIN_24H, 2, {"en": "yesterday", "es": "ayer"}),
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind, days_from_event, wrong_day", MOVED_A_DAY)
def test_a_message_quiet_hours_move_to_another_day_names_no_wrong_day(
    kind, days_from_event, wrong_day, language
):
    london, quiet = ZoneInfo("Europe/London"), plan.QuietHours(time(21), time(8))
    recipient = plan.Recipient("both", True, True, "Europe/London")
    if kind == Kind.APPOINTMENT_REMINDER:
        event = datetime(2026, 3, 11, 7, 30, tzinfo=london)
        (message, _) = plan.plan_for_appointment(
            starts_at=event, recipient=recipient, quiet_hours=quiet, now=event - timedelta(days=7)
        )
    else:
        event = datetime(2026, 3, 11, 21, 30, tzinfo=london)
        message = next(
            m
            for m in plan.plan_for_session(
                ended_at=event,
                heat_advised=False,
                recipient=recipient,
                quiet_hours=quiet,
                now=event,
            )
            if m.kind == kind
        )
    assert (message.send_at.astimezone(london).date() - event.date()).days == days_from_event
    values = {name: f"<{name} value>" for name in texts.PLACEHOLDERS[kind]}
    for channel in (Channel.SMS, Channel.EMAIL):
        words = texts.words(kind, language, values, own=None, channel=channel)
        assert wrong_day[language] not in (words.subject + " " + words.text).lower()
