from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.portal, name="portal"),
    path("partners/agreements/", views.agreement_list, name="agreements"),
    path("partners/agreements/new/", views.agreement_new, name="agreement_new"),
    path("partners/agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("partners/documents/<int:pk>/", views.agreement_document, name="agreement_document"),
    path("partners/invoices/", views.invoice_list, name="invoices"),
    path("partners/invoices/new/", views.invoice_new, name="invoice_new"),
    path("partners/invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("partners/statement/", views.statement, name="statement"),
    path("partners/statement.csv", views.statement_csv, name="statement_csv"),
    path("partners/statement.pdf", views.statement_pdf, name="statement_pdf"),
]
