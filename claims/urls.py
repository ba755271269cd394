from django.urls import include, path

from .views import access_log, common, desk, estimate, member, member_agreements, public

app_name = "claims"

urlpatterns = [
    path("me/claims/", member.claim_list, name="member_claims"),
    path("me/claims/new/", member.claim_new, name="member_new"),
    path("me/claims/<int:pk>/", member.claim_detail, name="member_claim"),
    path("me/claims/<int:pk>/edit/", member.claim_draft, name="member_draft"),
    path("me/claims/<int:pk>/details/", member.claim_draft_details, name="member_draft_details"),
    path("me/claims/<int:pk>/lines/", member.claim_line_add, name="member_line_add"),
    path("me/claims/<int:pk>/lines/<int:line_id>/delete/", member.claim_line_remove, name="member_line_remove"),
    path("me/claims/<int:pk>/documents/", member.attachment_upload, name="member_upload"),
    path("me/claims/<int:pk>/documents/<int:attachment_id>/delete/", member.attachment_remove,
         name="member_attachment_remove"),
    path("me/claims/<int:pk>/estimate/", estimate.estimate_draft, name="member_draft_estimate"),
    path("me/estimate/", estimate.estimate_new, name="member_estimate"),
    path("me/claims/<int:pk>/review/", member.claim_review, name="member_review"),
    path("me/claims/<int:pk>/submit/", member.claim_submit, name="member_submit"),
    path("me/claims/<int:pk>/complete/", member.claim_complete, name="member_complete"),
    path("me/agreements/", member_agreements.agreement_list, name="member_agreements"),
    path("me/agreements/<int:pk>/", member_agreements.agreement_detail, name="member_agreement"),
    path("me/access-log/", access_log.access_log, name="member_access_log"),
    path("claims/documents/<int:pk>/", common.attachment_download, name="attachment"),
    path("desk/claims/", desk.desk_claims, name="desk_claims"),
    path("desk/claims/new/", desk.desk_register, name="desk_register"),
    path("desk/claims/forwarding-slip/", desk.desk_forwarding_slip, name="desk_forwarding_slip"),
    path("desk/claims/<int:pk>/", desk.desk_claim, name="desk_claim"),
    path("desk/claims/<int:pk>/incomplete/", desk.desk_mark_incomplete, name="desk_incomplete"),
    path("desk/claims/<int:pk>/complete/", desk.desk_complete, name="desk_complete"),
    path("desk/claims/<int:pk>/receipt/", desk.desk_receipt, name="desk_receipt"),
    path("desk/claims/<int:pk>/receipt.pdf", desk.desk_receipt_pdf, name="desk_receipt_pdf"),
    path("track/", public.track, name="track"),
    path("", include("claims.urls_liquidation")),
]
