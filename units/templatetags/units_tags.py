from django import template

from ..selectors import localized_name

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """The Arabic name in Arabic, the English one in English (when there is one), else the French one."""
    return localized_name(obj)


@register.filter
def local_address(unit) -> str:
    from django.utils import translation

    if (translation.get_language() or "")[:2] == "ar" and unit.address_ar:
        return unit.address_ar
    return unit.address


@register.filter
def local_hours(unit) -> str:
    from django.utils import translation

    if (translation.get_language() or "")[:2] == "ar" and unit.opening_hours_ar:
        return unit.opening_hours_ar
    return unit.opening_hours


@register.filter
def local_person(person) -> str:
    """A member's or beneficiary's name, in Arabic letters in Arabic when recorded."""
    from django.utils import translation

    if (translation.get_language() or "")[:2] == "ar" and getattr(person, "first_name_ar", ""):
        return f"{person.first_name_ar} {person.last_name_ar}".strip()
    return f"{person.first_name} {person.last_name}"
