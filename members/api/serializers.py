"""Serializers of the members API, and the pieces every v1 app shares: the error body and its documentation."""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from members.models import (
    AffiliationPeriod,
    AffiliationStatus,
    Beneficiary,
    ChangeField,
    ChangeRequest,
    Member,
    Mutual,
    StudentPeriod,
)
from units.models import ServiceUnit

# --- errors (shared by every v1 endpoint) ---------------------------------------------------------------------

ERROR_CODES_DOC = "Body: `Error` (codes listed there)."


class ErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable error code.")
    message = serializers.CharField(help_text="Explanation in the caller's language.")
    field = serializers.CharField(allow_null=True, help_text="The field at fault (dotted path for nested "
                                                             "fields, e.g. `lines.0.quantity`), or null.")


class ErrorSerializer(ErrorItemSerializer):
    """Every error body: the first error at the top level; every error, the first included, in `errors`.

    Stable error codes: `not_authenticated`, `authentication_failed` (401); `permission_denied` (403);
    `not_found` (404); `method_not_allowed` (405); `unsupported_media_type` (415); `invalid_transition`,
    `conflict` (409); `locked_out` (429); for 400 the field validators' codes (`required`, `null`, `blank`,
    `invalid`, `invalid_choice`, `max_length`, `min_value`, `max_value`, `max_digits`, `max_decimal_places`,
    `does_not_exist`, `incorrect_type`, …) and the domain's refusals named on each operation."""

    class Meta:
        ref_name = "Error"

    def get_fields(self) -> dict[str, serializers.Field]:
        # Declared here, not as a class attribute: a field named `errors` would hide Serializer.errors for mypy.
        return {**super().get_fields(), "errors": ErrorItemSerializer(many=True)}


ERROR_DESCRIPTIONS = {
    400: "Invalid input: one error per field at fault.",
    401: "No credentials, or a revoked or unknown token.",
    403: "The account's role does not allow this.",
    404: "No such object within the caller's reach (a member never learns whether another member's object exists).",
    409: "The object's current state does not allow this action.",
    429: "Too many failed login attempts from this address.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=f"{ERROR_DESCRIPTIONS[code]} {ERROR_CODES_DOC}")
            for code in statuses}


# --- auth -----------------------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="Membership number for members, login for staff.")
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.RegexField(r"^\d{6}$", required=False, help_text=(
        "The six-digit code of the account's authenticator app: required for staff accounts (when the second "
        "factor is enforced) and for members who turned it on."))


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    username = serializers.CharField()


# --- members --------------------------------------------------------------------------------------------------


class MutualSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mutual
        fields = ["code", "name_fr", "name_ar", "is_ours"]


class StudentPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudentPeriod
        fields = ["id", "start", "end"]


class EligibilitySerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The day the eligibility is given for (today).")
    eligible = serializers.BooleanField()
    reason_code = serializers.CharField(help_text="Stable code of why (liquidation rule 2).")
    reason = serializers.CharField(help_text="The reason in the caller's language.")
    last_covered_day = serializers.DateField(allow_null=True,
                                             help_text="Last day covered when cover ends on a known date.")


class BeneficiarySerializer(serializers.ModelSerializer):
    student_periods = StudentPeriodSerializer(many=True, read_only=True)
    disabled = serializers.BooleanField(read_only=True, help_text="A child whose disability is recorded "
                                                                  "(`disabled_from` is set).")

    class Meta:
        model = Beneficiary
        fields = ["id", "relation", "first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "sex",
                  "cin", "marriage_start", "marriage_end", "disabled", "disabled_from", "covered_from",
                  "student_periods"]
        read_only_fields = ["covered_from"]  # set by the membership liquidation (a late request), never by hand


class BeneficiaryWithEligibilitySerializer(BeneficiarySerializer):
    eligibility = serializers.SerializerMethodField()

    class Meta(BeneficiarySerializer.Meta):
        fields = [*BeneficiarySerializer.Meta.fields, "eligibility"]

    @extend_schema_field(EligibilitySerializer)
    def get_eligibility(self, beneficiary) -> dict:
        result = self.context["eligibility"][beneficiary.pk]
        return EligibilitySerializer({
            "on": result.on, "eligible": result.eligible, "reason_code": result.reason_code,
            "reason": str(result.reason), "last_covered_day": result.last_covered_day,
        }).data


class AffiliationSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=AffiliationStatus.choices)

    class Meta:
        model = AffiliationPeriod
        fields = ["id", "start", "end", "status", "complementary"]


class CoverageSerializer(serializers.Serializer):
    on = serializers.DateField()
    covered = serializers.BooleanField(help_text="An affiliation period contains the day (liquidation rule 1).")
    status = serializers.CharField(allow_blank=True, help_text="Status of the current (or latest) period.")
    complementary = serializers.BooleanField(help_text="The complementary cover applies on the day.")


class MemberSerializer(serializers.ModelSerializer):
    """A member as a list row."""

    mutual = MutualSerializer(read_only=True)
    home_unit: "serializers.SlugRelatedField[ServiceUnit]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Member
        fields = ["id", "membership_number", "cin", "first_name", "last_name", "first_name_ar", "last_name_ar",
                  "birth_date", "sex", "mutual", "home_unit"]


