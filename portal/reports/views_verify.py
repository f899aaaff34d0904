from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .forms_verify import VerificationCodeForm


@login_not_required
@require_GET
def verify_start(request):
    """Public, like the check it leads to (`views.verify`): type the code printed on a certificate. A GET form, as it
    only reads; a code that could be one goes to that check, which says whether any certificate has it."""
    form = VerificationCodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("reports:verify", code=form.cleaned_data["code"])
    return render(request, "reports/verify_start.html", {"form": form})
