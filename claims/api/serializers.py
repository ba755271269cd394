"""Serializers of the claims API: files with their lines' amounts and reasons, reference data, agreements,
payment batches. They shape data; every rule lives in claims.services / claims.liquidation."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.liquidation import REASON_MESSAGES
from claims.models import (
    Act,
    ActVersion,
    Attachment,
    Category,
    CategoryRate,
    ClaimFile,
    ClaimLine,
    PaymentBatch,
    PriorAgreement,
    StatusChange,
    Transfer,
)
from claims.status import MEMBER_EXPLANATIONS

REASON_CODES = sorted(REASON_MESSAGES)


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=REASON_CODES, help_text="Stable reason code (liquidation.md).")
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
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

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

    class Meta(ClaimFileSerializer.Meta):
        fields = [*ClaimFileSerializer.Meta.fields, "status_explanation", "provider_name", "provider_ref",
                  "missing_documents", "lines", "attachments", "status_history"]
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
    acts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = PriorAgreement
        fields = ["id", "reference", "beneficiary", "acts", "status", "valid_from", "valid_to", "notes",
                  "requested_at", "decided_at"]
        read_only_fields = fields


class TransferSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = ["id", "member", "iban", "amount", "reference", "files"]

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
