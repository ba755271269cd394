from django import template

from ..history import change_note

register = template.Library()


@register.simple_tag
def history_note(change) -> tuple[str, str]:
    """`{% history_note change as note %}`: (sentence in the reader's language, note typed by a person)."""
    return change_note(change)
