"""The API object: its routers, and every error answered as a problem document (portal.api.problems)."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from . import reads, writes
from .auth import audit_refusal
from .parser import StrictJson
from .problems import Problem, problem_response, validation_problem

logger = logging.getLogger(__name__)


class PortalApi(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """pydantic's errors as django-ninja gives them, but keeping the value each was given: django-ninja drops it,
        and a value of the wrong type is refused naming what was sent (`problems.validation_problem`)."""
        sent = [error.get("input") for c in error_contexts for error in c.pydantic_validation_error.errors()]
        errors = super().validation_error_from_error_contexts(error_contexts).errors
        for error, value in zip(errors, sent, strict=True):
            error["input"] = value
        return ValidationError(errors)


api = PortalApi(
    title="NHS staff training portal API",
    version="1",
    description=(
        "For HR and workforce systems: read standing, send completions and roster changes, follow the evidence "
        "ledger. Every call sends `Authorization: Bearer <token>` (HR makes clients and their tokens in the portal); "
        "every write sends an `Idempotency-Key`. Errors are RFC 9457 problem details with a stable `code`."
    ),
    urls_namespace="api",
    docs_url=None,  # the portal serves its own page (no script from another host): portal.api.views_docs
    parser=StrictJson(),
)
api.add_router("/", reads.router)
api.add_router("/", writes.router)


def _refused(request, problem: Problem):
    """A call by a known client that was refused after its token was checked (no such record, a value not valid, a
    rejected row): answered, and written to the audit log as refused, with the problem's code."""
    client = getattr(request, "api_client", None)
    if client is not None:
        audit_refusal(request, client, request.api_scope, problem.code, status=problem.status)
    return problem_response(problem, request)


@api.exception_handler(Problem)
def _problem(request, error: Problem):
    return _refused(request, error)


@api.exception_handler(ValidationError)
def _invalid(request, error: ValidationError):
    return _refused(request, validation_problem(error.errors))


@api.exception_handler(HttpError)
def _http_error(request, error: HttpError):
    if error.status_code == 400:  # the only one django-ninja raises itself: a body it cannot parse
        if isinstance(error.__cause__, Problem):  # our parser's own words (portal.api.parser)
            return _refused(request, error.__cause__)
        return _refused(request, Problem("invalid_json", "The body is not JSON (UTF-8): nothing was recorded."))
    return problem_response(Problem("server_error", str(error)), request)


@api.exception_handler(Http404)
def _not_found(request, error: Http404):
    return problem_response(Problem("not_found", "There is no such record among the client's."), request)


@api.exception_handler(RequestDataTooBig)
def _too_large(request, error: RequestDataTooBig):
    # Django's one limit on a body read into memory (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB unless set): 10,000 roster
    # rows of full length pass it, so the client is told the limit, to know how many rows to send.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    sent = request.META.get("CONTENT_LENGTH", "")
    return _refused(
        request,
        Problem(
            "too_large",
            f"The body is {sent} bytes; the portal accepts at most {limit} bytes a request: send the rows in smaller "
            "requests. Nothing was recorded.",
            limit_bytes=limit,
        ),
    )


@api.exception_handler(Exception)
def _server_error(request, error: Exception):
    logger.exception("API call %s %s failed", request.method, request.path)
    return problem_response(Problem("server_error", "The portal could not answer: nothing was recorded."), request)
