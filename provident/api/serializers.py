"""Provident requests in the API: what a request reads like, line by line, and what creating one takes."""

from rest_framework import serializers

from ..models import BenefitCode, Heir, HeirRelation, ProvidentDocument, ProvidentRequest, ProvidentStatusChange


class ProvidentHeirSerializer(serializers.ModelSerializer):
    share = serializers.CharField(read_only=True)
    amount = serializers.SerializerMethodField()
    paid_by = serializers.SerializerMethodField()

    class Meta:
        model = Heir
        fields = ["id", "position", "first_name", "last_name", "cin", "relation", "iban", "share", "amount", "paid_by"]

    def get_amount(self, heir) -> str | None:
        share = getattr(heir, "payable_share", None)
        return f"{share.amount:.2f}" if share else None

    def get_paid_by(self, heir) -> str | None:
        share = getattr(heir, "payable_share", None)
        paid = getattr(share, "paid", None) if share else None
        return paid.transfer.reference if paid else None


class ProvidentDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvidentDocument
        fields = ["id", "kind", "heir", "original_name", "content_type", "size", "uploaded_at"]


class ProvidentStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvidentStatusChange
        fields = ["from_status", "to_status", "changed_at"]


class ProvidentRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvidentRequest
        fields = ["id", "tracking_code", "member", "benefit", "event_date", "received_on", "deceased", "channel",
                  "status", "reason_code", "amount", "created_at"]
        read_only_fields = fields


class ProvidentRequestDetailSerializer(ProvidentRequestSerializer):
    heirs = ProvidentHeirSerializer(many=True, read_only=True)
    documents = ProvidentDocumentSerializer(many=True, read_only=True)
    status_changes = ProvidentStatusChangeSerializer(many=True, read_only=True)
    shares = serializers.SerializerMethodField()

    class Meta(ProvidentRequestSerializer.Meta):
        fields = [*ProvidentRequestSerializer.Meta.fields, "seniority_days", "seniority_years", "seniority_rate",
                  "decision_note", "heirs", "shares", "documents", "status_changes"]
        read_only_fields = fields

    def get_shares(self, request) -> list[dict]:
        return [{"heir": s.heir_id, "amount": f"{s.amount:.2f}",
                 "transfer": s.paid.transfer.reference if hasattr(s, "paid") else None} for s in request.shares.all()]


class HeirInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    cin = serializers.CharField(max_length=12)
    relation = serializers.ChoiceField(choices=HeirRelation.choices)
    iban = serializers.CharField(max_length=40)
    share = serializers.CharField(max_length=12, help_text="As on the heirs certificate, e.g. `7/24`.")


class RequestCreateSerializer(serializers.Serializer):
    benefit = serializers.ChoiceField(choices=BenefitCode.choices)
    event_date = serializers.DateField()
    deceased = serializers.IntegerField(required=False, allow_null=True,
                                        help_text="The deceased beneficiary's id (spouse or child deaths).")


class DeskRequestCreateSerializer(RequestCreateSerializer):
    member = serializers.IntegerField()
    received_on = serializers.DateField()
    heirs = serializers.ListField(child=HeirInputSerializer(), required=False, max_length=20)
    contact_name = serializers.CharField(max_length=210, required=False, default="")
    contact_phone = serializers.CharField(max_length=20, required=False, default="")
    language = serializers.ChoiceField(choices=["ar", "fr", "en"], required=False, default="ar")


class ProvidentDocumentUploadSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=24)
    heir = serializers.IntegerField(required=False, allow_null=True)
    scan = serializers.FileField()


class ProvidentDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
