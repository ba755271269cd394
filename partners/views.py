"""The provider portal under /partners/: coverage check, prior agreement requests, invoices, statements.

Every page starts from the signed-in account's provider: an account that is not a provider's gets 404, and a
provider asking for another provider's object gets 404 too (it is simply not in its querysets)."""

from collections.abc import Callable
from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from claims.models import AgreementStatus, DocumentKind
from claims.services.review import user_can_review

from . import statements
from .forms import AgreementRequestForm, CoverageForm, InvoiceForm, InvoiceLineFormSet
from .models import AgreementDocument, Invoice
from .selectors import (
    agreements_of,
    countdown,
    decided_lines,
    invoice_with_lines,
    invoices_of,
    month_statement,
    provider_of,
)
from .services import InvoiceLine, agreement_request_create, coverage_check, invoice_create


def provider_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        provider = provider_of(request.user)
        if provider is None:
            raise Http404("not a provider's account")
        request.provider = provider
        return view(request, *args, **kwargs)

    return wrapped


def _errors_to_form(form, error: ValidationError) -> None:
    for key, messages_ in error.message_dict.items():
        field = key if key in form.fields else None
        for message in messages_:
            form.add_error(field, message)


@require_GET
@provider_required
def portal(request: HttpRequest) -> HttpResponse:
    form = CoverageForm(request.GET or None, initial={"on": timezone.localdate()})
    answer = None
    if request.GET and form.is_valid():
        answer = coverage_check(**form.cleaned_data)
    agreements = list(agreements_of(provider=request.provider)[:5])
    for agreement in agreements:
        agreement.countdown = countdown(due_at=agreement.provider_request.decision_due_at)
    return render(request, "partners/portal.html", {
        "provider": request.provider, "form": form, "answer": answer, "agreements": agreements,
        "invoices": invoices_of(provider=request.provider)[:5]})


@require_GET
@provider_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = list(agreements_of(provider=request.provider)[:200])
    for agreement in agreements:
        agreement.countdown = countdown(due_at=agreement.provider_request.decision_due_at)
    return render(request, "partners/agreements.html", {"provider": request.provider, "agreements": agreements})


@require_http_methods(["GET", "POST"])
@provider_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    form = AgreementRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement, _created = agreement_request_create(
                provider=request.provider, by=request.user, membership_number=data["membership_number"],
                birth_date=data["birth_date"], act_code=data["act_code"], planned_from=data["planned_from"],
                planned_to=data["planned_to"], quantity=data["quantity"], estimated_amount=data["estimated_amount"],
                notes=data["notes"], documents=request.FILES.getlist("documents"))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Prior agreement %(reference)s requested.") % {
                "reference": agreement.reference})
            return redirect("partners:agreement", pk=agreement.pk)
    return render(request, "partners/agreement_new.html", {"provider": request.provider, "form": form},
                  status=400 if form.errors else 200)


@require_GET
@provider_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(agreements_of(provider=request.provider), pk=pk)
    return render(request, "partners/agreement.html", {
        "provider": request.provider, "agreement": agreement,
        "countdown": countdown(due_at=agreement.provider_request.decision_due_at)})


@require_GET
@login_required
def agreement_document(request: HttpRequest, pk: int) -> FileResponse:
    """A request's document: for its provider's staff and for liquidators; 404 for anyone else."""
    document = get_object_or_404(AgreementDocument.objects.select_related("agreement__provider_request"), pk=pk)
    provider = provider_of(request.user)
    request_ = getattr(document.agreement, "provider_request", None)
    owner = provider is not None and request_ is not None and request_.provider_id == provider.pk
    if not owner and not user_can_review(request.user):
        raise Http404("not this document's reader")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("scan missing from storage") from error
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@provider_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/invoices.html", {
        "provider": request.provider, "invoices": invoices_of(provider=request.provider)[:200]})


@require_http_methods(["GET", "POST"])
@provider_required
def invoice_new(request: HttpRequest) -> HttpResponse:
    granted = agreements_of(provider=request.provider).filter(status=AgreementStatus.GRANTED)
    form = InvoiceForm(request.POST or None, request.FILES or None, agreements=granted,
                       initial={"agreement": request.GET.get("agreement", "")[:32]})
    lines = InvoiceLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        rows = [InvoiceLine(line["act_code"], line["care_date"], line["quantity"], line["billed_amount"])
                for line in lines.cleaned_data if line.get("act_code")]
        try:
            invoice, _created = invoice_create(
                provider=request.provider, by=request.user, agreement_reference=form.cleaned_data["agreement"],
                number=form.cleaned_data["number"], lines=rows, documents=_invoice_documents(request))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Invoice %(number)s sent.") % {"number": invoice.number})
            return redirect("partners:invoice", pk=invoice.pk)
    return render(request, "partners/invoice_new.html", {"provider": request.provider, "form": form, "lines": lines},
                  status=400 if request.method == "POST" else 200)


def _invoice_documents(request: HttpRequest) -> list[tuple[str, object]]:
    kinds = {"documents": DocumentKind.INVOICE, "care_sheets": DocumentKind.CARE_SHEET,
             "prescriptions": DocumentKind.PRESCRIPTION}
    return [(kind, upload) for field, kind in kinds.items() for upload in request.FILES.getlist(field)]


@require_GET
@provider_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        invoice = invoice_with_lines(provider=request.provider, pk=pk)
    except Invoice.DoesNotExist as error:
        raise Http404("not this provider's invoice") from error
    return render(request, "partners/invoice.html", {
        "provider": request.provider, "invoice": invoice, "claim": invoice.claim,
        "lines": decided_lines(claim_lines=list(invoice.claim.lines.all()))})


def _month(request: HttpRequest) -> date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


@require_GET
@provider_required
def statement(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    return render(request, "partners/statement.html", {
        "provider": request.provider, "statement": month_statement(provider=request.provider, month=month),
        "month_param": f"{month:%Y-%m}"})


@require_GET
@provider_required
def statement_csv(request: HttpRequest) -> HttpResponse:
    data = month_statement(provider=request.provider, month=_month(request))
    response = HttpResponse(statements.statement_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statement-{data.month:%Y-%m}.csv"'
    return response


@require_GET
@provider_required
def statement_pdf(request: HttpRequest) -> HttpResponse:
    data = month_statement(provider=request.provider, month=_month(request))
    url = request.build_absolute_uri(f"{reverse('partners:statement')}?month={data.month:%Y-%m}")
    response = HttpResponse(statements.statement_pdf(data, statement_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{data.month:%Y-%m}.pdf"'
    return response
