from .access import AccessAction, HealthDataAccess
from .documents import RequiredDocument
from .files import (
    AgreementStatus,
    Attachment,
    Channel,
    ClaimFile,
    ClaimLine,
    ClaimStatus,
    DocumentKind,
    PriorAgreement,
    Sector,
    StatusChange,
)
from .payments import BatchStatus, PaidFile, PayeeKind, PaymentBatch, Transfer
from .reference import Act, ActVersion, Category, CategoryRate, RuleParameters
from .regularisation import Regularisation

__all__ = [
    "AccessAction", "HealthDataAccess",
    "Act", "ActVersion", "AgreementStatus", "Attachment", "BatchStatus", "Category", "CategoryRate", "Channel",
    "ClaimFile", "ClaimLine", "ClaimStatus", "DocumentKind", "PaidFile", "PayeeKind", "PaymentBatch", "PriorAgreement",
    "Regularisation", "RequiredDocument", "RuleParameters", "Sector", "StatusChange", "Transfer",
]
