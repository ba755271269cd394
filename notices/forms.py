from django import forms
from django.utils.translation import gettext_lazy as _


class DeliveryChoiceForm(forms.Form):
    email = forms.BooleanField(label=_("Also send me each notice by e-mail"), required=False,
                               widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    sms = forms.BooleanField(label=_("Also send me each notice by SMS"), required=False,
                               widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
