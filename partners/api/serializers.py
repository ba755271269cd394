from rest_framework import serializers

from claims.models import Act, PriorAgreement

from ..models import Convention, Invoice, Provider


class ProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "code", "name", "name_ar", "sector", "city", "inpe", "iban", "active"]


class ConventionSerializer(serializers.ModelSerializer):
    acts = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Act.objects.all())

    class Meta:
        model = Convention
        fields = ["id", "provider", "reference", "valid_from", "valid_to", "acts", "decision_hours"]


class ProviderAgreementSerializer(serializers.ModelSerializer):
    """What a provider sees of its own request: no member data beyond what it sent."""

    acts: "serializers.SlugRelatedField[Act]" = serializers.SlugRelatedField(slug_field="code", many=True,
                                                                             read_only=True)
    planned_from = serializers.DateField(source="provider_request.planned_from")
    planned_to = serializers.DateField(source="provider_request.planned_to")
    quantity = serializers.IntegerField(source="provider_request.quantity")
    estimated_amount = serializers.DecimalField(source="provider_request.estimated_amount", max_digits=12,
                                                decimal_places=2)
    decision_due_at = serializers.DateTimeField(source="provider_request.decision_due_at")

    class Meta:
        model = PriorAgreement
        fields = ["id", "reference", "acts", "status", "valid_from", "valid_to", "notes", "requested_at",
                  "decided_at", "planned_from", "planned_to", "quantity", "estimated_amount", "decision_due_at"]
        read_only_fields = fields


class InvoiceLineSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    act_code = serializers.CharField()
    care_date = serializers.DateField()
    quantity = serializers.IntegerField()
    billed = serializers.DecimalField(max_digits=12, decimal_places=2)
    base = serializers.DecimalField(max_digits=12, decimal_places=2)
    amo = serializers.DecimalField(max_digits=12, decimal_places=2)
    complementary = serializers.DecimalField(max_digits=12, decimal_places=2)
    member_share = serializers.DecimalField(max_digits=12, decimal_places=2)
    accepted = serializers.BooleanField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())


class InvoiceSerializer(serializers.ModelSerializer):
    agreement: "serializers.SlugRelatedField[PriorAgreement]" = serializers.SlugRelatedField(
        slug_field="reference", read_only=True)
    tracking_code = serializers.CharField(source="claim.tracking_code")
    status = serializers.CharField(source="claim.status")
    received_on = serializers.DateField(source="claim.received_on")
    total_billed = serializers.DecimalField(source="claim.total_billed", max_digits=12, decimal_places=2)
    total_amo = serializers.DecimalField(source="claim.total_amo", max_digits=12, decimal_places=2)
    total_complementary = serializers.DecimalField(source="claim.total_complementary", max_digits=12,
                                                   decimal_places=2)

    class Meta:
        model = Invoice
        fields = ["id", "number", "agreement", "tracking_code", "status", "received_on", "total_billed",
                  "total_amo", "total_complementary", "created_at"]
        read_only_fields = fields


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines"]
        read_only_fields = fields

    def get_lines(self, invoice) -> list[dict]:
        from ..selectors import decided_lines

        return list(InvoiceLineSerializer(decided_lines(claim_lines=list(invoice.claim.lines.all())), many=True).data)


class CoverageCheckSerializer(serializers.Serializer):
    membership_number = serializers.CharField(max_length=10)
    birth_date = serializers.DateField()
    on = serializers.DateField()


class CoverageAnswerSerializer(serializers.Serializer):
    on = serializers.DateField()
    covered = serializers.BooleanField()
    complementary = serializers.BooleanField()
