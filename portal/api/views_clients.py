"""HR's pages for API clients (/hr/api-clients/): make one, see its token once, rotate it, revoke it.

A token reads or writes for its whole scope from anywhere, with no second factor and no idle timeout, until it is
revoked: minting one (or rotating it, which shows a new one) asks the HR officer to confirm it is them first, unless
they typed their password or a code within ACCOUNT_REAUTHENTICATION_TIMEOUT (allauth's re-authentication,
`AccountAdapter.is_reauthentication_required`). allauth keeps the POST while they confirm and then resumes it, so the
token is made once they have, and not before.
"""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.people.decorators import hr_required

from .clients import ClientError, api_client_create, api_client_revoke, api_client_rotate
from .forms import ClientForm, RevokeForm, error_list
from .models import ApiClient

SHOWN_ONCE = "api_client_token"  # the session key holding a new token until the page showing it has been opened


@hr_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def client_list(request):
    form = ClientForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            client, token = api_client_create(
                name=data["name"], scopes=data["scopes"], team=data["team"], user=request.user, request=request
            )
        except ClientError as error:
            form.add_error(error.field, str(error))
        else:
            return _show_token_once(request, client, token)
    clients = list(ApiClient.objects.with_holder().select_related("team", "created_by"))
    lapsed = [client for client in clients if not client.is_revoked and client.holder_lapsed]
    context = {"form": form, "clients": clients, "lapsed": lapsed, "errors": error_list(form)}
    return render(request, "api/clients.html", context, status=400 if form.errors else 200)


@hr_required
@require_http_methods(["GET"])
def client_detail(request, client_id: int):
    client = get_object_or_404(
        ApiClient.objects.with_holder().select_related("team", "created_by", "revoked_by"), pk=client_id
    )
    shown = request.session.pop(SHOWN_ONCE, None)
    token = shown["token"] if shown and shown.get("client") == client.pk else None
    return _detail(request, client, RevokeForm(), token)


@hr_required
@require_POST
@reauthentication_required
def client_rotate(request, client_id: int):
    client = get_object_or_404(ApiClient, pk=client_id)
    try:
        token = api_client_rotate(client=client, user=request.user, request=request)
    except ClientError as error:
        messages.error(request, str(error))
        return redirect("api_clients:detail", client.pk)
    return _show_token_once(request, client, token)


@hr_required
@require_POST
def client_revoke(request, client_id: int):
    client = get_object_or_404(ApiClient.objects.with_holder().select_related("team", "created_by"), pk=client_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            api_client_revoke(client=client, reason=form.cleaned_data["reason"], user=request.user, request=request)
        except ClientError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"{client.name} is revoked: its token no longer works.")
            return redirect("api_clients:detail", client.pk)
    return _detail(request, client, form, None, status=400)


def _show_token_once(request, client: ApiClient, token: str):
    """Kept in the session only until the next page shows it: a reload then shows it no more."""
    request.session[SHOWN_ONCE] = {"client": client.pk, "token": token}
    return redirect("api_clients:detail", client.pk)


def _detail(request, client, form, token, status=200):
    context = {"client": client, "form": form, "token": token, "errors": error_list(form)}
    return render(request, "api/client.html", context, status=status)
