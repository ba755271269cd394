"""Django's messages that its Arabic catalogue lacks (members/django_strings.py) read in Arabic, not in French."""

import pytest
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.forms import Form, formset_factory
from django.urls import reverse
from django.utils import translation

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_short_password_at_activation_is_refused_in_arabic(client):
    member = MemberFactory()
    response = client.post(reverse("activate"), {
        "membership_number": member.membership_number, "cin": member.cin,
        "birth_date": member.birth_date.isoformat(), "password1": "Ab-3", "password2": "Ab-3"},
        HTTP_ACCEPT_LANGUAGE="ar")
    body = response.content.decode()
    assert "كلمة المرور هذه قصيرة جدًا. يجب أن تتكون من 10 أحرف على الأقل." in body
    assert "trop court" not in body


@pytest.mark.parametrize("length", [0, 1, 2, 5, 10, 11, 100, 101])
def test_every_arabic_plural_form_of_the_length_message_takes_its_number(length):
    with translation.override("ar"), pytest.raises(ValidationError) as refused:
        MinimumLengthValidator(min_length=length + 1).validate("")
    message = refused.value.messages[0]
    assert str(length + 1) in message and "كلمة المرور" in message


def test_too_many_forms_in_a_formset_is_said_in_arabic():
    formset = formset_factory(Form, max_num=2, validate_max=True)(
        {"form-TOTAL_FORMS": "5", "form-INITIAL_FORMS": "0"})
    with translation.override("ar"):
        assert not formset.is_valid()
        assert formset.non_form_errors() == ["المرجو إرسال 2 نموذجين على الأكثر."]
