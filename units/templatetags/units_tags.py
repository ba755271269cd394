from django import template

from ..selectors import localized_name

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """The Arabic name in Arabic, the English one in English (when there is one), else the French one."""
    return localized_name(obj)


@register.filter
def local_join(items) -> str:
    """A list in running text: "a، b" with the Arabic comma in Arabic, "a, b" otherwise."""
    from ..selectors_hours import join_in_text

    return join_in_text(items)


@register.filter
def local_address(unit) -> str:
    from django.utils import translation

    if (translation.get_language() or "")[:2] == "ar" and unit.address_ar:
        return unit.address_ar
    return unit.address


@register.filter
def local_hours(unit) -> str:
    """The unit's week in one line, in the reader's language ("" when no hours are given)."""
    from ..selectors_hours import opening_one_line

    return opening_one_line(unit=unit)


@register.inclusion_tag("units/partials/opening_hours.html")
def opening_hours(unit) -> dict:
    """The unit's week, consecutive days with the same hours grouped, in the reader's language."""
    from ..selectors_hours import opening_summary

    return {"summary": opening_summary(unit=unit)}


@register.simple_tag
def hours_today(unit) -> str:
    """Today's hours of the unit ("Closed" on a closed day)."""
    from ..selectors_hours import opening_day

    return opening_day(unit=unit).text


@register.filter
def local_person(person) -> str:
    """A member's or beneficiary's name, in Arabic letters in Arabic when recorded."""
    from django.utils import translation

    first_name_ar: str = getattr(person, "first_name_ar", None) or ""
    if (translation.get_language() or "")[:2] == "ar" and first_name_ar:
        return f"{person.first_name_ar} {person.last_name_ar}".strip()
    return f"{person.first_name} {person.last_name}"
