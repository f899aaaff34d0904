"""The sign-in email address, shown and never changed: it comes from the staff roster (HR) or the identity provider.

It is also how the roster, single sign-on and the audit log find a person, so letting people add or swap addresses
(allauth's /accounts/email/ page) let one member of staff take another's address or a future starter's, and rewrite
what the audit log shows. This page takes the place of allauth's at the same address and URL name, and writes
nothing: allauth's page added a row on every visit, which then stopped the person from setting up a second factor.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.people.models import StaffMember


@require_safe
def sign_in_email(request):
    staff = StaffMember.objects.filter(user=request.user).first()
    return render(request, "account/email.html", {"email": request.user.email, "staff": staff})
