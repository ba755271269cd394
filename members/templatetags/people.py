"""People as a page shows them: `{% load people %}`.

`{{ person|person }}`: the name in the page's script (Arabic letters on Arabic pages when recorded, else Latin).
`{{ person|person_both }}`: that name first, the other script's name after it (smaller, with its own lang/dir).
`{{ beneficiary|relation }}`: the relation, gendered in Arabic and French ("Member himself"/"herself")."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext_lazy

register = template.Library()

RELATIONS = {
    ("member", "M"): pgettext_lazy("relation of a man", "Member himself"),
    ("member", "F"): pgettext_lazy("relation of a woman", "Member herself"),
    ("spouse", "M"): pgettext_lazy("relation of a man", "Spouse"),
    ("spouse", "F"): pgettext_lazy("relation of a woman", "Spouse"),
    ("child", "M"): pgettext_lazy("relation of a man", "Child"),
    ("child", "F"): pgettext_lazy("relation of a woman", "Child"),
}


def _arabic_page() -> bool:
    return (get_language() or "")[:2] == "ar"


def _latin(person) -> str:
    return f"{person.first_name} {person.last_name}".strip()


def _arabic(person) -> str:
    return f"{getattr(person, 'first_name_ar', '')} {getattr(person, 'last_name_ar', '')}".strip()


@register.filter
def person(person) -> str:
    if person is None:
        return ""
    return (_arabic(person) or _latin(person)) if _arabic_page() else _latin(person)


@register.filter
def person_both(person):
    if person is None:
        return ""
    latin, arabic = _latin(person), _arabic(person)
    if not arabic:
        return latin
    if _arabic_page():
        return format_html('{} <span class="d-block small text-muted" lang="fr" dir="ltr">{}</span>', arabic, latin)
    return format_html('{} <span class="d-block small text-muted" lang="ar" dir="rtl">{}</span>', latin, arabic)


@register.filter
def relation(beneficiary) -> str:
    label = RELATIONS.get((beneficiary.relation, beneficiary.sex))
    return str(label) if label is not None else beneficiary.get_relation_display()
