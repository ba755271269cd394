"""Django's own messages that its Arabic catalogue lacks, carried by ours.

Django 5.2 changed the msgid of the password-length error ("…at least %d characters.") and its Arabic catalogue
still holds only the old one; the formset count errors are new too. A message missing in Arabic falls back to
LANGUAGE_CODE, so an Arabic page showed them in French (seen on /activate/ with a short password). Marking them
here puts them in locale/*/django.po, which LOCALE_PATHS makes win over Django's catalogues. Nothing imports this
module: makemessages reads it."""

from django.utils.translation import ngettext_lazy

DJANGO_MESSAGES_MISSING_IN_ARABIC = (
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters.", "min_length"),
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "num"),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "num"),
)
