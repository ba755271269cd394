"""Membership applications and members' requests in the API: what one reads like (people, documents, the
status timeline, what is missing) and what filing one takes. The rules are in memberships.services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from members.models import Sex

from ..models import (
    ApplicationDocument,
    ApplicationKind,
    ApplicationPerson,
    ApplicationStatusChange,
    DocumentKind,
    MembershipApplication,
    PersonRelation,
)
from ..services import missing_documents


class ApplicationPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationPerson
        fields = ["id", "position", "relation", "first_name", "last_name", "birth_date", "sex", "marriage_date",
                  "student_until", "disabled_from", "beneficiary"]
        read_only_fields = fields


class ApplicationDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationDocument
        fields = ["id", "kind", "person", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class ApplicationStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationStatusChange
        fields = ["from_status", "to_status", "changed_at"]
        read_only_fields = fields


class MissingDocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    person = serializers.IntegerField(allow_null=True, help_text="The person to cover it is about, or null.")


class MembershipApplicationSerializer(serializers.ModelSerializer):
    tracking_code = serializers.CharField(source="tracking_code_display", read_only=True)

    class Meta:
        model = MembershipApplication
        fields = ["id", "tracking_code", "kind", "status", "channel", "member", "home_unit", "received_on",
                  "first_name", "last_name", "covered_from", "decided_at", "reason", "created_at"]
        read_only_fields = fields


class MembershipApplicationDetailSerializer(MembershipApplicationSerializer):
    people = ApplicationPersonSerializer(many=True, read_only=True)
    documents = ApplicationDocumentSerializer(many=True, read_only=True)
    status_changes = ApplicationStatusChangeSerializer(many=True, read_only=True)
    missing_documents = serializers.SerializerMethodField(
        help_text="The documents still missing (in force on the day received); empty when complete.")

    class Meta(MembershipApplicationSerializer.Meta):
        fields = [*MembershipApplicationSerializer.Meta.fields, "cin", "first_name_ar", "last_name_ar",
                  "birth_date", "sex", "employer", "grade", "payroll_number", "took_office_on", "iban", "phone",
                  "email", "target", "period_start", "period_end", "disabled_from", "people", "documents",
                  "missing_documents", "status_changes"]
        read_only_fields = fields

    @extend_schema_field(MissingDocumentSerializer(many=True))
    def get_missing_documents(self, app) -> list[dict]:
        return [{"kind": kind, "person": person.pk if person else None} for kind, person in missing_documents(app)]


class PersonInputSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(choices=PersonRelation.choices)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    cin = serializers.CharField(max_length=12, required=False, default="", allow_blank=True)
    marriage_date = serializers.DateField(required=False, allow_null=True, default=None)
    student_until = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text="A student child: the last day of his studies.")
    disabled_from = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text="A disabled child: the first day of the disability.")


class DeskApplicationCreateSerializer(serializers.Serializer):
    """A civil servant's application handed in at a desk (the date received may be earlier than today)."""

    home_unit = serializers.CharField(max_length=30, help_text="The applicant's home unit (its code).")
    received_on = serializers.DateField()
    cin = serializers.CharField(max_length=12)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    first_name_ar = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    last_name_ar = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    employer = serializers.CharField(max_length=200)
    grade = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    payroll_number = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
    took_office_on = serializers.DateField()
    iban = serializers.CharField(max_length=40)
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    language = serializers.ChoiceField(choices=["ar", "fr", "en"], required=False, default="ar")
    people = PersonInputSerializer(many=True, required=False, max_length=8)  # type: ignore[call-arg]


class MemberRequestCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicationKind.choices, help_text="Any but `new_member`.")
    person = PersonInputSerializer(required=False, help_text="`add_spouse`, `add_child`: the person to add.")
    target = serializers.IntegerField(required=False, allow_null=True, default=None,
                                      help_text="`study_period`, `disability`: the child's beneficiary id.")
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(required=False, allow_null=True, default=None)
    disabled_from = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text="`disability`: the first day of the disability (covered from "
                                                    "it when received within 90 days of it, else from the day "
                                                    "received).")


class DeskMemberRequestCreateSerializer(MemberRequestCreateSerializer):
    """A member's request handed in at a desk (the date received may be earlier than today)."""

    member = serializers.IntegerField(help_text="The member's id.")
    received_on = serializers.DateField()
    language = serializers.ChoiceField(choices=["ar", "fr", "en"], required=False, default="ar")


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    person = serializers.IntegerField(required=False, allow_null=True, default=None,
                                      help_text="The person to cover it is about (their id), if any.")
    scan = serializers.FileField(help_text="PDF, JPEG or PNG; checked like a file's scans.")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why: told to the requester.")
