"""What happened to a patient's standing, announced for the apps above (aftercare listens).

Sent inside the transaction of the change, like sessions.events, so a listener's writes
commit or roll back with it.
"""

from django.dispatch import Signal

# kwargs: patient (Patient), now on clinical hold.
hold_placed = Signal()
# kwargs: patient (Patient), hold (ClinicalHold), just released.
hold_released = Signal()
# kwargs: patient (Patient), now archived.
patient_archived = Signal()
# kwargs: patient (Patient), whose preferred channel, consent or addresses just changed.
contact_changed = Signal()
