"""The built-in words of every message, in every language patients are written to.

One `Wording` per language (settings.LANGUAGES): per kind, the subject (email only) and the
body (SMS as is, email after the greeting). Texts use only `{{ placeholder }}`, as a clinic's
own must (aftercare/texts.py has each kind's placeholders); the red-flag sentence is added to
the kinds that need it by texts.py, so no text here, and no clinic's text, can leave it out.
"""

from dataclasses import dataclass

from aftercare.models import Kind


@dataclass(frozen=True)
class Wording:
    texts: dict[str, tuple[str, str]]  # kind -> (subject, body)
    red_flag: str
    greeting: str  # the first line of an email, with {name}
    appointment_time: str  # Django date format; weekday and month names are translated


WORDINGS: dict[str, Wording] = {
    "en": Wording(
        texts={
            Kind.AFTERCARE_IMMEDIATE: (
                "Your dry needling aftercare",
                "{{ clinic }}: after today's dry needling, avoid intense activity for the rest"
                " of the day. Use heat only if advised, and not before {{ heat_time }}."
                " Soreness or slight bruising may last a day or two.",
            ),
            Kind.HEAT_OK: (
                "Heat is fine now",
                "{{ clinic }}: it is now 30 minutes since your needling. Heat is fine now, as"
                " your therapist advised.",
            ),
            Kind.CHECKIN_24H: (
                "How are you after your treatment?",
                "{{ clinic }}: how are you after yesterday's dry needling? Mild soreness is"
                " normal. Tell us about any side effects: {{ link }}",
            ),
            Kind.APPOINTMENT_REMINDER: (
                "Your appointment tomorrow",
                "{{ clinic }}: a reminder of your appointment on {{ appointment_time }} with"
                " {{ therapist }}. Reply C to confirm, X to cancel.",
            ),
            Kind.COURSE_REBOOK: (
                "Book the rest of your treatment course",
                "{{ clinic }}: your treatment course is not finished (sessions left:"
                " {{ sessions_left }}). Please contact us to book the next one.",
            ),
            Kind.APPOINTMENT_CONFIRMED: (
                "Your appointment is confirmed",
                "{{ clinic }}: thank you, your appointment on {{ appointment_time }} with"
                " {{ therapist }} is confirmed.",
            ),
            Kind.URGENT_CARE: (
                "Seek urgent care now",
                "{{ clinic }}: we have told your clinic.",
            ),
            Kind.WAITLIST_OFFER: (
                "An earlier appointment is free",
                "{{ clinic }}: a place is free on {{ appointment_time }} with {{ therapist }}."
                " The first to take it gets it: {{ link }}",
            ),
            Kind.SIDE_EFFECT_ALERT: (
                "Serious side effect reported: {{ side_effect }}",
                "A serious side effect was reported for {{ patient_name }}: {{ side_effect }}"
                " ({{ severity }}), reported by the {{ reported_by }}. {{ notes }} Please"
                " contact the patient today. {{ patient_name }} is on clinical hold: no new"
                " sessions or bookings, and no heat, reminder or rebooking messages, until a"
                " clinic administrator releases the hold with a note.",
            ),
            Kind.PATIENT_CANCELLED: (
                "{{ patient_name }} cancelled by SMS",
                "{{ clinic }}: {{ patient_name }} cancelled their appointment on"
                " {{ appointment_time }} with {{ therapist }} by SMS. The slot is free for the"
                " waitlist.",
            ),
        },
        red_flag="Shortness of breath or chest pain after needling: seek urgent care at once.",
        greeting="Dear {name},",
        appointment_time=r"l j F \a\t H:i",
    ),
    "es": Wording(
        texts={
            Kind.AFTERCARE_IMMEDIATE: (
                "Cuidados después de su punción seca",
                "{{ clinic }}: después de la punción seca de hoy, evite la actividad física"
                " intensa durante el resto del día. Aplique calor solo si se lo han indicado, y"
                " no antes de las {{ heat_time }}. Las molestias o un pequeño hematoma pueden"
                " durar uno o dos días.",
            ),
            Kind.HEAT_OK: (
                "Ya puede aplicarse calor",
                "{{ clinic }}: han pasado 30 minutos desde su punción. Ya puede aplicarse"
                " calor, como le indicó su fisioterapeuta.",
            ),
            Kind.CHECKIN_24H: (
                "¿Cómo se encuentra después del tratamiento?",
                "{{ clinic }}: ¿cómo se encuentra después de la punción seca de ayer? Unas"
                " molestias leves son normales. Cuéntenos cualquier efecto secundario:"
                " {{ link }}",
            ),
            Kind.APPOINTMENT_REMINDER: (
                "Su cita de mañana",
                "{{ clinic }}: le recordamos su cita del {{ appointment_time }} con"
                " {{ therapist }}. Responda C para confirmarla, X para anularla.",
            ),
            Kind.COURSE_REBOOK: (
                "Reserve el resto de su tratamiento",
                "{{ clinic }}: su tratamiento aún no ha terminado (sesiones pendientes:"
                " {{ sessions_left }}). Contacte con nosotros para reservar la próxima.",
            ),
            Kind.APPOINTMENT_CONFIRMED: (
                "Su cita está confirmada",
                "{{ clinic }}: gracias, su cita del {{ appointment_time }} con {{ therapist }}"
                " está confirmada.",
            ),
            Kind.URGENT_CARE: (
                "Acuda a urgencias ahora",
                "{{ clinic }}: hemos avisado a su clínica.",
            ),
            Kind.WAITLIST_OFFER: (
                "Hay una cita libre antes",
                "{{ clinic }}: hay un hueco libre el {{ appointment_time }} con {{ therapist }}."
                " Será para quien lo reserve primero: {{ link }}",
            ),
            Kind.SIDE_EFFECT_ALERT: (
                "Efecto adverso grave notificado: {{ side_effect }}",
                "Se ha notificado un efecto adverso grave de {{ patient_name }}:"
                " {{ side_effect }} ({{ severity }}), notificado por: {{ reported_by }}."
                " {{ notes }} Contacte hoy con el paciente. {{ patient_name }} queda en"
                " suspensión clínica: ni sesiones ni citas nuevas, ni mensajes de calor,"
                " recordatorio o nueva cita, hasta que un administrador de la clínica la levante"
                " con una nota.",
            ),
            Kind.PATIENT_CANCELLED: (
                "{{ patient_name }} ha anulado su cita por SMS",
                "{{ clinic }}: {{ patient_name }} ha anulado por SMS su cita del"
                " {{ appointment_time }} con {{ therapist }}. El hueco queda libre para la lista"
                " de espera.",
            ),
        },
        red_flag="Si nota falta de aire o dolor en el pecho después de la punción, acuda a"
        " urgencias de inmediato.",
        greeting="Hola, {name}:",
        appointment_time=r"l j \d\e F \a \l\a\s H:i",
    ),
}