class MemberDetailSerializer(MemberSerializer):
    """A member with contact, bank account, coverage today, beneficiaries with eligibility and affiliations."""

    coverage = serializers.SerializerMethodField()
    beneficiaries = serializers.SerializerMethodField()
    affiliations = AffiliationSerializer(many=True, read_only=True)

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "employer", "grade", "phone", "email", "address", "iban",
                  "coverage", "beneficiaries", "affiliations"]

    @extend_schema_field(CoverageSerializer)
    def get_coverage(self, member) -> dict:
        coverage = self.context["overview"].coverage
        return CoverageSerializer({"on": coverage.on, "covered": coverage.covered, "status": coverage.status,
                                   "complementary": coverage.complementary}).data

    @extend_schema_field(BeneficiaryWithEligibilitySerializer(many=True))
    def get_beneficiaries(self, member) -> list:
        overview = self.context["overview"]
        context = {**self.context, "eligibility": {row.beneficiary.pk: row for row in overview.beneficiaries}}
        return list(BeneficiaryWithEligibilitySerializer([row.beneficiary for row in overview.beneficiaries],
                                                         many=True, context=context).data)


def member_detail_data(overview, context: Mapping[str, Any] | None = None) -> dict:
    return MemberDetailSerializer(overview.member, context={**(context or {}), "overview": overview}).data


# --- change requests ------------------------------------------------------------------------------------------


class ChangeRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeRequest
        fields = ["id", "member", "field", "old_value", "new_value", "status", "requested_at", "decided_at",
                  "decision_note"]
        read_only_fields = fields


class ChangeRequestCreateSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=ChangeField.choices)
    new_value = serializers.CharField(max_length=300)


class ChangeRequestDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# --- the registry's writes (staff) ----------------------------------------------------------------------------
# These serializers parse types and lengths only; the registry's rules (formats, uniqueness, dates, overlaps)
# are checked by members.services, whose refusals come back as 400 on the field at fault.


def _parse_only(*fields: str, optional: tuple[str, ...] = ()) -> dict:
    return {name: {"validators": [], **({"required": False} if name in optional else {})} for name in fields}


class MemberWriteSerializer(serializers.ModelSerializer):
    mutual = serializers.SlugRelatedField(
        slug_field="code", queryset=Mutual.objects.all(), required=False,
        help_text="Code of the member's mutual; our own mutual when left out.")
    home_unit = serializers.SlugRelatedField(slug_field="code", queryset=ServiceUnit.objects.all(), required=False,
                                             allow_null=True, help_text="Code of the member's home service unit.")

    class Meta:
        model = Member
        fields = ["membership_number", "mutual", "cin", "first_name", "last_name", "first_name_ar", "last_name_ar",
                  "birth_date", "sex", "employer", "grade", "phone", "email", "address", "iban", "home_unit"]
        validators: list = []
        extra_kwargs = {
            **_parse_only(*fields), "membership_number": {"validators": [], "required": False, "help_text": (
                "Left out: the next number of the sequence, with its check digit. Cannot be changed later.")},
            "cin": {"validators": [], "help_text": "National ID: one or two letters then up to six digits, unique."},
            "phone": {"validators": [], "help_text": "Moroccan phone number (stored as +212…)."},
            "iban": {"validators": [], "help_text": "Moroccan IBAN (MA + 26 digits), checked mod 97. Set by staff, "
                                                    "it applies at once and is recorded in the history."},
        }


class MemberUpdateSerializer(MemberWriteSerializer):
    class Meta(MemberWriteSerializer.Meta):
        fields = [name for name in MemberWriteSerializer.Meta.fields if name != "membership_number"]
        extra_kwargs = {name: kwargs for name, kwargs in MemberWriteSerializer.Meta.extra_kwargs.items()
                        if name != "membership_number"}


class BeneficiaryWriteSerializer(serializers.ModelSerializer):
    relation = serializers.ChoiceField(choices=[("spouse", "spouse"), ("child", "child")],
                                       help_text="`spouse` or `child` (the member himself is added with the member).")

    class Meta:
        model = Beneficiary
        fields = ["relation", "first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "sex", "cin",
                  "marriage_start", "marriage_end", "disabled_from"]
        extra_kwargs = {
            **_parse_only(*fields),
            "marriage_end": {"validators": [], "help_text": "Spouse only: the marriage ended (divorce, death); "
                                                            "covered up to this day."},
            "disabled_from": {"validators": [], "help_text": "Child only: the first day of the disability; from that "
                                                             "day on the child is covered whatever his age. Null: "
                                                             "not disabled."},
        }


class BeneficiaryUpdateSerializer(BeneficiaryWriteSerializer):
    class Meta(BeneficiaryWriteSerializer.Meta):
        fields = [name for name in BeneficiaryWriteSerializer.Meta.fields if name != "relation"]


class StudentPeriodWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudentPeriod
        fields = ["start", "end"]
        extra_kwargs = _parse_only(*fields)


class AffiliationWriteSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=AffiliationStatus.choices, required=False,
                                     help_text="Administrative status (active when left out).")

    class Meta:
        model = AffiliationPeriod
        fields = ["start", "end", "status", "complementary"]
        extra_kwargs = {**_parse_only(*fields, optional=("end", "complementary")),
                        "end": {"validators": [], "required": False, "allow_null": True,
                                "help_text": "Last day covered; null or left out: open."},
                        "complementary": {"validators": [], "required": False,
                                          "help_text": "The complementary cover applies (true when left out)."}}
