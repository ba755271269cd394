"""Reads about applications: a unit's list, the public tracking lookup, the dashboard counts, and a member's
registry history with the decisions on his requests."""

from datetime import date

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from claims.models.files import tracking_code_normalize
from members.models import Member
from members.registry_history import RegistryEvent, registry_history
from units.models import StaffAssignment, StaffRole

from .models import ApplicationStatus, DocumentKind, MembershipApplication


def applications_for_staff(*, user) -> QuerySet[MembershipApplication]:
    """Administrators and liquidators (central office) see all; unit staff their unit's applications."""
    apps = MembershipApplication.objects.all()
    if user.is_superuser or StaffAssignment.objects.filter(
            user=user, role__in=(StaffRole.ADMIN, StaffRole.LIQUIDATOR)).exists():
        return apps
    return apps.filter(home_unit__assignments__user=user).distinct()


def applications_for_member(*, member) -> QuerySet[MembershipApplication]:
    """A member's own requests (and the application that made him a member), newest first."""
    return MembershipApplication.objects.filter(member=member).order_by("-created_at", "-id")


def application_track(*, code: str, birth_date: date) -> MembershipApplication | None:
    normalized = tracking_code_normalize(code or "")
    if normalized is None:
        return None
    return MembershipApplication.objects.filter(tracking_code=normalized, birth_date=birth_date).first()


def track_lookup(*, code: str, birth_date: date) -> dict | None:
    from .notifications import EXPLANATIONS
    from .services import missing_documents

    app = application_track(code=code, birth_date=birth_date)
    if app is None:
        return None
    explanation = str(EXPLANATIONS[str(app.status)])
    if app.status == ApplicationStatus.INCOMPLETE:
        explanation += " " + ", ".join(str(DocumentKind(kind).label) + (f" ({person.first_name})" if person else "")
                                       for kind, person in missing_documents(app))
    if app.status == ApplicationStatus.REJECTED and app.reason:
        explanation += f" {app.reason}"
    return {"kind_label": app.get_kind_display(), "status_label": app.get_status_display(),
            "explanation": explanation, "code": app.tracking_code_display}


def unit_counts(*, unit_ids: list[int], since: date | None = None) -> dict:
    """Received, approved, rejected and the average days from receipt to decision, for the units' dashboard."""
    apps = MembershipApplication.objects.filter(home_unit_id__in=unit_ids)
    if since:
        apps = apps.filter(received_on__gte=since)
    decided = Q(status__in=(ApplicationStatus.APPROVED, ApplicationStatus.REJECTED))
    row = apps.aggregate(
        received=Count("pk"), approved=Count("pk", filter=Q(status=ApplicationStatus.APPROVED)),
        rejected=Count("pk", filter=Q(status=ApplicationStatus.REJECTED)),
        average=Avg(ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField()),
                    filter=decided))
    average = row.pop("average")
    row["average_days"] = round(average.total_seconds() / 86400, 1) if average else None
    return row


def member_history(*, member: Member) -> list[RegistryEvent]:
    """The member's registry history (members.registry_history), newest first, with the decisions on his requests
    and application: a refused request stands in it with who refused it, when and why, as an approved one's
    registry changes do (five queries, whatever the number of rows)."""
    events = registry_history(member=member)
    decided = MembershipApplication.objects.filter(
        member=member, status__in=(ApplicationStatus.APPROVED, ApplicationStatus.REJECTED),
        decided_at__isnull=False).select_related("decided_by")
    for app in decided:
        if app.decided_at is None:  # excluded by the query; for the type checker
            continue
        subject = _("request %(code)s (%(kind)s)") % {"code": app.tracking_code_display,
                                                      "kind": app.get_kind_display()}
        if app.status == ApplicationStatus.REJECTED:
            action, why = pgettext("request decision", "refused"), app.reason
        else:
            day = date_format(app.covered_from, "SHORT_DATE_FORMAT") if app.covered_from else ""
            covered = (_("covered from %(day)s") % {"day": day}) if day else ""
            action, why = pgettext("request decision", "approved"), covered
        events.append(RegistryEvent(at=app.decided_at, by=app.decided_by, subject=subject, action=action, why=why))
    return sorted(events, key=lambda event: event.at, reverse=True)
