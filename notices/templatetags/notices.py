from django import template
from django.http import HttpRequest

from ..selectors import notices_unread_count

register = template.Library()


@register.inclusion_tag("notices/_nav_item.html", takes_context=True)
def notices_nav_item(context) -> dict:
    """The menu entry with the unread count (one COUNT query, only for signed-in accounts)."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "count": notices_unread_count(user=user), "path": request.path}
