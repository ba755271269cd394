from celery import shared_task

from . import services


@shared_task(name="units.tasks.periodic_send_appointment_reminders")
def periodic_send_appointment_reminders() -> int:
    """Daily: e-mails tomorrow's appointments. Idempotent (each reminder is claimed through `reminded_at`)."""
    return services.appointment_send_reminders()
