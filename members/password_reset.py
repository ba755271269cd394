"""Password reset that neither floods nor waits: the e-mail is sent by a Celery task queued once the request's
transaction commits (in-process under `make run`), and requests are throttled per address and per e-mail. The
page says the same thing whether or not the e-mail has an account (and whether or not it was throttled by e-mail),
so it reveals nothing about who is a member."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from .throttles import attempt_count

RESET_PER_ADDRESS = "10/h"
RESET_PER_EMAIL = "3/h"


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None) -> None:
        from .tasks import send_password_reset_mail

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html = loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        transaction.on_commit(lambda: send_password_reset_mail.delay(
            subject=subject, body=body, from_email=from_email, to=to_email, html=html))


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm

    def post(self, request, *args, **kwargs):
        over_address, over_email = attempt_count(request, group="password-reset", target=request.POST.get("email", ""),
                                                 per_address=RESET_PER_ADDRESS, per_target=RESET_PER_EMAIL)
        if over_address:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("Too many attempts. Try again in an hour, or ask your service unit."))
            return render(request, self.template_name, self.get_context_data(form=form), status=429)
        if over_email:  # this address was sent enough links: answer as usual, send nothing more
            form = self.get_form()
            return HttpResponseRedirect(self.get_success_url()) if form.is_valid() else self.form_invalid(form)
        return super().post(request, *args, **kwargs)
