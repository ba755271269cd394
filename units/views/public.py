from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ..models import ServiceUnit
from ..selectors import unit_get_public, unit_list


def unit_index(request: HttpRequest) -> HttpResponse:
    return render(request, "units/unit_list.html", {"units": unit_list()})


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        unit = unit_get_public(code=code)
    except ServiceUnit.DoesNotExist as error:
        raise Http404 from error
    return render(request, "units/unit_detail.html", {"unit": unit})
