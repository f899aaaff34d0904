"""Who is there to hear of reminders on a day: the people away (every requirement of theirs paused), and the HR
officers the escalations to HR go to, with what the daily run tells the server's operator when there are none.
Read by `reminders` (what is due, and to whom) and by the daily run (`tasks`, `send_reminders`)."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from portal.people.emails import work_email_problem
from portal.people.models import StaffMember
from portal.people.roles import HR_GROUP

from .dates import end_of_local_day
from .models import EvidenceEntry, RequirementStatus


def staff_away(today: datetime.date):
    """The people away on `today`, as a StaffMember queryset: every active requirement that applies to them is under
    a pause in force today (maternity leave, long-term sickness, career break, secondment out, suspension, or HR's
    other reason), as the ledger records pauses (entries of source `pause` no correction has voided; the first day
    and the last both in force). Someone paused on only some of their requirements (a course they are excused from,
    say) is not away: they are at work. Evaluated, one query, whatever the number of people."""
    voided = EvidenceEntry.objects.filter(voids=OuterRef("pk"))
    in_force = (
        EvidenceEntry.objects.filter(source=EvidenceEntry.PAUSE, completed_at__lt=end_of_local_day(today))
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .exclude(Exists(voided))
    )
    not_paused = RequirementStatus.objects.filter(staff=OuterRef("pk"), requirement__active=True).exclude(
        Exists(in_force.filter(staff=OuterRef("staff"), requirement=OuterRef("requirement")))
    )
    paused = in_force.filter(requirement__active=True).values("staff_id")
    return StaffMember.objects.filter(pk__in=paused).exclude(Exists(not_paused))


NO_HR_LEFT = (
    "nobody in the HR group can sign in (every HR officer's account is closed, or they have left): escalations to HR "
    "go to nobody, and HR's pages and the API clients HR holds are out of reach. An administrator gives someone the "
    "HR role (manage.py createsuperuser if no administrator can sign in either, then /hr/roles/)."
)


NO_HR_YET = (
    "nobody has been given the HR role yet: escalations to HR go to nobody (an administrator made with "
    "createsuperuser is not sent them). Give the HR role at /hr/roles/ to someone on the roster (docs/setup.md, "
    "step 6); this warning stops once they have it."
)


def no_hr_warning(on: datetime.date) -> str:
    """What the daily run tells the server's operator when nobody in the HR group can sign in on `on` ("" when
    someone can): on a new portal, that nobody has the role yet (docs/setup.md's step 6 is still to do), else
    NO_HR_LEFT."""
    if hr_officers_in_post(on):
        return ""
    return NO_HR_LEFT if get_user_model().objects.filter(groups__name=HR_GROUP).exists() else NO_HR_YET


def hr_officers_in_post(on: datetime.date) -> int:
    """How many people in the HR group can still sign in on `on`: an open account, and no leave date before it
    (`StaffMember.has_left`; an account with no staff record, a break-glass administrator, counts)."""
    left = Q(staff__leave_date__isnull=False, staff__leave_date__lt=on)
    return get_user_model().objects.filter(groups__name=HR_GROUP, is_active=True).exclude(left).distinct().count()


def hr_recipients() -> list[str]:
    users = get_user_model().objects.filter(groups__name=HR_GROUP, is_active=True).exclude(email="")
    return sorted({email for email in users.values_list("email", flat=True) if not work_email_problem(email)})
