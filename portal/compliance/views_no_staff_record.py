"""The page for someone signed in whom the staff roster does not hold: My training, policies to attest and
certificates have nothing to show them."""

from django.shortcuts import render

from portal.people.roles import roles_held


def no_staff_record(request):
    """What applies to the person, by the roles their account holds (whatever this session has proved: the page
    only says where to go, and those pages ask for the code). HR, a superuser among them, are told their account is
    not on the roster and pointed to the roster import and their own pages, not told to contact HR; a CMS editor to
    the CMS; anyone else to contact HR with their work email."""
    return render(request, "compliance/no_staff_record.html", {"account_roles": roles_held(request.user)})
