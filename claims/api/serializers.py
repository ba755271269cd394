"""Serializers of the claims API: files with their lines' amounts and reasons, reference data, agreements,
payment batches. They shape data; every rule lives in claims.services / claims.liquidation."""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.models import (
    Act,
    ActVersion,
    Attachment,
    Category,
    CategoryRate,
    ClaimFile,
    ClaimLine,
    DocumentKind,
    PaymentBatch,
    PriorAgreement,
    Sector,
    StatusChange,
    Transfer,
)
from claims.reason_messages import REASON_MESSAGES
from claims.services.intake import LineData
from claims.status import MEMBER_EXPLANATIONS
from members.models import Beneficiary, Member
from units.models import ServiceUnit
from units.scoping import units_for

REASON_CODES = sorted(REASON_MESSAGES)


class _ScopedSerializer(serializers.Serializer):
    """Sets each related field's queryset from the caller (context["request"].user): naming an object out of
    reach is a 400 `does_not_exist`, the same as a missing one."""

    def scoped(self, user) -> dict:
        return {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            for name, queryset in self.scoped(request.user).items():
                self.fields[name].queryset = queryset


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=REASON_CODES, help_text="Stable reason code (docs/liquidation.md).")
    message = serializers.CharField(help_text="The reason in the caller's language.")


class ClaimLineSerializer(serializers.ModelSerializer):
    act = serializers.CharField(source="act_id", help_text="Act code of the nomenclature.")
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = ClaimLine
        fields = ["position", "act", "care_date", "quantity", "billed_amount", "ald", "prior_agreement_ref",
                  "accepted", "accepted_quantity", "accepted_billed_amount", "base_amount", "amo_amount",
                  "complementary_amount", "reasons", "adjustment_reason"]
        extra_kwargs = {
            "accepted": {"help_text": "null until liquidated."},
            "base_amount": {"help_text": "min(billed, quantity × TNR); null until liquidated."},
        }

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, line) -> list:
        return [{"code": code, "message": str(REASON_MESSAGES.get(code, code))} for code in line.reason_codes or []]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "changed_at", "reason"]


class ClaimFileSerializer(serializers.ModelSerializer):
    """A file as a list row."""

    tracking_code = serializers.CharField(source="tracking_code_display", read_only=True)
    unit: "serializers.SlugRelatedField[ServiceUnit]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ClaimFile
        fields = ["id", "tracking_code", "member", "beneficiary", "status", "channel", "unit", "sector",
                  "received_on", "total_billed", "total_base", "total_amo", "total_complementary",
                  "total_reimbursed", "liquidated_at", "created_at"]
        read_only_fields = fields


class ClaimFileDetailSerializer(ClaimFileSerializer):
    """A file with its lines (each line's base, AMO and complementary shares and reasons), attachments and
    status history."""

    status_explanation = serializers.SerializerMethodField()
    lines = ClaimLineSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    status_history = StatusChangeSerializer(many=True, read_only=True, source="status_changes")
    control_reason = serializers.CharField(
        read_only=True, help_text="Why the file waits for a liquidator before payment: `threshold`, `sample`, "
                                  "`amount` (documents check), `failure` (liquidation failed); empty otherwise.")
    missing_kinds = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()), read_only=True,
        help_text="Required documents missing: [{kind, category}].")

    class Meta(ClaimFileSerializer.Meta):
        fields = [*ClaimFileSerializer.Meta.fields, "status_explanation", "provider_name", "provider_ref",
                  "missing_documents", "missing_kinds", "control_reason", "lines", "attachments", "status_history"]
        read_only_fields = fields

    def get_status_explanation(self, claim) -> str:
        return str(MEMBER_EXPLANATIONS.get(claim.status, ""))


# --- reference data ---------------------------------------------------------------------------------------------


class CategoryRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = CategoryRate
        fields = ["id", "category", "effective_from", "amo_rate_public", "amo_rate_private", "complementary_rate"]


class CategorySerializer(serializers.ModelSerializer):
    rates = CategoryRateSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name_en", "name_fr", "name_ar", "rates"]


class ActSerializer(serializers.ModelSerializer):
    class Meta:
        model = Act
        fields = ["id", "code", "name_en", "name_fr", "name_ar"]


class ActVersionSerializer(serializers.ModelSerializer):
    """A tariff version: the act's TNR and rules in force from a care date until the next version."""

    act = serializers.SlugRelatedField(slug_field="code", queryset=Act.objects.all())
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.all())

    class Meta:
        model = ActVersion
        fields = ["id", "act", "effective_from", "category", "tnr", "needs_prior_agreement", "frequency_limit",
                  "ceiling_group", "ceiling_amount"]


# --- prior agreements, payments ---------------------------------------------------------------------------------


class PriorAgreementSerializer(serializers.ModelSerializer):
    acts: "serializers.SlugRelatedField[Act]" = serializers.SlugRelatedField(slug_field="code", many=True,
                                                                             read_only=True)

    class Meta:
        model = PriorAgreement
        fields = ["id", "reference", "beneficiary", "acts", "status", "valid_from", "valid_to", "notes",
                  "requested_at", "decided_at"]
        read_only_fields = fields


class TransferSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = ["id", "payee_kind", "payee_key", "payee_name", "member", "iban", "amount", "reference", "files"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_files(self, transfer) -> list[int]:
        return [paid.claim_id for paid in transfer.files.all()]


class PaymentBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentBatch
        fields = ["id", "reference", "status", "created_at", "confirmed_at", "total"]


class PaymentBatchDetailSerializer(PaymentBatchSerializer):
    transfers = TransferSerializer(many=True, read_only=True)

    class Meta(PaymentBatchSerializer.Meta):
        fields = [*PaymentBatchSerializer.Meta.fields, "transfers"]


# --- inputs ---------------------------------------------------------------------------------------------------


class LineInputSerializer(serializers.Serializer):
    """One line of care, as intake takes it (intake checks act, dates, eligibility and amounts)."""

    act = serializers.CharField(max_length=16, help_text="Act code of the nomenclature (see /acts/).")
    care_date = serializers.DateField()
    quantity = serializers.IntegerField(min_value=1, max_value=100_000,
                                        help_text="Units, or the coefficient for B, Z, K, D.")
    billed_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
                                             help_text="The line's total in MAD.")
    ald = serializers.BooleanField(default=False, help_text="Care for the beneficiary's long-term illness.")
    prior_agreement_ref = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    def to_line_data(self, data: dict) -> LineData:
        return LineData(act_code=data["act"], care_date=data["care_date"], quantity=data["quantity"],
                        billed_amount=data["billed_amount"], ald=data["ald"],
                        prior_agreement_ref=data["prior_agreement_ref"])


class DeskFileCreateSerializer(_ScopedSerializer):
    """A paper file handed in at a unit's front desk."""

    unit = serializers.SlugRelatedField(slug_field="code", queryset=ServiceUnit.objects.none(),
                                        help_text="Code of the receiving unit (one of the caller's units).")
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    beneficiary = serializers.PrimaryKeyRelatedField(queryset=Beneficiary.objects.all())
    received_on = serializers.DateField(help_text="Deposit date: today or earlier, never later.")
    sector = serializers.ChoiceField(choices=Sector.choices, default=Sector.PRIVATE)
    provider_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    provider_ref = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    missing_documents = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                              help_text="When given, the file is received as `incomplete`.")
    documents = serializers.ListField(
        child=serializers.ChoiceField(choices=DocumentKind.choices), required=False, allow_null=True, default=None,
        max_length=20, help_text="Kinds of documents checked in the papers; the required ones missing make the file "
                                 "`incomplete` (`missing_kinds`). Omitted: the agent lists what is missing in "
                                 "`missing_documents`.")
    lines: "serializers.ListSerializer[Any]" = serializers.ListSerializer(child=LineInputSerializer(),
                                                                          allow_empty=False, max_length=40)

    def scoped(self, user) -> dict:
        return {"unit": units_for(user)}


class DraftCreateSerializer(_ScopedSerializer):
    """An online draft for one of the caller's beneficiaries."""

    beneficiary = serializers.PrimaryKeyRelatedField(queryset=Beneficiary.objects.none())
    sector = serializers.ChoiceField(choices=Sector.choices, default=Sector.PRIVATE)
    provider_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    provider_ref = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    def scoped(self, user) -> dict:
        return {"beneficiary": Beneficiary.objects.filter(member__user=user)}


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF, JPEG or PNG scan (checked by its content).")
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.OTHER)


class MissingDocumentsSerializer(serializers.Serializer):
    missing_documents = serializers.CharField(max_length=2000)


class EstimateRequestSerializer(_ScopedSerializer):
    beneficiary = serializers.PrimaryKeyRelatedField(queryset=Beneficiary.objects.none())
    sector = serializers.ChoiceField(choices=Sector.choices, default=Sector.PRIVATE)
    received_on = serializers.DateField(required=False, help_text="Today by default.")
    lines: "serializers.ListSerializer[Any]" = serializers.ListSerializer(child=LineInputSerializer(),
                                                                          allow_empty=False, max_length=40)

    def scoped(self, user) -> dict:
        from members.api.permissions import member_of

        if member_of(user) is not None:  # a member estimates for his own beneficiaries only
            return {"beneficiary": Beneficiary.objects.filter(member__user=user)}
        return {"beneficiary": Beneficiary.objects.select_related("member__mutual")}


class EstimateLineSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    quantity = serializers.IntegerField(help_text="Units accepted (reduced by a frequency limit).")
    billed_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    base_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    amo_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    complementary_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    reasons = ReasonSerializer(many=True)


class EstimateSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="What the file would become: liquidated, rejected, in_review, "
                                             "forwarded.")
    total_base = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_amo = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_complementary = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_reimbursed = serializers.DecimalField(max_digits=12, decimal_places=2)
    lines = EstimateLineSerializer(many=True)


class LineAdjustmentSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Position of the line in the file.")
    amo_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    complementary_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))


class ReviewDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("adjust", "adjust")])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                   help_text="Required to adjust; kept in the file's history.")
    adjustments = LineAdjustmentSerializer(many=True, required=False, default=list)


class AgreementRequestSerializer(serializers.Serializer):
    beneficiary = serializers.PrimaryKeyRelatedField(queryset=Beneficiary.objects.all())
    acts = serializers.SlugRelatedField(slug_field="code", queryset=Act.objects.all(), many=True,
                                        allow_empty=False)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AgreementDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("grant", "grant"), ("refuse", "refuse")])
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                  help_text="Required to refuse.")


class RegularisationSerializer(serializers.Serializer):
    """A correction of a decided file: positive to pay, negative to recover, with the liquidator's reason."""

    id = serializers.IntegerField(read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2,
                                      help_text="MAD: positive to pay, negative to recover in the next batch.")
    reason = serializers.CharField(max_length=2000)
    decided_on = serializers.DateField(read_only=True)
